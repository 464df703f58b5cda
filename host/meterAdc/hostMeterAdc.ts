// Host implementation of the MeterADC native hook (types/meterAdc.d.ts) for the
// Espruino host runtime: samples come from a waveform source (host/waveform through
// the reference transducer and 12-bit ADC), the C kernel turns them into windows,
// and each window is delivered to the program's 'window' listeners on the runtime's
// clock at the instant its last sample would have been taken.
//
// Inject it as the global `MeterADC`:
//   const rt = new EspruinoRuntime({ clock, globals: (rt) => ({ MeterADC: hostMeterAdcClass(rt, { source }) }) });
// (host/meterAdc/runMeter.ts does this for build/meter.js).
//
// Kernel: the same C source through host/analyze/kernelProcess.ts. Until the Node
// addon (host/native) streams, start() precomputes `spanS` seconds of samples and
// runs the kernel over them once; windows past that span are not produced (the
// stats' `windows` stops growing). Deterministic: same source, same windows.
import type { EspruinoRuntime, TimerSource } from "../runtime/index.ts";
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";
import { runKernel } from "../analyze/kernelProcess.ts";
import { meterInput } from "../waveform/meterInput.ts";
import type { ConditionSpec } from "../waveform/condition.ts";

/** Interleaved codes [v0, i0, v1, i1, ...] for `seconds` of signal from t = 0 at fs. */
export type SampleSource = (sampleRateHz: number, seconds: number) => Uint16Array;

/** A source from a generator condition through the reference front end (meterInput). */
export function conditionSource(spec: ConditionSpec): SampleSource {
  return (fs, seconds) => meterInput(spec, { sampleRateHz: fs, durationS: seconds }).codes;
}

export interface HostMeterAdcOptions {
  source: SampleSource;
  /** Seconds of signal computed at start() (default 60). */
  spanS?: number;
}

interface Cfg {
  sampleRateHz: number;
  nominalHz: 50 | 60;
  cycles?: number;
  hysteresisLsb?: number;
  fitHalfWidth?: number;
}

export function hostMeterAdcClass(rt: EspruinoRuntime, opts: HostMeterAdcOptions): new () => object {
  const fail = (m: string): never => {
    throw new (rt.realm.Error as ErrorConstructor)(m);
  };
  return class MeterADC {
    private listeners: ((w: KernelWindow) => void)[] = [];
    private queue: { dueMs: number; w: KernelWindow }[] = [];
    private sub: { changed(): void; detach(): void } | undefined;
    private vZero = 0;
    private stats = { windows: 0, dropped: 0, overruns: 0 };

    on(event: string, cb: (w: KernelWindow) => void): void {
      if (event !== "window") fail(`MeterADC has no '${event}' event (only 'window')`);
      if (typeof cb !== "function") fail("MeterADC.on('window', cb): cb must be a function");
      this.listeners.push(cb);
    }

    setCalibration(vZeroLsb: number, iZeroLsb: number): void {
      if (!(vZeroLsb >= 0 && vZeroLsb <= 4095) || !(iZeroLsb >= 0 && iZeroLsb <= 4095)) fail("MeterADC.setCalibration: zero codes must be 0..4095");
      this.vZero = Math.round(vZeroLsb);
    }

    getStats(): { windows: number; dropped: number; overruns: number } {
      return { ...this.stats };
    }

    start(cfg: Cfg): void {
      if (this.sub) fail("MeterADC already started: call stop() first");
      if (!cfg || typeof cfg !== "object") fail("MeterADC.start(config): config must be an object");
      if (!(cfg.sampleRateHz >= 1000 && cfg.sampleRateHz <= 51200)) fail("sampleRateHz must be 1000..51200");
      if (cfg.nominalHz !== 50 && cfg.nominalHz !== 60) fail("nominalHz must be 50 or 60");
      const codes = opts.source(cfg.sampleRateHz, opts.spanS ?? 60);
      let windows: KernelWindow[];
      try {
        windows = runKernel(codes, { ...cfg, vMidLsb: this.vZero || undefined });
      } catch (e) {
        return fail((e as Error).message.replace(/^kernel: /, ""));
      }
      const t0 = rt.clock.nowMs();
      this.queue = windows.map((w) => ({ dueMs: t0 + (1000 * (w.startSample + w.sampleCount)) / w.sampleRateHz, w }));
      const source: TimerSource = {
        nextDueMs: () => this.queue[0]?.dueMs,
        runDue: () => {
          const now = rt.clock.nowMs();
          while (this.queue.length && this.queue[0]!.dueMs <= now) {
            const w = this.queue.shift()!.w;
            this.stats.windows++;
            for (const cb of this.listeners) rt.invoke(cb as (...a: unknown[]) => unknown, [w], this);
          }
        },
      };
      this.sub = rt.clock.subscribe(source);
      this.sub.changed();
    }

    stop(): void {
      this.queue = [];
      this.sub?.detach();
      this.sub = undefined;
    }
  };
}
