/**
 * The virtual bus's simulated clock: events at microsecond times, run earliest first
 * (ties in scheduling order). Nothing moves unless advanceTo() or runUntilIdle() is
 * called, so a test simulates seconds of bus traffic in milliseconds; clockLink.ts
 * lets a runtime's clock call advanceTo() instead.
 */
export interface EventHandle {
  cancel(): void;
}

interface Entry {
  atUs: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

export class Scheduler {
  private now = 0;
  private seq = 0;
  private heap: Entry[] = [];
  private running = false;
  /** Told when the earliest due time may have changed (an external clock re-arms). */
  onChange: (() => void) | undefined;
  /**
   * When linked to an external clock (clockLink.ts): that clock's time in us. Reading
   * nowUs() between events catches up with it, so a frame sent from a runtime's timer
   * at clock time T starts at T, not at the bus's last event.
   */
  externalNowUs: (() => number) | undefined;

  constructor(startUs?: number) {
    if (startUs !== undefined) this.now = startUs;
  }

  nowUs(): number {
    if (this.externalNowUs && !this.running) {
      const t = this.externalNowUs();
      if (t > this.now) this.advanceTo(t);
    }
    return this.now;
  }

  /** The scheduler's own time, without catching up with an external clock. */
  nowUsRaw(): number {
    return this.now;
  }

  /** Schedules `fn` at `atUs` (clamped to now: the past is not rewritten). */
  at(atUs: number, fn: () => void): EventHandle {
    const e: Entry = { atUs: Math.max(atUs, this.nowUs()), seq: this.seq++, fn: fn, live: true };
    this.push(e);
    if (this.onChange && !this.running) this.onChange();
    return { cancel: () => { e.live = false; } };
  }

  after(delayUs: number, fn: () => void): EventHandle {
    return this.at(this.now + delayUs, fn);
  }

  /** Due time of the earliest live event, or undefined when nothing is scheduled. */
  nextDueUs(): number | undefined {
    while (this.heap.length > 0 && !this.heap[0].live) this.pop();
    return this.heap.length > 0 ? this.heap[0].atUs : undefined;
  }

  /** Runs every event due at or before `targetUs`, then sets the time to `targetUs`. */
  advanceTo(targetUs: number): number {
    if (targetUs < this.now) throw new RangeError("Scheduler cannot go backwards (" + targetUs + " < " + this.now + " us)");
    if (this.running) throw new Error("Scheduler.advanceTo called from inside an event");
    this.running = true;
    let n = 0;
    try {
      for (;;) {
        const due = this.nextDueUs();
        if (due === undefined || due > targetUs) break;
        const e = this.pop();
        this.now = e.atUs;
        e.fn();
        n++;
      }
      this.now = targetUs;
    } finally {
      this.running = false;
    }
    if (this.onChange) this.onChange();
    return n;
  }

  advanceBy(us: number): number {
    return this.advanceTo(this.now + us);
  }

  /** Runs events until none is left or `limitUs` of simulated time has passed. */
  runUntilIdle(limitUs: number): number {
    const end = this.now + limitUs;
    const due = (): number | undefined => this.nextDueUs();
    let n = 0;
    for (;;) {
      const d = due();
      if (d === undefined || d > end) break;
      n += this.advanceTo(d);
    }
    return n;
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      const t = h[i]; h[i] = h[p]; h[p] = t;
      i = p;
    }
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Entry;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        const t = h[i]; h[i] = h[m]; h[m] = t;
        i = m;
      }
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.atUs < b.atUs || (a.atUs === b.atUs && a.seq < b.seq);
}
