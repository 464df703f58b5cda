/**
 * The meter's per-window chain: kernel window -> readings (windowReading.ts) ->
 * voltage events (voltageEvents.ts) -> IEC flag -> aggregates (aggregate.ts),
 * energy registers and load profile. Used unchanged by the meter app
 * (app/meter/main.ts) and by `meternet analyze` (host/cli/analyze.ts).
 *
 * Time base: seconds since sampling started (the kernel's sample count / fs);
 * utcAtStartS (from the UtcClock when the chain starts) maps it to UTC for the
 * clock-aligned 10-minute aggregates and the 15-minute profile.
 *
 * Flagging needs one window of delay: a dip is detected 0.25..1 cycle after it
 * starts, possibly in the next window, so each reading is held until the next
 * window's Urms(1/2) values are in, and flagged when an event opened then may have
 * begun inside it (the first value's one-cycle span reaches back into it). IEC
 * 61000-4-30 4.7: a window is flagged when a dip, swell or interruption occurs
 * during it.
 */
import type { KernelWindow } from "./kernelWindow";
import type { MeterCalibration } from "./calibration";
import type { UtcClock } from "./utcClock";
import { windowReading, type WindowReading } from "./windowReading";
import { VoltageEventDetector, type VoltageEvent } from "./voltageEvents";
import { Aggregator, type AggregateReading } from "./aggregate";
import { EnergyRegisters } from "./energyRegisters";
import { PowerProfile } from "./powerProfile";

export interface MeterSink {
  window(r: WindowReading, flagged: boolean): void;
  event(e: VoltageEvent): void;
  aggregate(a: AggregateReading): void;
}

export interface MeterChainConfig {
  calibration: MeterCalibration;
  /** Declared supply voltage Udin, V (dip/swell thresholds). */
  declaredV: number;
  clock: UtcClock;
  sink: MeterSink;
}

/** Windows per 150/180-cycle aggregate (IEC 61000-4-30 clause 4): 15 of 10 or 12 cycles. */
const SHORT_WINDOWS = 15;
const TEN_MIN_S = 600;

/** A window's Urms(1/2) values (calibrated, the ADC noise power removed) into the chain's
 * event detector; returns the end of the last one, s. */
function halfCycleValues(c: MeterChain, w: KernelWindow, periodS: number): number {
  const g = Math.abs(c.calibration.v.unitPerLsb);
  const noise = c.calibration.v.noiseLsb2;
  let endS = 0;
  for (let k = 0; k < w.urmsHalfLsb.length; k++) {
    const u = w.urmsHalfLsb[k];
    const ms = u * u - noise;
    endS = (w.startSample + w.urmsHalfEndSample[k]) / w.sampleRateHz;
    const ev = c.events.push(g * Math.sqrt(ms > 0 ? ms : 0), endS, periodS);
    if (ev) c.sink.event(ev);
  }
  return endS;
}

export class MeterChain {
  calibration: MeterCalibration;
  readonly energy = new EnergyRegisters();
  readonly profile = new PowerProfile();
  readonly events: VoltageEventDetector;
  readonly sink: MeterSink;
  private readonly utcAtStartS: number;
  private readonly short = new Aggregator("150cycle");
  private readonly long = new Aggregator("10min");
  private longSlot = -1;
  private longComplete = false;
  private pending: WindowReading | null = null;
  private pendingCycles = 0;
  private pendingFlag = false;
  /** Cycle length of the last complete window, s (for a partial window's values). */
  private periodS = 0.02;
  private lastEndS = 0;
  /** Windows processed, and windows the kernel dropped. */
  windows = 0;
  dropped = 0;

  constructor(cfg: MeterChainConfig) {
    this.calibration = cfg.calibration;
    this.events = new VoltageEventDetector(cfg.declaredV);
    this.sink = cfg.sink;
    this.utcAtStartS = cfg.clock.nowUtcS();
  }

  utcS(chainS: number): number {
    return this.utcAtStartS + chainS;
  }

  process(w: KernelWindow): void {
    const r = windowReading(w, this.calibration);
    this.windows++;
    this.dropped += w.droppedBefore;
    const periodS = r.spanS / w.cycles;
    const onsetBefore = this.events.onsetBoundS;
    halfCycleValues(this, w, periodS);
    this.periodS = periodS;
    const touched = this.events.takeTouched();
    if (this.pending) {
      // An event opened now may have begun up to one cycle earlier, inside the held window.
      const p = this.pending;
      const onset = this.events.onsetBoundS;
      const early = onset !== onsetBefore && onset < p.startS + p.spanS;
      this.release(this.pendingFlag || early);
    }
    this.pending = r;
    this.pendingCycles = w.cycles;
    this.pendingFlag = touched;
    this.energy.add(r.pW, r.qVar, r.spanS);
    this.lastEndS = r.startS + r.spanS;
    this.profile.add(r.pW, r.spanS, this.utcS(this.lastEndS));
  }

  /**
   * End of data: the kernel's partial window (mk_flush, KERNEL_FLAG_PARTIAL; null if
   * none) adds its Urms(1/2) values, so a dip in the last cycles is seen; then the held
   * window is released, an open event closed at the last value, the partial 10-min emitted.
   */
  finish(tail: KernelWindow | null): void {
    if (tail) {
      const endS = halfCycleValues(this, tail, this.periodS);
      if (endS > this.lastEndS) this.lastEndS = endS;
    }
    const ev = this.events.finish(this.lastEndS);
    if (ev) this.sink.event(ev);
    if (this.pending) this.release(this.pendingFlag || ev !== null);
    if (this.long.windows > 0) this.sink.aggregate(this.long.result(false));
    this.long.reset();
    this.short.reset();
  }

  private release(flagged: boolean): void {
    const r = this.pending as WindowReading;
    this.pending = null;
    this.sink.window(r, flagged);
    // A window belongs to the 10-minute interval its start lies in (IEC 61000-4-30 lets the
    // window straddling the tick count in both; counting it once keeps energy-like
    // means exact and differs by at most one window in 3000).
    const slot = Math.floor(this.utcS(r.startS) / TEN_MIN_S);
    if (slot !== this.longSlot) {
      if (this.long.windows > 0) this.sink.aggregate(this.long.result(this.longComplete));
      this.long.reset();
      // IEC 61000-4-30: the 150/180-cycle interval is resynchronised on each 10-minute tick.
      this.short.reset();
      this.longComplete = this.longSlot >= 0;
      this.longSlot = slot;
    }
    this.long.add(r, this.pendingCycles, flagged);
    this.short.add(r, this.pendingCycles, flagged);
    if (this.short.windows === SHORT_WINDOWS) {
      this.sink.aggregate(this.short.result(true));
      this.short.reset();
    }
    if (this.long.windows === 1 && this.longComplete) this.long.startS = slot * TEN_MIN_S - this.utcAtStartS;
  }
}
