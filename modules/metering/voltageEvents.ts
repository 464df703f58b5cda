/**
 * Dips, swells and interruptions from Urms(1/2) (IEC 61000-4-30 5.4 dips and swells, 5.5 interruptions,
 * for a single-phase system):
 *   dip          starts when Urms(1/2) < 90 % of the declared voltage Udin and ends
 *                when Urms(1/2) >= 90 % + 2 % hysteresis;
 *   swell        starts when Urms(1/2) > 110 % and ends when it is <= 110 % - 2 %;
 *   interruption starts when Urms(1/2) < 5 % and ends when it is >= 5 % + 2 %.
 * An excursion that reaches the interruption threshold is reported once, as an
 * interruption (IEC 61000-4-30 counts it as a dip too; one record per event keeps the log small).
 * Residual voltage (dip, interruption): the lowest Urms(1/2) of the event; for a swell
 * the highest, both in % of Udin (IEC 61000-4-30 5.4).
 *
 * Timing. Urms(1/2) values are one-cycle rms refreshed every half cycle, so the first
 * value past a threshold ends 0.25..1 cycle after the true step. To meet half-cycle
 * timing, the step instant is interpolated: a one-cycle window ending at e whose
 * fraction x lies in the event (level Ur) and 1-x before it (level U0) has, over
 * whole half cycles, ms = (1-x) U0^2 + x Ur^2, so x = (U0^2 - ms) / (U0^2 - Ur^2) and
 * the step was at e - x T. U0 is the value 1.5 cycles before detection (clean), Ur
 * the event's extreme. Of the two values around the crossing, the one with x nearest
 * 0.5 is used (least sensitive to the point-on-wave ripple of a partial cycle).
 * The end is interpolated the same way, with the level after the event taken as U0.
 * Without a clean U0 (event at start) the threshold-crossing time itself is used.
 */
export type EventKind = "dip" | "swell" | "interruption";

export interface VoltageEvent {
  kind: EventKind;
  /** Seconds on the chain's time base. */
  startS: number;
  durationS: number;
  /** Lowest (dip, interruption) or highest (swell) Urms(1/2), % of declared voltage. */
  residualPct: number;
  /** Still in progress when the data ended (set by finish): durationS runs to the end of the data. */
  open?: boolean;
}

const NORMAL = 0;
const LOW = 1;
const HIGH = 2;

export class VoltageEventDetector {
  private readonly udin: number;
  private state = NORMAL;
  /** Last three values and their end times, newest first. */
  private readonly u = new Float64Array(3);
  private readonly e = new Float64Array(3);
  private seen = 0;
  private u0 = 0;
  private uPrev = 0;
  private ePrev = 0;
  private firstU = 0;
  private firstE = 0;
  /** Starts of the one-cycle windows of uPrev and firstU (ends of the values two before). */
  private sPrev = 0;
  private sFirst = 0;
  private extreme = 0;
  private periodS = 0.02;
  private interrupted = false;
  /** Set while an event is open or one ended since the last takeTouched(). */
  private touched = false;
  /** Earliest possible start of the last event opened (its first value's cycle start), s. */
  onsetBoundS = -1;

  constructor(declaredV: number) {
    if (!(declaredV > 0)) throw new Error("declared voltage must be a positive number of volts, got " + declaredV);
    this.udin = declaredV;
  }

  /** True when an event was open at any time since the previous call (window flagging). */
  takeTouched(): boolean {
    const t = this.touched;
    this.touched = this.state !== NORMAL;
    return t;
  }

  /** One Urms(1/2) value (V), the end of its cycle (s) and the cycle length (s). */
  push(urmsV: number, endS: number, periodS: number): VoltageEvent | null {
    const pct = (100 * urmsV) / this.udin;
    let done: VoltageEvent | null = null;
    this.periodS = periodS;
    if (this.state === NORMAL) {
      if (pct < 90 || pct > 110) {
        this.state = pct < 90 ? LOW : HIGH;
        this.touched = true;
        this.interrupted = pct < 5;
        this.extreme = urmsV;
        this.u0 = this.seen >= 3 ? this.u[2] : -1;
        this.uPrev = this.u[0];
        this.ePrev = this.e[0];
        this.firstU = urmsV;
        this.firstE = endS;
        this.sPrev = this.seen >= 3 ? this.e[2] : this.e[0] - periodS;
        this.sFirst = this.seen >= 2 ? this.e[1] : endS - periodS;
        this.onsetBoundS = endS - periodS;
      }
    } else if (this.state === LOW) {
      if (urmsV < this.extreme) this.extreme = urmsV;
      if (pct < 5) this.interrupted = true;
      if (pct >= 92) done = this.close(urmsV, endS);
    } else {
      if (urmsV > this.extreme) this.extreme = urmsV;
      if (pct <= 108) done = this.close(urmsV, endS);
    }
    this.u[2] = this.u[1];
    this.e[2] = this.e[1];
    this.u[1] = this.u[0];
    this.e[1] = this.e[0];
    this.u[0] = urmsV;
    this.e[0] = endS;
    this.seen++;
    return done;
  }

  /**
   * End of data: an event still open is reported with open = true (IEC 61000-4-30 has no
   * end for it; its duration runs to endS, the end of the examined data, a lower bound).
   */
  finish(endS: number): VoltageEvent | null {
    if (this.state === NORMAL) return null;
    const ev = this.report(endS);
    ev.open = true;
    this.state = NORMAL;
    return ev;
  }

  /** The event from its interpolated start to endS (start computed once here: smaller bundle). */
  private report(endS: number): VoltageEvent {
    const startS = this.stepTime(true, this.uPrev, this.sPrev, this.ePrev, this.firstU, this.sFirst, this.firstE);
    return {
      kind: this.state === HIGH ? "swell" : this.interrupted ? "interruption" : "dip",
      startS: startS,
      durationS: endS - startS,
      residualPct: (100 * this.extreme) / this.udin,
    };
  }

  private close(urmsV: number, endS: number): VoltageEvent {
    const ev = this.report(this.stepTime(false, this.u[0], this.e[2], this.e[0], urmsV, this.e[1], endS));
    this.state = NORMAL;
    this.touched = true;
    return ev;
  }

  /** Fraction of a one-cycle window (ms = u^2) spent at the event level. */
  private fraction(u: number): number {
    const a = this.u0 * this.u0;
    const d = a - this.extreme * this.extreme;
    const x = (a - u * u) / d;
    return x < 0 ? 0 : x > 1 ? 1 : x;
  }

  /**
   * Interpolated step instant from the value before (ub over sb..eb) and at (ua over
   * sa..ea) the threshold crossing (a window starts at the end of the value two before).
   */
  private stepTime(entering: boolean, ub: number, sb: number, eb: number, ua: number, sa: number, ea: number): number {
    if (!(this.u0 > 0) || Math.abs(this.u0 - this.extreme) < 1e-9 * this.udin) return ea - this.periodS / 2;
    const xb = this.fraction(ub);
    const xa = this.fraction(ua);
    const useA = Math.abs(xa - 0.5) <= Math.abs(xb - 0.5);
    const x = useA ? xa : xb;
    const e = useA ? ea : eb;
    // Entering: the window's own length (the collapse closes the kernel's half cycle
    // early, so the window is short). Leaving: the nominal period, because the kernel's
    // windows right after a recovery span a re-synchronising crossing grid, not a cycle
    // of the returning voltage (measured on the bench's interruptions: end error 0.33
    // cycle with T, 0.49 with the window length; start 0.30 with the length, 0.45 with T).
    const L = entering ? (useA ? ea - sa : eb - sb) : this.periodS;
    // Entering: the last x of the window is in the event. Leaving: the first x.
    return entering ? e - x * L : e - L + x * L;
  }
}
