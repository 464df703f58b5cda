/**
 * bench/sim: how many meters one Node process simulates in real time.
 *
 *   npm run bench:sim [-- --meters 1,2,4,8,16,32,63 --seconds 30]
 *
 * Each N builds the whole simulated network (host/sim/network.ts: the aggregator and
 * N meters running build/aggregator.js and build/meter.js in host runtimes, the
 * bit-timed CAN bus, the aggregator polling every meter) and runs `--seconds` of
 * device time as fast as it goes (no pacing), after 3 s of warm-up. Every meter feeds
 * every sample at 12.8 kHz through the C kernel (Node addon, the device's kernel
 * source): 2560 pairs per 200 ms window, from one cached window of codes per
 * appliance state (synthesis is done in the warm-up and is not in the figures).
 *
 * Columns: CPU ms (user + system) per simulated second; real-time factor = device
 * seconds per wall second (>= 1: real time is sustainable; `npm start --speed X`
 * needs X); kernel share = the C kernel's part of the wall time; CPU ms per meter.
 * One process uses one core for all of it (the runtimes share Node's thread).
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "../../host/sim/network.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

interface Row { n: number; cpuMsPerS: number; rtf: number; kernelPct: number; cpuMsPerMeter: number; answered: number; polls: number }

async function measure(n: number, seconds: number, bundles: { agg: string; meter: string }): Promise<Row> {
  const net = new SimNetwork({
    meters: n, speed: 1, masterKey: new Uint8Array(16).fill(0x42), aggregatorBundle: bundles.agg, meterBundle: bundles.meter,
    httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 21, 9, 0), startOfDayS: 11 * 3600, dipsPerSlot: 0.3, output: () => {},
  });
  try {
    await net.start();
    net.clock.advance(3000);
    const k0 = net.nodes.reduce((s, x) => s + (x.adc ? x.adc.kernelMs : 0), 0);
    const a0 = net.status(net.aggregator) as { sent: number; answered: number };
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    for (let t = 0; t < seconds * 1000; t += 100) net.clock.advance(100);
    const wallMs = performance.now() - w0;
    const c = process.cpuUsage(c0);
    const k = net.nodes.reduce((s, x) => s + (x.adc ? x.adc.kernelMs : 0), 0) - k0;
    const a = net.status(net.aggregator) as { sent: number; answered: number };
    const cpuMs = (c.user + c.system) / 1000;
    return { n, cpuMsPerS: cpuMs / seconds, rtf: (seconds * 1000) / wallMs, kernelPct: (100 * k) / wallMs, cpuMsPerMeter: cpuMs / seconds / n, answered: a.answered - a0.answered, polls: a.sent - a0.sent };
  } finally {
    await net.stop();
  }
}

async function main(): Promise<void> {
  const list = arg("--meters", "1,2,4,8,16,32,63").split(",").map(Number);
  const seconds = Number(arg("--seconds", "30"));
  const bundles = { agg: readFileSync(root + "build/aggregator.js", "utf8"), meter: readFileSync(root + "build/meter.js", "utf8") };
  console.log(`bench/sim: ${cpus().length} x ${cpus()[0].model}, node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  console.log(`${seconds} s of device time per row, after 3 s warm-up; every meter: 12.8 kHz through the C kernel, CAN polls and answers authenticated\n`);
  console.log("| meters | CPU ms / simulated s | real-time factor | kernel share | CPU ms / meter / s | polls answered (measured part) |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  const rows: Row[] = [];
  for (const n of list) {
    const r = await measure(n, seconds, bundles);
    rows.push(r);
    console.log(`| ${r.n} | ${r.cpuMsPerS.toFixed(0)} | ${r.rtf.toFixed(1)} | ${r.kernelPct.toFixed(0)} % | ${r.cpuMsPerMeter.toFixed(1)} | ${r.answered}/${r.polls} |`);
  }
  const rt = rows.filter((r) => r.rtf >= 1).map((r) => r.n);
  const best = rt.length ? Math.max(...rt) : 0;
  // Linear fit of CPU per simulated second against N: fixed part + per meter.
  const nMean = rows.reduce((s, r) => s + r.n, 0) / rows.length;
  const cMean = rows.reduce((s, r) => s + r.cpuMsPerS, 0) / rows.length;
  const slope = rows.reduce((s, r) => s + (r.n - nMean) * (r.cpuMsPerS - cMean), 0) / Math.max(1e-9, rows.reduce((s, r) => s + (r.n - nMean) ** 2, 0));
  console.log(`\nCPU per simulated second ~ ${(cMean - slope * nMean).toFixed(0)} ms + ${slope.toFixed(1)} ms x meters (least squares over the rows)`);
  console.log(`largest N measured in real time: ${best}${best ? "" : " (none)"}; fit predicts ${Math.floor((1000 - (cMean - slope * nMean)) / slope)} meters at 1000 ms CPU per second`);
}

await main();
