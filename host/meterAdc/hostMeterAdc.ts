// Host implementation of the MeterADC native hook (types/meterAdc.d.ts) for the
// Espruino host runtime, used by runMeter.ts and the simulator (host/sim/network.ts):
// samples come from a pluggable source (a generator condition, or the simulator's
// cached appliance blocks), the C kernel (the Node addon host/native, the device's
// kernel source) turns them into windows, and each window reaches the program's
// 'window' listeners on the runtime's clock when the device's DMA interrupt would
// have queued it. It streams for as long as it runs.
//
//   const rt = new EspruinoRuntime({ clock, globals: (rt) => ({ MeterADC: hostMeterAdcClass(rt, { source }) }) });
//
// The sampler is the device's C (the addon's MeterAdcSampler, host/native/meterAdcAddon.cc):
// boards/STM32F107/adc/meterAdc.c and sampleClock.c over the board tests' register models
// of TIM3, ADC1/2 and DMA1. Fed like the device's DMA: blocks of a fixed number of pairs
// (a half-buffer: `blockS` at the start rate, 128 pairs = 10 ms at 12.8 kHz), each asked
// of the source when its last pair is due, at the rate and from the time the timer's
// registers give (ticks of 72 MHz), and fed pair by pair as timer updates; the DMA's
// half-buffer interrupt (mn_adc_isr_dma) feeds the kernel, applies a pending retune
// (setSampleRate: mn_adc_set_rate) from the next half on, and the windows it finished
// are taken as the device's main loop takes them (mn_adc_take_window, each with the
// mean rate of its own samples).
//
// Metering (setMetering before start): as the device's binding does, each window goes
// through the C metering chain (the addon's MeterChain: boards/STM32F107/metering), which
// retunes the rate itself; JavaScript gets 'reading' every readingEvery windows, 'event'
// per voltage event and 'aggregate' per 150/180-cycle and 10-minute aggregate. The raw
// 'window' event stays for diagnostics and tests.
/// <reference path="../../types/meterAdc.d.ts" />
// start()'s configuration is the device binding's MeterAdcConfig (types/meterAdc.d.ts), not a copy.
import type { EspruinoRuntime, TimerSource } from "../runtime/index.ts";
import { createSampler, type NativeSampler } from "../native/sampler.ts";
import { READING_FLAG_IEC } from "../../modules/metering/kernelWindow.ts";
import { createChain, type NativeChain } from "../native/metering.ts";
import type { EnergyState, MeterReading, MeteringConfig, WindowReading } from "../../modules/metering/readings.ts";
import { meterInput } from "../waveform/meterInput.ts";
import type { ConditionSpec } from "../waveform/condition.ts";
import { FIRMWARE_50HZ_ONLY, TIMER_CLOCK_HZ } from "./firmwareFacts.generated.ts";
import { windowLog } from "./windowLog.ts";

/**
 * Interleaved codes [v0, i0, v1, i1, ...] of one block: `pairs` pairs, pair k at
 * startS + k / sampleRateHz, startS in seconds since start(). Called when the block's
 * last pair is due, so the runtime's clock is at its end.
 */
export type SampleSource = (sampleRateHz: number, startS: number, pairs: number) => Uint16Array;

/** A source from a generator condition through the reference front end (meterInput). */
export function conditionSource(spec: ConditionSpec): SampleSource {
  return (fs, startS, pairs) => meterInput(spec, { sampleRateHz: fs, durationS: pairs / fs, startS }).codes;
}

/** Running totals over every instance given them (the simulator's status line and bench/sim). */
export interface AdcCounters {
  blocks: number;
  windows: number;
  /** Wall ms spent in the kernel (feed and take), the source excluded. */
  kernelMs: number;
}

// What MeterADC.start throws on the 50 Hz image for 12-cycle windows: generated from
// boards/STM32F107/adc/meterAdc.c (mn_adc_start_error_text), word for word.
export { FIRMWARE_50HZ_ONLY };

export interface HostMeterAdcOptions {
  source: SampleSource;
  /**
   * Resampled points the emulated firmware's kernel holds: 2048 (default; the 60 Hz
   * image METERNET_F107_60HZ, and the Node addon) or 1024 (the 50 Hz image
   * METERNET_F107: 12-cycle windows are refused as the device refuses them).
   */
  fftNMax?: 1024 | 2048;
  /** Duration of a fed block (a DMA half-buffer) at the start rate (default 0.01 s). */
  blockS?: number;
  counters?: AdcCounters;
  /** Each MeterADC the bundle creates, for tests that inject what the hardware does (dmaError()). */
  onCreate?: (adc: { dmaError(): void }) => void;
}

type Sub = { changed(): void; detach(): void };


/** The device's 'reading' object (jswrap_meteradc.c reading_to_js) from a released window. */
function meterReading(r: WindowReading, flagged: boolean, flagsSince: number, chain: NativeChain): MeterReading {
  const e = chain.energy();
  const units = (x: { milli: number; frac: number }): number => (x.milli + x.frac) / 1000;
  return {
    tS: r.startS + r.spanS, fHz: r.fHz, vRmsV: r.vRmsV, iRmsA: r.iRmsA, pW: r.pW, qVar: r.qVar, sVA: r.sVA, nVA: r.nVA, pf: r.pf,
    thdVPct: r.thdVPct, thdIPct: r.thdIPct, flagged, flags: r.flags | (flagged ? READING_FLAG_IEC : 0), flagsSince, importWh: units(e.importWh), exportWh: units(e.exportWh), importVarh: units(e.importVarh), exportVarh: units(e.exportVarh),
  };
}

export function hostMeterAdcClass(rt: EspruinoRuntime, opts: HostMeterAdcOptions): new () => object {
  const fail = (m: string): never => {
    throw new (rt.realm.Error as ErrorConstructor)(m);
  };
  const clk = TIMER_CLOCK_HZ;
  const counters = opts.counters ?? { blocks: 0, windows: 0, kernelMs: 0 };
  const EVENTS = ["window", "reading", "event", "aggregate", "error"];
  return class MeterADC {
    private listeners: { [event: string]: ((x: unknown) => void)[] } = { window: [], reading: [], event: [], aggregate: [], error: [] };
    private metering: MeteringConfig | undefined;
    private chain: NativeChain | undefined;
    private sub: Sub | undefined;
    private readonly sampler: NativeSampler = createSampler();

    constructor() {
      if (opts.onCreate) opts.onCreate(this);
    }

    /** A DMA transfer error, as the device's interrupt meets it: sampling stops, one 'error' event (jswrap_meteradc.c). */
    dmaError(): void {
      if (!this.sampler.dmaError()) return;
      this.sub?.detach();
      this.sub = undefined;
      this.emit("error", "MeterADC: DMA transfer error, sampling stopped: call start() again");
    }

    on(event: string, cb: (x: never) => void): void {
      if (!EVENTS.includes(event)) fail(`MeterADC has no '${event}' event (only ${EVENTS.map((e) => `'${e}'`).join(", ")})`);
      if (typeof cb !== "function") fail(`MeterADC.on('${event}', cb): cb must be a function`);
      this.listeners[event]!.push(cb as (x: unknown) => void);
    }

    /** The C metering chain's configuration, used from the next start() (jswrap_meteradc_setMetering). */
    setMetering(cfg: MeteringConfig): void {
      if (!cfg || typeof cfg !== "object" || !cfg.calibration) fail("MeterADC.setMetering expects {calibration, declaredV, utcAtStartS, readingEvery}");
      if (!(cfg.declaredV > 0)) fail("MeterADC.setMetering: declaredV must be a positive number of volts");
      if (!(cfg.readingEvery >= 1)) fail("MeterADC.setMetering: readingEvery must be 1 or more windows");
      this.metering = { calibration: JSON.parse(JSON.stringify(cfg.calibration)), declaredV: Number(cfg.declaredV), utcAtStartS: Number(cfg.utcAtStartS) || 0, readingEvery: Math.round(cfg.readingEvery) };
    }

    /** Energy registers as plain values (save); null before the first start() with metering. */
    getEnergy(): EnergyState | null {
      return this.chain ? Object.assign(new rt.realm.Object(), this.chain.energy()) : null;
    }

    /** Restores the registers (after start(); they survive stop/start). */
    setEnergy(e: EnergyState): void {
      if (!this.chain) fail("MeterADC.setEnergy: call setMetering and start first");
      try {
        this.chain!.setEnergy(e);
      } catch (x) {
        fail("MeterADC." + (x as Error).message);
      }
    }

    private emit(event: string, x: unknown): void {
      for (const cb of this.listeners[event]!) rt.invoke(cb as (...a: unknown[]) => unknown, [x], this);
    }

    setCalibration(vZeroLsb: number, iZeroLsb: number): void {
      if (!this.sampler.setZeroCodes(Math.round(vZeroLsb), Math.round(iZeroLsb))) fail("MeterADC.setCalibration: zero codes must be 0..4095");
    }

    /** The device's fields (MeterAdcStats, mn_adc_get_stats); the host never loses or delays a block. */
    getStats(): object {
      return Object.assign(new rt.realm.Object(), this.sampler.stats());
    }

    /** Device semantics (jswrap_meteradc_setSampleRate, mn_adc_set_rate): achieved Hz, -22 (range) or -100 (not running). */
    setSampleRate(rateHz: number): number {
      return this.sampler.setSampleRate(Number(rateHz));
    }

    start(cfg: MeterAdcConfig): void {
      if (this.sub) fail("MeterADC already started: call stop() first");
      if (!cfg || typeof cfg !== "object") fail("MeterADC.start(config): config must be an object");
      if (!(cfg.sampleRateHz >= 1000 && cfg.sampleRateHz <= 51200)) fail("sampleRateHz must be 1000..51200");
      if (cfg.nominalHz !== 50 && cfg.nominalHz !== 60) fail("nominalHz must be 50 or 60");
      // The 50 Hz image's kernel cannot make 12-cycle windows (kernel default: 12 at 60 Hz).
      if (opts.fftNMax === 1024 && (cfg.cycles || (cfg.nominalHz === 60 ? 12 : 10)) === 12) fail("MeterADC.start: " + FIRMWARE_50HZ_ONLY);
      const { sampleRateHz, nominalHz } = cfg;
      const perBlock = Math.max(1, Math.round((opts.blockS ?? 0.01) * sampleRateHz));
      const sampler = this.sampler;
      try {
        sampler.start(cfg, perBlock);
      } catch (e) {
        return fail((e as Error).message);
      }
      const m = this.metering;
      if (m) {
        const kept = this.chain?.energy();
        try {
          this.chain = createChain({ calibration: m.calibration, declaredV: m.declaredV, utcAtStartS: m.utcAtStartS, startRateHz: sampleRateHz, nominalHz, regrid: true, retune: true });
        } catch (e) {
          sampler.stop();
          return fail("MeterADC.start: " + (e as Error).message);
        }
        if (kept) this.chain.setEnergy(kept); // the registers survive a restart, as on the device
      }
      let released = 0;
      const log = windowLog();
      let flagsSince = 0;
      const t0Ms = rt.clock.nowMs();
      // The next block (half-buffer) from the timer's registers: its first pair's time and period, in ticks.
      let [startTicks, periodTicks] = sampler.nextBlock();
      const due = (): number => t0Ms + (1000 * (startTicks + perBlock * periodTicks)) / clk;
      let sub: Sub | undefined;
      const source: TimerSource = {
        nextDueMs: () => due(),
        runDue: () => {
          // `sub` not current: stopped (maybe restarted) by a listener.
          while (this.sub === sub && due() <= rt.clock.nowMs()) {
            const codes = opts.source(clk / periodTicks, startTicks / clk, perBlock);
            let t = performance.now();
            sampler.feed(codes);
            counters.kernelMs += performance.now() - t;
            counters.blocks++;
            [startTicks, periodTicks] = sampler.nextBlock();
            for (;;) {
              if (this.sub !== sub) break; // stop() discards what is queued
              t = performance.now();
              const w = sampler.takeWindow();
              counters.kernelMs += performance.now() - t;
              if (!w) break;
              counters.windows++;
              if (log) log.window(w);
              this.emit("window", w);
              const chain = this.chain;
              if (!m || !chain) continue;
              const out = chain.process(w);
              if (log) log.chain(out);
              for (const e of out.events) this.emit("event", e);
              for (const x of out.windows) {
                // as jswrap_meteradc.c on_window: the flags of every window since the last reading
                flagsSince |= x.r.flags | (x.flagged ? READING_FLAG_IEC : 0);
                if (released++ % m.readingEvery !== 0) continue;
                this.emit("reading", meterReading(x.r, x.flagged, flagsSince, chain));
                flagsSince = 0;
              }
              for (const a of out.aggregates) this.emit("aggregate", a);
              if (out.wantRateHz > 0) chain.rateAnswer(this.setSampleRate(out.wantRateHz));
            }
          }
        },
      };
      this.sub = sub = rt.clock.subscribe(source);
      sub.changed();
      // As the device's kill hook does: reset(), load() or dispose() stop sampling.
      rt.onNativeKill(() => this.stop());
    }

    /** Stops sampling; windows not yet delivered are discarded. */
    stop(): void {
      this.sampler.stop();
      this.sub?.detach();
      this.sub = undefined;
    }
  };
}
