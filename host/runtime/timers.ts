/**
 * Espruino's timer table: setTimeout / setInterval / clearTimeout / clearInterval /
 * changeInterval, following src/jswrap_interactive.c and src/jsinteractive.c (2v29):
 *
 * - A timer id is the id of the last timer in the table plus one, or 1 when the table
 *   is empty (ids are reused once the newest timer is gone).
 * - Timeouts below 0.1 ms (and NaN) become 0.1 ms; above 100 years throw.
 * - The callback may be a function or a string (evaluated in global scope); extra
 *   arguments are passed to it.
 * - clearTimeout and clearInterval share one table (either clears either kind);
 *   with no argument they clear every timer; with an explicit `undefined` they throw.
 * - A due time is counted from the start of the current idle pass, and an interval is
 *   re-armed at its previous due time plus its period, so it keeps its grid when late.
 * - In one pass, due timers run in table (creation) order; a change to the table
 *   during a callback restarts the scan, as Espruino's JSIS_TIMERS_CHANGED does.
 * - An exception in a callback does not remove the timer (only Ctrl-C does on Espruino).
 */
import type { TimerClock, ClockSubscription, TimerSource } from "./clock.ts";

export const TIMER_MIN_INTERVAL_MS = 0.1;
export const TIMER_MAX_INTERVAL_MS = 31536000001000;

export type TimerCallback = ((...args: unknown[]) => unknown) | string;

interface TimerEntry {
  id: number;
  dueMs: number;
  periodMs: number | undefined;
  cb: TimerCallback;
  args: unknown[];
}

export interface TimerTableOptions {
  clock: TimerClock;
  /** Runs one callback with Espruino's error handling (prints "Uncaught ..."). */
  invoke: (cb: TimerCallback, args: unknown[]) => void;
  /** Makes an Error of the interpreter's realm, so `e instanceof Error` holds there. */
  makeError: (message: string) => Error;
  /** Called after each pass over the due timers (Espruino then runs queued events). */
  afterPass?: () => void;
}

export class TimerTable implements TimerSource {
  private entries: TimerEntry[] = [];
  private changedFlag = false;
  private passTimeMs: number | undefined;
  private readonly sub: ClockSubscription;

  constructor(private readonly opts: TimerTableOptions) {
    this.sub = opts.clock.subscribe(this);
  }

  setTimeout(cb: unknown, ms: unknown, args: unknown[]): number {
    return this.add(cb, ms, args, false);
  }

  setInterval(cb: unknown, ms: unknown, args: unknown[]): number {
    return this.add(cb, ms, args, true);
  }

  /** clearTimeout(...args) / clearInterval(...args): `args` is the call's argument list. */
  clear(args: unknown[], kind: "Timeout" | "Interval"): void {
    if (args.length === 0) {
      this.entries = [];
    } else if (args[0] === undefined) {
      throw this.opts.makeError("clear" + kind + "(undefined) not allowed. Use clear" + kind + "() instead");
    } else {
      const id = Number(args[0]);
      const i = this.entries.findIndex((e) => e.id === id);
      if (i >= 0) this.entries.splice(i, 1);
    }
    this.markChanged();
  }

  /** Espruino's changeInterval: new period, next call one period from now. */
  changeInterval(id: unknown, ms: unknown): void {
    const e = this.entries.find((x) => x.id === Number(id));
    if (!e) return;
    let period = Number(ms);
    if (isNaN(period) || period < TIMER_MIN_INTERVAL_MS) period = TIMER_MIN_INTERVAL_MS;
    if (e.periodMs !== undefined) e.periodMs = period;
    e.dueMs = this.baseTimeMs() + period;
    this.markChanged();
  }

  /** Number of pending timers. */
  /** The pending timers' callbacks and arguments (what they keep alive: the JsVar estimate walks them). */
  roots(): { cb: TimerCallback; args: unknown[]; repeat: boolean }[] {
    return this.entries.map((e) => ({ cb: e.cb, args: e.args, repeat: e.periodMs !== undefined }));
  }

  count(): number {
    return this.entries.length;
  }

  /** Removes every timer (reset/load). */
  clearAll(): void {
    this.entries = [];
    this.markChanged();
  }

  nextDueMs(): number | undefined {
    let best: number | undefined;
    for (const e of this.entries) if (best === undefined || e.dueMs < best) best = e.dueMs;
    return best;
  }

  runDue(): void {
    const now = this.opts.clock.nowMs();
    this.passTimeMs = now;
    try {
      do {
        this.changedFlag = false;
        for (let i = 0; i < this.entries.length && !this.changedFlag; ) {
          const e = this.entries[i];
          if (e.dueMs > now) {
            i++;
            continue;
          }
          this.opts.invoke(e.cb, e.args);
          const stillThere = this.entries.indexOf(e);
          if (stillThere < 0) continue; // cleared by its own callback
          if (e.periodMs !== undefined) {
            e.dueMs += e.periodMs;
            i = stillThere + 1;
          } else {
            this.entries.splice(stillThere, 1);
            i = stillThere;
          }
        }
      } while (this.changedFlag);
    } finally {
      this.passTimeMs = undefined;
    }
    if (this.opts.afterPass) this.opts.afterPass();
    this.sub.changed();
  }

  /** True while due timers are being run. */
  inPass(): boolean {
    return this.passTimeMs !== undefined;
  }

  dispose(): void {
    this.entries = [];
    this.sub.detach();
  }

  private add(cb: unknown, ms: unknown, args: unknown[], repeat: boolean): number {
    if (typeof cb !== "function" && typeof cb !== "string") {
      throw this.opts.makeError("Function or String not supplied!");
    }
    let period = Number(ms);
    if (isNaN(period) || period < TIMER_MIN_INTERVAL_MS) period = TIMER_MIN_INTERVAL_MS;
    if (period > TIMER_MAX_INTERVAL_MS) throw this.opts.makeError("Interval is too long (>100 years)");
    const last = this.entries[this.entries.length - 1];
    const id = last ? last.id + 1 : 1;
    this.entries.push({
      id,
      dueMs: this.baseTimeMs() + period,
      periodMs: repeat ? period : undefined,
      cb: cb as TimerCallback,
      args,
    });
    this.markChanged();
    return id;
  }

  private baseTimeMs(): number {
    return this.passTimeMs !== undefined ? this.passTimeMs : this.opts.clock.nowMs();
  }

  private markChanged(): void {
    this.changedFlag = true;
    if (this.passTimeMs === undefined) this.sub.changed();
  }
}
