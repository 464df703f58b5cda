// Host implementation of the MeterADC native hook (types/meterAdc.d.ts) for the
// Espruino host runtime: samples come from a waveform source (host/waveform through
// the reference transducer and 12-bit ADC), the C kernel turns them into windows,
// and each window is delivered to the program's 'window' listeners on the runtime's
// clock at the instant the device's DMA interrupt would have queued it.
//
// Inject it as the global `MeterADC`:
//   const rt = new EspruinoRuntime({ clock, globals: (rt) => ({ MeterADC: hostMeterAdcClass(rt, { source }) }) });
// (host/meterAdc/runMeter.ts does this for build/meter.js).
//
// Kernel: the Node addon (host/native, the same C source as the device), fed like
// the device's DMA: blocks of a fixed number of pairs (a half-buffer: `blockS` at the
// start rate, 128 pairs = 10 ms at 12.8 kHz), each generated and fed when its last
// pair is due, the windows it finished emitted then.
//
// Retuning (setSampleRate) follows boards/STM32F107/adc/meterAdc.c step for step:
// the request is checked and rounded to whole timer ticks as sampleClock.c does
// (host/meterAdc/sampleClock.ts), left pending, and taken by the next block-end
// "interrupt", which makes it the period of every interval from the following
// block's first pair on. The waveform source is sampled on that actual grid (each
// block at 72 MHz / its ticks, from the true time of its first pair), and each
// window's sampleRateHz is the mean rate of its own samples, from the same
// (first pair, ticks) history the device keeps. The kernel keeps its start rate, as
// on the device (it resamples each window to its crossings).
//
// Without the addon built, the kernel runs through host/analyze/kernelProcess.ts's
// harness over `spanS` seconds precomputed at start() (windows past that span are
// not produced) and cannot be retuned: setSampleRate then answers the rate it keeps.
import type { EspruinoRuntime, TimerSource } from "../runtime/index.ts";
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";
import { runKernel, kernelBackend } from "../analyze/kernelProcess.ts";
import { MeterKernel } from "../native/kernel.ts";
import { meterInput } from "../waveform/meterInput.ts";
import type { ConditionSpec } from "../waveform/condition.ts";
import { TIMER_CLOCK_HZ, MN_EINVAL, MN_ENETDOWN, retuneRequest, sampleClockCompute, sampleClockRateMilliHz } from "./sampleClock.ts";
import { RateHistory } from "./rateHistory.ts";

/** Interleaved codes [v0, i0, v1, i1, ...]: round(seconds x fs) pairs, pair k at startS + k / fs. */
export type SampleSource = (sampleRateHz: number, startS: number, seconds: number) => Uint16Array;

/** A source from a generator condition through the reference front end (meterInput). */
export function conditionSource(spec: ConditionSpec): SampleSource {
  return (fs, startS, seconds) => meterInput(spec, { sampleRateHz: fs, durationS: seconds, startS }).codes;
}

export interface HostMeterAdcOptions {
  source: SampleSource;
  /** Harness fallback only: seconds of signal computed at start() (default 60). */
  spanS?: number;
  /** Addon: duration of a fed block (a DMA half-buffer) at the start rate (default 0.01 s). */
  blockS?: number;
}

interface Cfg {
  sampleRateHz: number;
  nominalHz: 50 | 60;
  cycles?: number;
  hysteresisLsb?: number;
  fitHalfWidth?: number;
  vMidLsb?: number;
}

/** The device's getStats() fields (types/meterAdc.d.ts MeterAdcStats). */
interface Stats {
  windows: number;
  dropped: number;
  overruns: number;
  running: boolean;
  sampleRateHz: number;
  blocks: number;
  missedBlocks: number;
  lateBlocks: number;
  dmaErrors: number;
  kernelRestarts: number;
}

export function hostMeterAdcClass(rt: EspruinoRuntime, opts: HostMeterAdcOptions): new () => object {
  const fail = (m: string): never => {
    throw new (rt.realm.Error as ErrorConstructor)(m);
  };
  const clk = TIMER_CLOCK_HZ;
  return class MeterADC {
    private listeners: ((w: KernelWindow) => void)[] = [];
    private queue: { dueMs: number; w: KernelWindow }[] = [];
    private sub: { changed(): void; detach(): void } | undefined;
    private vZero = 0;
    private running = false;
    private psc = 0;
    private arr = 0;
    /** ARR waiting for the next block end; 0: none (as mn_adc_t.pendingArr). */
    private pendingArr = 0;
    private retunable = false;
    private s = { windows: 0, dropped: 0, blocks: 0 };

    on(event: string, cb: (w: KernelWindow) => void): void {
      if (event !== "window") fail(`MeterADC has no '${event}' event (only 'window')`);
      if (typeof cb !== "function") fail("MeterADC.on('window', cb): cb must be a function");
      this.listeners.push(cb);
    }

    setCalibration(vZeroLsb: number, iZeroLsb: number): void {
      if (!(vZeroLsb >= 0 && vZeroLsb <= 4095) || !(iZeroLsb >= 0 && iZeroLsb <= 4095)) fail("MeterADC.setCalibration: zero codes must be 0..4095");
      this.vZero = Math.round(vZeroLsb);
    }

    getStats(): Stats {
      const st: Stats = {
        windows: this.s.windows,
        dropped: this.s.dropped,
        overruns: 0, // the host never loses a block: missedBlocks + lateBlocks stay 0
        running: this.running,
        sampleRateHz: this.running ? sampleClockRateMilliHz(clk, this.psc, this.arr) / 1000 : 0,
        blocks: this.s.blocks,
        missedBlocks: 0,
        lateBlocks: 0,
        dmaErrors: 0,
        kernelRestarts: 0,
      };
      return Object.assign(new rt.realm.Object(), st) as Stats;
    }

    /** Device semantics (jswrap_meteradc_setSampleRate): achieved Hz, -22 (range) or -100 (not running). */
    setSampleRate(rateHz: number): number {
      const r = Number(rateHz);
      if (!(r > 0 && r < 4.0e6)) return MN_EINVAL;
      if (!this.running) return MN_ENETDOWN;
      const q = retuneRequest(clk, this.psc, r);
      if (typeof q === "number") return q;
      if (!this.retunable) return sampleClockRateMilliHz(clk, this.psc, this.arr) / 1000;
      this.pendingArr = q.arr;
      return q.achievedHz;
    }

    start(cfg: Cfg): void {
      if (this.sub) fail("MeterADC already started: call stop() first");
      if (!cfg || typeof cfg !== "object") fail("MeterADC.start(config): config must be an object");
      if (!(cfg.sampleRateHz >= 1000 && cfg.sampleRateHz <= 51200)) fail("sampleRateHz must be 1000..51200");
      if (cfg.nominalHz !== 50 && cfg.nominalHz !== 60) fail("nominalHz must be 50 or 60");
      const timer = sampleClockCompute(clk, Math.round(cfg.sampleRateHz) * 1000);
      if (!timer) return fail("sampleRateHz does not fit the timer");
      const kcfg: Cfg = {
        sampleRateHz: cfg.sampleRateHz,
        nominalHz: cfg.nominalHz,
        cycles: cfg.cycles,
        hysteresisLsb: cfg.hysteresisLsb,
        fitHalfWidth: cfg.fitHalfWidth,
        vMidLsb: cfg.vMidLsb || this.vZero || undefined,
      };
      const t0 = rt.clock.nowMs();
      this.s = { windows: 0, dropped: 0, blocks: 0 };
      this.psc = timer.psc;
      this.arr = timer.arr;
      this.pendingArr = 0;
      if (kernelBackend() === "addon") return this.stream(kcfg, t0);
      const codes = opts.source(cfg.sampleRateHz, 0, opts.spanS ?? 60);
      let windows: KernelWindow[];
      try {
        windows = runKernel(codes, kcfg);
      } catch (e) {
        return fail((e as Error).message.replace(/^kernel: /, ""));
      }
      this.running = true;
      this.retunable = false;
      this.queue = windows.map((w) => ({ dueMs: t0 + (1000 * (w.startSample + w.sampleCount)) / w.sampleRateHz, w }));
      const source: TimerSource = {
        nextDueMs: () => this.queue[0]?.dueMs,
        runDue: () => {
          const now = rt.clock.nowMs();
          while (this.queue.length && this.queue[0]!.dueMs <= now) this.emit(this.queue.shift()!.w);
        },
      };
      this.sub = rt.clock.subscribe(source);
      this.sub.changed();
      // As the device's kill hook does: reset(), load() or dispose() stop sampling.
      rt.onNativeKill(() => this.stop());
    }

    private emit(w: KernelWindow): void {
      this.s.windows++;
      this.s.dropped += w.droppedBefore;
      for (const cb of this.listeners) rt.invoke(cb as (...a: unknown[]) => unknown, [w], this);
    }

    /** Addon: one block of `perBlock` pairs at a time, fed when its last pair is due. */
    private stream(kcfg: Cfg, t0Ms: number): void {
      let kernel: MeterKernel;
      try {
        kernel = new MeterKernel(kcfg);
      } catch (e) {
        return fail((e as Error).message);
      }
      this.running = true;
      this.retunable = true;
      const perBlock = Math.max(1, Math.round((opts.blockS ?? 0.01) * kcfg.sampleRateHz));
      const ticksOf = (arr: number): number => (this.psc + 1) * (arr + 1);
      const history = new RateHistory(ticksOf(this.arr));
      let pairs = 0; // pairs fed since start
      let blockTicks = ticksOf(this.arr); // period of every interval of the block being filled
      let startTicks = 0; // timer ticks from start to the block's first pair
      const endTicks = (): number => startTicks + perBlock * blockTicks;
      const due = (): number => t0Ms + (1000 * endTicks()) / clk;
      const source: TimerSource = {
        nextDueMs: () => due(),
        runDue: () => {
          while (this.running && due() <= rt.clock.nowMs()) {
            const fs = clk / blockTicks;
            kernel.feed(opts.source(fs, startTicks / clk, perBlock / fs));
            this.s.blocks++;
            startTicks = endTicks();
            pairs += perBlock;
            // The block-end interrupt: a pending ARR sets the period from the next block's first pair on.
            if (this.pendingArr) {
              this.arr = this.pendingArr;
              this.pendingArr = 0;
              blockTicks = ticksOf(this.arr);
              history.push(pairs, blockTicks);
            }
            for (const w of kernel.takeWindows()) {
              w.sampleRateHz = clk / history.meanTicks(w.startSample, w.sampleCount);
              this.emit(w);
            }
          }
        },
      };
      this.sub = rt.clock.subscribe(source);
      this.sub.changed();
      // As the device's kill hook does: reset(), load() or dispose() stop sampling.
      rt.onNativeKill(() => this.stop());
    }

    stop(): void {
      this.queue = [];
      this.running = false;
      this.pendingArr = 0;
      this.sub?.detach();
      this.sub = undefined;
    }
  };
}
