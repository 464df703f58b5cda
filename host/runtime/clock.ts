/**
 * Clocks that drive the runtime's timers.
 *
 * The interpreter only needs "what time is it" and "wake me at the earliest due
 * timer". A VirtualClock moves only when told to (tests run hours of device time
 * in milliseconds, and many runtimes can share one clock so a simulated network
 * stays in step); a RealClock follows the host's monotonic time.
 */
import type { Clock } from "../../modules/ports/clock.ts";

/** Something that owns timers: a runtime's timer table. */
export interface TimerSource {
  /** Due time (ms on the clock) of the earliest pending timer, or undefined. */
  nextDueMs(): number | undefined;
  /** Runs every timer due at or before the clock's current time. */
  runDue(): void;
}

export interface ClockSubscription {
  /** The source's timers changed: a real clock re-arms its host timer. */
  changed(): void;
  detach(): void;
}

/**
 * The port's monotonic clock (modules/ports/clock.ts: nowMs, milliseconds since the clock
 * started, float) that also drives timers: the one Clock interface, extended here.
 */
export interface TimerClock extends Clock {
  subscribe(source: TimerSource): ClockSubscription;
}

/**
 * Time moves only through advance(): every due timer of every subscribed source
 * fires at its own due time, earliest first; sources with timers due at the same
 * instant run in subscription order.
 */
export class VirtualClock implements TimerClock {
  private now: number;
  private readonly sources: TimerSource[] = [];
  private advancing = false;

  constructor(startMs = 0) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  subscribe(source: TimerSource): ClockSubscription {
    this.sources.push(source);
    return {
      changed: () => {},
      detach: () => {
        const i = this.sources.indexOf(source);
        if (i >= 0) this.sources.splice(i, 1);
      },
    };
  }

  /** Moves time forward by `ms`, firing due timers in order; returns how many due instants fired. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError("VirtualClock.advance: ms must be >= 0, got " + ms);
    return this.advanceTo(this.now + ms);
  }

  /** Moves time to `targetMs` (not backwards), firing due timers in order. */
  advanceTo(targetMs: number): number {
    if (this.advancing) throw new Error("VirtualClock.advance called from inside a timer callback");
    if (targetMs < this.now) throw new RangeError("VirtualClock cannot go backwards (" + targetMs + " < " + this.now + ")");
    this.advancing = true;
    let rounds = 0;
    try {
      for (;;) {
        const due = this.earliestDue();
        if (due === undefined || due > targetMs) break;
        if (due > this.now) this.now = due;
        for (const s of this.sources.slice()) {
          const d = s.nextDueMs();
          if (d !== undefined && d <= this.now) s.runDue();
        }
        rounds++;
      }
      this.now = targetMs;
    } finally {
      this.advancing = false;
    }
    return rounds;
  }

  /** Advances until no timer is pending or `limitMs` of time has passed; returns ms advanced. */
  runUntilIdle(limitMs: number): number {
    const start = this.now;
    const end = start + limitMs;
    for (;;) {
      const due = this.earliestDue();
      if (due === undefined || due > end) break;
      this.advanceTo(Math.max(due, this.now));
    }
    return this.now - start;
  }

  private earliestDue(): number | undefined {
    let best: number | undefined;
    for (const s of this.sources) {
      const d = s.nextDueMs();
      if (d !== undefined && (best === undefined || d < best)) best = d;
    }
    return best;
  }
}

/** Follows host time; fires timers from a host setTimeout armed for the earliest due one. */
export class RealClock implements TimerClock {
  private readonly startNs = process.hrtime.bigint();
  private readonly sources: TimerSource[] = [];
  private handle: NodeJS.Timeout | undefined;

  nowMs(): number {
    return Number(process.hrtime.bigint() - this.startNs) / 1e6;
  }

  subscribe(source: TimerSource): ClockSubscription {
    this.sources.push(source);
    this.arm();
    return {
      changed: () => this.arm(),
      detach: () => {
        const i = this.sources.indexOf(source);
        if (i >= 0) this.sources.splice(i, 1);
        this.arm();
      },
    };
  }

  /** True while a host timer is armed (some source has a pending timer). */
  isArmed(): boolean {
    return this.handle !== undefined;
  }

  private arm(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    let best: number | undefined;
    for (const s of this.sources) {
      const d = s.nextDueMs();
      if (d !== undefined && (best === undefined || d < best)) best = d;
    }
    if (best === undefined) return;
    const delayMs = Math.max(0, best - this.nowMs());
    this.handle = setTimeout(() => {
      this.handle = undefined;
      const now = this.nowMs();
      for (const s of this.sources.slice()) {
        const d = s.nextDueMs();
        if (d !== undefined && d <= now) s.runDue();
      }
      this.arm();
    }, Math.min(delayMs, 2 ** 31 - 1));
  }
}
