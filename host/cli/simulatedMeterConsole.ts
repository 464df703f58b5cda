/**
 * For the upload tests: a simulated meter at a TCP console (the espruino CLI's target),
 * its host MeterADC fed a steady mains condition; `run` gets the port and the device,
 * and the console's whole output comes back with its result.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsoleDevice } from "../console/index.ts";
import { RealClock } from "../runtime/index.ts";
import { chipStorageBytes } from "../runtime/flashArea.ts";
import { hostMeterAdcClass, conditionSource } from "../meterAdc/hostMeterAdc.ts";

export interface MeterConsole { port: number; dev: ConsoleDevice; dir: string; keyFile: string }

export async function withSimulatedMeter<T>(mains: { fftNMax: 1024 | 2048; frequencyHz: number; v: number }, run: (m: MeterConsole) => Promise<T>): Promise<{ result: T; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), "meternet-upload-"));
  const adcs: Array<{ stop(): void }> = [];
  let log = "";
  const dev = new ConsoleDevice({
    clock: new RealClock(),
    // the meter chip's Storage (tools/firmware/flashMap.ts): the bundle, the UI's files and meternet.json must fit as on the board
    flashBytes: chipStorageBytes("meter"),
    onConsoleBytes: (b) => { log += b.toString("latin1"); },
    globals: (rt) => {
      const Adc = hostMeterAdcClass(rt, { fftNMax: mains.fftNMax, source: conditionSource({ frequencyHz: mains.frequencyHz, v: { rms: mains.v }, i: { rms: 5 }, displacementRad: 0.2, seed: 5 }) }) as new () => { stop(): void };
      return { MeterADC: class extends Adc { constructor() { super(); adcs.push(this); } } };
    },
  });
  try {
    const keyFile = join(dir, "key.json");
    writeFileSync(keyFile, JSON.stringify({ masterKeyHex: "000102030405060708090a0b0c0d0e0f" }));
    dev.powerOn();
    const port = await dev.listen(0);
    const result = await run({ port, dev, dir, keyFile });
    return { result, log };
  } finally {
    for (const a of adcs) a.stop(); // the host MeterADC stays subscribed to the clock otherwise
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
