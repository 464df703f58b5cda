// Writes a long generated record for the analyze memory/time bench (bench/analyze/main.ts):
// 230 V / 10 A, 50.02 Hz, 5 % 5th on V, 10 % 3rd on I, at the reference front end's
// 12-bit ADC codes (BINARY) or as true values (ASCII, the larger file).
//   tsx bench/analyze/generateBig.ts <out base> <samples> <BINARY|ASCII>
import { generateRecord } from "../../host/waveform/generateRecord.ts";

const [base, samplesArg, format] = process.argv.slice(2);
if (!base || !samplesArg || (format !== "BINARY" && format !== "ASCII")) {
  console.error("usage: tsx bench/analyze/generateBig.ts <out base> <samples> <BINARY|ASCII>");
  process.exit(2);
}
const rate = 12_800;
const samples = Number(samplesArg);
const t0 = Date.now();
const g = generateRecord(
  { frequencyHz: 50.02, v: { rms: 230, components: [{ order: 5, ratio: 0.05 }] }, i: { rms: 10, components: [{ order: 3, ratio: 0.1 }] }, displacementRad: 0.4, seed: 7 },
  base,
  format === "BINARY" ? { stage: "adc", durationS: samples / rate, sampleRateHz: rate, format: "BINARY" } : { stage: "analog", durationS: samples / rate, sampleRateHz: rate, rev: 1999, format: "ASCII" },
);
console.log(`${g.files.join(", ")}: ${g.count} samples at ${rate} Hz (${(g.count / rate).toFixed(1)} s), ${((Date.now() - t0) / 1000).toFixed(1)} s to write`);
