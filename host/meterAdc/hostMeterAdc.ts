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
// Kernel: the Node addon (host/native, the same C source as the device), fed like
// the device's DMA: every `blockS` of device time (a half-buffer) the next block of
// samples is generated and fed, and the windows it finished are emitted then. Without
// the addon built, the kernel runs through host/analyze/kernelProcess.ts's harness
// over `spanS` seconds precomputed at start() (windows past that span are not
// produced). Deterministic either way: same source, same windows.
import type { EspruinoRuntime, TimerSource } from "../runtime/index.ts";
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";
import { runKernel, kernelBackend } from "../analyze/kernelProcess.ts";
import { MeterKernel } from "../native/kernel.ts";
import { meterInput } from "../waveform/meterInput.ts";
import type { ConditionSpec } from "../waveform/condition.ts";

/** Interleaved codes [v0, i0, v1, i1, ...] for `seconds` of signal from startS at fs. */
export type SampleSource = (sampleRateHz: number, startS: number, seconds: number) => Uint16Array;

/** A source from a generator condition through the reference front end (meterInput). */
export function conditionSource(spec: ConditionSpec): SampleSource {
  return (fs, startS, seconds) => meterInput(spec, { sampleRateHz: fs, durationS: seconds, startS }).codes;
}

export interface HostMeterAdcOptions {
  source: SampleSource;
  /** Harness fallback only: seconds of signal computed at start() (default 60). */
  spanS?: number;
  /** Addon: device seconds per fed block, a DMA half-buffer (default 0.01). */
  blockS?: number;
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
      const kcfg = { ...cfg, vMidLsb: this.vZero || undefined };
      const t0 = rt.clock.nowMs();
      if (kernelBackend() === "addon") return this.stream(kcfg, t0);
      const codes = opts.source(cfg.sampleRateHz, 0, opts.spanS ?? 60);
      let windows: KernelWindow[];
      try {
        windows = runKernel(codes, kcfg);
      } catch (e) {
        return fail((e as Error).message.replace(/^kernel: /, ""));
      }
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

    /** Addon: one block per blockS, fed when its last sample is due, windows emitted then. */
    private stream(kcfg: Cfg & { vMidLsb?: number }, t0: number): void {
      let kernel: MeterKernel;
      try {
        kernel = new MeterKernel(kcfg);
      } catch (e) {
        return fail((e as Error).message);
      }
      const blockS = opts.blockS ?? 0.01;
      const perBlock = Math.round(blockS * kcfg.sampleRateHz);
      let block = 0;
      const due = (): number => t0 + (1000 * (block + 1) * perBlock) / kcfg.sampleRateHz;
      const source: TimerSource = {
        nextDueMs: () => due(),
        runDue: () => {
          while (due() <= rt.clock.nowMs()) {
            kernel.feed(opts.source(kcfg.sampleRateHz, (block * perBlock) / kcfg.sampleRateHz, perBlock / kcfg.sampleRateHz));
            block++;
            for (const w of kernel.takeWindows()) {
              this.stats.windows++;
              this.stats.dropped += w.droppedBefore;
              for (const cb of this.listeners) rt.invoke(cb as (...a: unknown[]) => unknown, [w], this);
            }
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
