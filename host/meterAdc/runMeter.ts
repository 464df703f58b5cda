/**
 * Runs the meter bundle (build/meter.js, `npm run build` first) in the Espruino host
 * runtime with the host MeterADC fed from the waveform generator.
 *
 *   npx tsx host/meterAdc/runMeter.ts [--seconds N] [--dip RESIDUAL_PCT@START_S+DURATION_S]
 *
 * Default condition: 50.05 Hz, 230 V with 3 % 5th harmonic, 12 A lagging 0.4 rad with
 * 10 % 3rd harmonic, reference transducer and 12-bit ADC (0.5 LSB noise).
 */
import { readFileSync } from "node:fs";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { hostMeterAdcClass, conditionSource } from "./hostMeterAdc.ts";
import type { ConditionSpec } from "../waveform/condition.ts";

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

export function runMeter(bundle: string, spec: ConditionSpec, seconds: number, output: (s: string) => void): EspruinoRuntime {
  const clock = new VirtualClock(0);
  const rt = new EspruinoRuntime({
    clock,
    output,
    globals: (r) => ({ MeterADC: hostMeterAdcClass(r, { source: conditionSource(spec) }) }),
  });
  rt.execute(bundle, "meter.js");
  clock.advance(seconds * 1000);
  return rt;
}

async function main(argv: string[]): Promise<number> {
  let seconds = 5;
  let dip: { residualPct: number; startS: number; durationS: number } | undefined;
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === "--seconds") seconds = Number(argv[++k]);
    else if (argv[k] === "--dip") {
      const m = /^([\d.]+)@([\d.]+)\+([\d.]+)$/.exec(argv[++k] ?? "");
      if (!m) {
        console.error("--dip needs RESIDUAL_PCT@START_S+DURATION_S, e.g. 60@2.1+0.1");
        return 2;
      }
      dip = { residualPct: Number(m[1]), startS: Number(m[2]), durationS: Number(m[3]) };
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
  const rt = runMeter(bundle, demoCondition(dip), seconds, (s) => process.stdout.write(s));
  await rt.dispose();
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
