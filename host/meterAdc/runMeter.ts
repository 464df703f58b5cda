/**
 * Runs the meter bundle (build/meter.js, `npm run build` first) in the Espruino host
 * runtime with the host MeterADC fed from the waveform generator.
 *
 *   npx tsx host/meterAdc/runMeter.ts [--seconds N] [--dip RESIDUAL_PCT@START_S+DURATION_S] [--mains HZ/V]
 *
 * Default condition: 50.05 Hz, 230 V with 3 % 5th harmonic, 12 A lagging 0.4 rad with
 * 10 % 3rd harmonic, reference transducer and 12-bit ADC (0.5 LSB noise). `--mains 60/120`
 * writes "mains": {"hz": 60, "v": 120} into the meter's meternet.json (as `npm run upload
 * -- ... --mains-hz 60 --mains-v 120` does) and generates the same condition at 60.05 Hz
 * and 120 V (the nominal's +0.1 %).
 */
import { readFileSync } from "node:fs";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { hostMeterAdcClass, conditionSource } from "./hostMeterAdc.ts";
import type { ConditionSpec } from "../waveform/condition.ts";
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";

export function demoCondition(dip?: { residualPct: number; startS: number; durationS: number }): ConditionSpec {
  return {
    frequencyHz: 50.05,
    v: { rms: 230, components: [{ order: 5, ratio: 0.03, phaseRad: 0.2 }] },
    i: { rms: 12, components: [{ order: 3, ratio: 0.1, phaseRad: 1 }] },
    displacementRad: 0.4,
    seed: 7,
    events: dip ? [{ kind: "dip", residualPct: dip.residualPct, startS: dip.startS, durationS: dip.durationS }] : undefined,
  };
}

export interface RunMeterOptions {
  /** Files written to the meter's Storage before the bundle runs, e.g. {"meternet.json": {mains: {hz: 60, v: 120}}}. */
  files?: { [name: string]: object };
  /** The emulated firmware's kernel (HostMeterAdcOptions.fftNMax): 1024 = the 50 Hz image. */
  fftNMax?: 1024 | 2048;
  /** Called with every MeterADC the bundle constructs (to listen to its windows too). */
  onAdc?: (adc: { on(event: "window", cb: (w: KernelWindow) => void): void; getStats(): { sampleRateHz: number } }) => void;
}

export function runMeter(bundle: string, spec: ConditionSpec, seconds: number, output: (s: string) => void, opts: RunMeterOptions = {}): EspruinoRuntime {
  const clock = new VirtualClock(0);
  const rt = new EspruinoRuntime({
    clock,
    output,
    globals: (r) => {
      const Base = hostMeterAdcClass(r, { source: conditionSource(spec), fftNMax: opts.fftNMax });
      const onAdc = opts.onAdc ?? (() => {});
      const MeterADC = opts.onAdc
        ? class extends Base {
            constructor() {
              super();
              onAdc(this as never);
            }
          }
        : Base;
      return { MeterADC };
    },
  });
  for (const [name, value] of Object.entries(opts.files ?? {})) rt.eval(`require("Storage").write(${JSON.stringify(name)}, ${JSON.stringify(JSON.stringify(value))})`);
  rt.execute(bundle, "meter.js");
  clock.advance(seconds * 1000);
  return rt;
}

async function main(argv: string[]): Promise<number> {
  let seconds = 5;
  let dip: { residualPct: number; startS: number; durationS: number } | undefined;
  let mains: { hz: number; v: number } | undefined;
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === "--seconds") seconds = Number(argv[++k]);
    else if (argv[k] === "--dip") {
      const m = /^([\d.]+)@([\d.]+)\+([\d.]+)$/.exec(argv[++k] ?? "");
      if (!m) {
        console.error("--dip needs RESIDUAL_PCT@START_S+DURATION_S, e.g. 60@2.1+0.1");
        return 2;
      }
      dip = { residualPct: Number(m[1]), startS: Number(m[2]), durationS: Number(m[3]) };
    } else if (argv[k] === "--mains") {
      const m = /^(50|60)\/(\d+(?:\.\d+)?)$/.exec(argv[++k] ?? "");
      if (!m) {
        console.error("--mains needs HZ/V with HZ 50 or 60, e.g. 60/120");
        return 2;
      }
      mains = { hz: Number(m[1]), v: Number(m[2]) };
    } else {
      console.error(`unknown argument '${argv[k]}'`);
      return 2;
    }
  }
  if (!(seconds > 0)) {
    console.error("--seconds needs a positive number");
    return 2;
  }
  const bundle = readFileSync(new URL("../../build/meter.js", import.meta.url), "utf8");
  let spec = demoCondition(dip);
  if (mains) spec = { ...spec, frequencyHz: mains.hz * 1.001, v: { ...spec.v, rms: mains.v * 1.001 } };
  const files: { [name: string]: object } = mains ? { "meternet.json": { mains } } : {};
  const rt = runMeter(bundle, spec, seconds, (s) => process.stdout.write(s), { files });
  await rt.dispose();
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
