/**
 * The MeterADC hook (types/meterAdc.d.ts) of a simulated meter, streaming: every
 * 200 ms of device time one window of codes from the meter's feed goes through the C
 * kernel (the Node addon host/native, the device's kernel source), and each finished
 * window reaches the program's 'window' listeners at that instant, as the DMA
 * interrupt and the event queue deliver it on the board.
 *
 * host/meterAdc/hostMeterAdc.ts (the metering engineer's) precomputes a fixed span
 * instead; the simulator runs for hours, so it needs this streaming form.
 */
import type { EspruinoRuntime, TimerSource } from "../runtime/index.ts";
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";
import { MeterKernel } from "../native/kernel.ts";
import { SAMPLE_RATE_HZ, WINDOW_PAIRS } from "./waveformSource.ts";

/** Codes for feed number n (interleaved v, i; WINDOW_PAIRS pairs). */
export type FeedSource = (n: number) => Uint16Array;

export interface AdcCounters {
  feeds: number;
  windows: number;
  kernelMs: number;
}

interface Cfg {
  sampleRateHz: number;
  nominalHz: 50 | 60;
  cycles?: number;
  hysteresisLsb?: number;
  fitHalfWidth?: number;
}

/**
 * The class to install as the global MeterADC. A started instance stops itself when
 * the interpreter restarts or is disposed (rt.onNativeKill, the native hook's kill handler).
 */
export function simMeterAdcClass(rt: EspruinoRuntime, source: FeedSource, counters: AdcCounters): new () => object {
  const fail = (m: string): never => {
    throw new (rt.realm.Error as ErrorConstructor)(m);
  };
  const feedMs = (1000 * WINDOW_PAIRS) / SAMPLE_RATE_HZ;
  return class MeterADC {
    private listeners: ((w: KernelWindow) => void)[] = [];
    private sub: { changed(): void; detach(): void } | undefined;
    private kernel: MeterKernel | undefined;
    private vZero = 0;
    private iZero = 0;
    private n = 0;
    private t0 = 0;
    private stats = { windows: 0, dropped: 0, overruns: 0 };

    on(event: string, cb: (w: KernelWindow) => void): void {
      if (event !== "window") fail(`MeterADC has no '${event}' event (only 'window')`);
      if (typeof cb !== "function") fail("MeterADC.on('window', cb): cb must be a function");
      this.listeners.push(cb);
    }

    setCalibration(vZeroLsb: number, iZeroLsb: number): void {
      if (!(vZeroLsb >= 0 && vZeroLsb <= 4095) || !(iZeroLsb >= 0 && iZeroLsb <= 4095)) fail("MeterADC.setCalibration: zero codes must be 0..4095");
      this.vZero = Math.round(vZeroLsb);
      this.iZero = Math.round(iZeroLsb);
    }

    getStats(): { windows: number; dropped: number; overruns: number } {
      return Object.assign(new rt.realm.Object(), this.stats) as { windows: number; dropped: number; overruns: number };
    }

    start(cfg: Cfg): void {
      if (this.sub) fail("MeterADC already started: call stop() first");
      if (!cfg || typeof cfg !== "object") fail("MeterADC.start(config): config must be an object");
      if (cfg.sampleRateHz !== SAMPLE_RATE_HZ) fail(`the simulated MeterADC samples at ${SAMPLE_RATE_HZ} Hz only`);
      if (cfg.nominalHz !== 50) fail("the simulated supply is 50 Hz: nominalHz must be 50");
      try {
        this.kernel = new MeterKernel({ sampleRateHz: cfg.sampleRateHz, nominalHz: cfg.nominalHz, cycles: cfg.cycles, hysteresisLsb: cfg.hysteresisLsb, fitHalfWidth: cfg.fitHalfWidth, vMidLsb: this.vZero || undefined });
      } catch (e) {
        fail((e as Error).message);
      }
      this.t0 = rt.clock.nowMs();
      this.n = 0;
      const source: TimerSource = {
        nextDueMs: () => this.t0 + (this.n + 1) * feedMs,
        runDue: () => {
          const now = rt.clock.nowMs();
          while (this.kernel && this.t0 + (this.n + 1) * feedMs <= now) this.feed();
        },
      };
      this.sub = rt.clock.subscribe(source);
      this.sub.changed();
      rt.onNativeKill(() => this.stop());
    }

    private feed(): void {
      const k = this.kernel as MeterKernel;
      const t = performance.now();
      k.feed(source(this.n));
      const ws = k.takeWindows();
      counters.kernelMs += performance.now() - t;
      counters.feeds++;
      this.n++;
      for (const w of ws) {
        this.stats.windows++;
        counters.windows++;
        for (const cb of this.listeners) rt.invoke(cb as (...a: unknown[]) => unknown, [w], this);
      }
    }

    stop(): void {
      this.sub?.detach();
      this.sub = undefined;
      this.kernel = undefined;
    }
  };
}
