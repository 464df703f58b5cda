/**
 * The aggregator's poll schedule: which (meter, message) to ask for next.
 *
 * No bundle runs this any more: the aggregator's schedule runs in C behind CAN1
 * (boards/STM32F107/aglink, modules/link/linkPort.ts), which reproduces it decision for
 * decision. This file stays as the reference the C is tested against
 * (host/native/aglinkEquivalence.test.ts) and for modules/can/testing/network.ts.
 *
 * Each entry has a period, a priority (lower first; alarms before measurements), a
 * deadline for the answer and a number of retries. Up to `maxInFlight` remote frames
 * are outstanding at once (the controller has three mailboxes, and meters answer from
 * their auto-reply slots, so pipelining keeps the bus busy instead of waiting for the
 * interpreter). A reading not renewed within `staleAfterPeriods` periods is marked
 * stale (and an entry is stale until its first answer). A meter that is not synchronised gets a sync request instead of polls.
 *
 * Entries are kept as parallel typed arrays (28 bytes each), not objects: 64 meters x
 * several messages must fit beside the rest of the aggregator on Espruino (448
 * entries measured 1100 JsVars on the Linux build: poll only what is needed).
 *
 * No operation walks every entry: with 64 meters x 8 messages (512 entries, 230 polls a
 * second) a scan per poll and per 10 ms tick costs the interpreter far more than the
 * chip has (issue 17). Each entry is in exactly one place: a min-heap by due time
 * (waiting), the ready list (due, not sent yet: the best priority goes first), or the
 * in-flight list (at most maxInFlight). An answer finds its entry through the meter's
 * chain of entries (8 at most). Staleness is computed when asked, not marked by a tick.
 */
import { Clock } from "../ports/clock";
import { CAN_OK, CAN_EBUSY } from "./controller";

/** What the poller needs from the aggregator link (AggregatorNode implements it). */
export interface PollTarget {
  poll(address: number, fn: number): number;
  isSynced(address: number): boolean;
  requestSync(address: number): number;
}

export interface PollerOptions {
  capacity: number;
  maxInFlight: number;
  staleAfterPeriods: number;
  /** Wait this long for a SYNC_RESPONSE before asking again; the wait doubles after
   * each unanswered request (a meter starts a freshness epoch, two storage writes, per
   * request it hears) up to syncRetryMaxMs, and starts over once the meter answers. */
  syncRetryMs: number;
  /** Longest wait between sync requests to one meter; 60000 when omitted. */
  syncRetryMaxMs?: number;
  /** Consecutive missed answers of one meter that trigger a resynchronisation. */
  syncAfterMisses: number;
}

export interface PollResult {
  address: number;
  fn: number;
  ok: boolean;
  /** Remote frame to answer, ms (ok only). */
  latencyMs: number;
  attempts: number;
}

const F_IN_FLIGHT = 1;
const F_READY = 2;
const F_USED = 4;
const F_GOOD = 8; // answered at least once: lastGoodMs holds a time
/** Times are kept as Int32 ms since `t0` (4 bytes an entry instead of a Float64's 8: 64
 * meters x 8 messages x 3 times save 6 KB, about 470 JsVars); `t0` moves forward
 * before they could overflow (every 2^30 ms, 12 days). */
const REBASE_MS = 1073741824;
const NEVER = -2147483648;
const NONE = 65535;

/** Whole periods from `from` to `now` (0 when NEVER or not later). */
function periods(from: number, now: number, periodMs: number): number {
  return from !== NEVER && now > from ? Math.floor((now - from) / periodMs) : 0;
}

export class Poller {
  onResult: (r: PollResult) => void = function () {};
  /** Totals: polls sent, answers, retries, misses (all retries used), sync requests sent. */
  sent = 0;
  answered = 0;
  retried = 0;
  missed = 0;
  syncRequests = 0;
  /**
   * Polls never sent, counted when the entry's next poll leaves (skippedNow() adds what
   * is pending): one per whole period an entry waited past its due time, while its
   * meter waited for synchronisation (from the first poll held back for it until its
   * next poll leaves: every entry of the meter) or, otherwise, while it sat due and unsent.
   * Sends refused because every mailbox was busy (polls and sync requests), counted apart.
   * As the C (aglinkSchedule.c); they change no frame.
   */
  skipped = 0;
  refused = 0;
  private readonly target: PollTarget;
  private readonly clock: Clock;
  private readonly o: PollerOptions;
  private n = 0;
  private inFlight = 0;
  private readonly addr: Uint8Array;
  private readonly fn: Uint8Array;
  private readonly prio: Uint8Array;
  private readonly retries: Uint8Array;
  private readonly attempts: Uint8Array;
  private readonly flags: Uint8Array;
  /** Up to 65 535 ms each (add() refuses more): 2 bytes an entry, not 4. */
  private readonly periodMs: Uint16Array;
  private readonly deadlineMs: Uint16Array;
  private readonly dueMs: Int32Array;
  private readonly sentMs: Int32Array;
  private readonly lastGoodMs: Int32Array;
  private t0: number;
  /** The waiting entries (neither ready nor in flight), a min-heap on dueMs (then index). */
  private readonly heap: Uint16Array;
  private heapN = 0;
  /** Due entries not sent yet (a heap: best priority on top), and the entries in flight. */
  private readonly ready: Uint16Array;
  private readyN = 0;
  private readonly flying: Uint16Array;
  /** Per meter its first entry, per entry the meter's next one (NONE ends the chain). */
  private readonly first = new Uint16Array(64).fill(NONE);
  private readonly next: Uint16Array;
  /** Per address: its meter index + 1 (0: no entry). Per meter (grown by add(), not sized for 64):
   * consecutive misses, and when the last sync request left. */
  private readonly meterOf = new Uint8Array(64);
  private misses = new Uint8Array(0);
  private syncSentMs = new Int32Array(0);
  /** Per meter: the wait before its next sync request, ms (0: none sent since it last answered). */
  private syncWaitMs = new Uint32Array(0);
  /** Per meter: since when its polls wait for its synchronisation (NEVER: not waiting). */
  private waitFromMs = new Int32Array(0);
  /** The last now (relative) that now() returned: pending skipped polls count up to it. */
  private lastNow = 0;

  constructor(target: PollTarget, clock: Clock, o: PollerOptions) {
    this.target = target;
    this.clock = clock;
    this.o = o;
    const c = o.capacity;
    if (!(c >= 0 && c < NONE)) throw new Error("poller capacity must be 0.." + (NONE - 1));
    this.addr = new Uint8Array(c);
    this.fn = new Uint8Array(c);
    this.prio = new Uint8Array(c);
    this.retries = new Uint8Array(c);
    this.attempts = new Uint8Array(c);
    this.flags = new Uint8Array(c);
    this.periodMs = new Uint16Array(c);
    this.deadlineMs = new Uint16Array(c);
    this.dueMs = new Int32Array(c);
    this.sentMs = new Int32Array(c);
    this.lastGoodMs = new Int32Array(c);
    this.heap = new Uint16Array(c);
    this.ready = new Uint16Array(c);
    this.flying = new Uint16Array(o.maxInFlight);
    this.next = new Uint16Array(c).fill(NONE);
    this.t0 = clock.nowMs();
  }

  /** Now as ms since t0, moving t0 (and every stored time with it) before Int32 overflows. */
  private now(): number {
    let rel = this.clock.nowMs() - this.t0;
    if (rel >= REBASE_MS) {
      const d = Math.floor(rel / 2);
      const lists = [this.dueMs, this.sentMs, this.lastGoodMs, this.syncSentMs, this.waitFromMs];
      for (let k = 0; k < lists.length; k++) {
        const l = lists[k];
        // NEVER (and anything older than the new base) stays the oldest time there is
        for (let i = 0; i < l.length; i++) l[i] = l[i] - d < NEVER + REBASE_MS ? NEVER : l[i] - d;
      }
      this.t0 += d;
      rel -= d;
    }
    this.lastNow = rel;
    return rel;
  }

  /** Adds a poll entry due at once; returns its index, or -1 when full. */
  add(address: number, fn: number, periodMs: number, priority: number, deadlineMs: number, retries: number): number {
    if (this.n >= this.o.capacity) return -1;
    if (!(address >= 0 && address < 64 && Math.floor(address) === address)) throw new Error("meter address " + address + " out of range 0..63");
    if (!(periodMs >= 1 && periodMs <= 65535 && deadlineMs >= 1 && deadlineMs <= 65535)) throw new Error("poll period and deadline must be 1..65535 ms");
    if (this.meterOf[address] === 0) {
      const k = this.misses.length;
      const misses = new Uint8Array(k + 1);
      const syncSentMs = new Int32Array(k + 1);
      const syncWaitMs = new Uint32Array(k + 1);
      const waitFromMs = new Int32Array(k + 1);
      misses.set(this.misses);
      syncSentMs.set(this.syncSentMs);
      syncWaitMs.set(this.syncWaitMs);
      waitFromMs.set(this.waitFromMs);
      syncSentMs[k] = NEVER;
      waitFromMs[k] = NEVER;
      this.misses = misses;
      this.syncSentMs = syncSentMs;
      this.syncWaitMs = syncWaitMs;
      this.waitFromMs = waitFromMs;
      this.meterOf[address] = k + 1;
    }
    const i = this.n++;
    this.addr[i] = address;
    this.fn[i] = fn;
    this.prio[i] = priority;
    this.periodMs[i] = periodMs;
    this.deadlineMs[i] = deadlineMs;
    this.retries[i] = retries;
    this.dueMs[i] = this.now();
    this.flags[i] = F_USED; // no reading yet: stale
    this.next[i] = this.first[address];
    this.first[address] = i;
    this.push(i);
    return i;
  }

  private find(address: number, fn: number): number {
    if (!(address >= 0 && address < 64)) return -1;
    for (let i = this.first[address]; i !== NONE; i = this.next[i]) if (this.fn[i] === fn) return i;
    return -1;
  }

  isStale(address: number, fn: number): boolean {
    const i = this.find(address, fn);
    return i < 0 || (this.flags[i] & F_GOOD) === 0 || this.now() - this.lastGoodMs[i] > this.o.staleAfterPeriods * this.periodMs[i];
  }

  lastGoodMsOf(address: number, fn: number): number {
    const i = this.find(address, fn);
    return i < 0 || (this.flags[i] & F_GOOD) === 0 ? -1 : this.t0 + this.lastGoodMs[i];
  }

  /** An authenticated answer arrived (wire AggregatorNode.onReading here). */
  answer(address: number, fn: number): void {
    const i = this.find(address, fn);
    if (i < 0) return;
    const now = this.now();
    const wasInFlight = (this.flags[i] & F_IN_FLIGHT) !== 0;
    this.lastGoodMs[i] = now;
    this.flags[i] |= F_GOOD;
    this.misses[this.meterOf[address] - 1] = 0;
    this.syncWaitMs[this.meterOf[address] - 1] = 0; // reachable: a later sync starts from syncRetryMs
    if (!wasInFlight) return; // e.g. a spontaneous alarm: keeps its own schedule
    this.land(i);
    this.answered++;
    this.onResult({ address: address, fn: fn, ok: true, latencyMs: now - this.sentMs[i], attempts: this.attempts[i] });
    this.attempts[i] = 0;
    this.push(i); // its next due time was set when it was sent
    this.pump();
  }

  /** A meter was (re)synchronised (wire AggregatorNode.onSynced here): poll it now. */
  synced(address: number): void {
    const now = this.now();
    const m = this.meterOf[address];
    if (m === undefined || m === 0) return; // no entry: nothing to poll
    this.misses[m - 1] = 0;
    this.syncWaitMs[m - 1] = 0;
    for (let i = this.first[address]; i !== NONE; i = this.next[i]) {
      if ((this.flags[i] & (F_READY | F_IN_FLIGHT)) !== 0 || this.dueMs[i] <= now) continue;
      // rare (a resynchronisation): finding the entry's place in the heap may take a walk
      this.dueMs[i] = now;
      for (let k = 0; k < this.heapN; k++) if (this.heap[k] === i) { this.up(k); break; }
    }
    this.pump();
  }

  /** Timeouts, then new polls. Call often (every few ms). */
  tick(): void {
    const now = this.now();
    for (let k = this.inFlight - 1; k >= 0; k--) {
      const i = this.flying[k];
      if (now - this.sentMs[i] >= this.deadlineMs[i]) this.timeout(i, now);
    }
    this.pump();
  }

  private timeout(i: number, now: number): void {
    this.land(i);
    if (this.attempts[i] <= this.retries[i]) {
      this.retried++;
      this.dueMs[i] = now; // retry at once
      this.push(i);
      return;
    }
    const a = this.addr[i];
    this.missed++;
    this.onResult({ address: a, fn: this.fn[i], ok: false, latencyMs: -1, attempts: this.attempts[i] });
    this.attempts[i] = 0;
    this.dueMs[i] = now + this.periodMs[i];
    this.push(i);
    const m = this.meterOf[a] - 1;
    if (this.misses[m] < 255) this.misses[m]++;
  }

  private needsSync(a: number): boolean {
    return !this.target.isSynced(a) || this.misses[this.meterOf[a] - 1] >= this.o.syncAfterMisses;
  }

  /** Sends what is due, best priority first, while mailboxes and the in-flight budget allow. */
  pump(): void {
    const now = this.now();
    // Entries fall due together (a meter's messages share periods, and meters start
    // together): each goes from the waiting heap to the ready heap, both O(log n).
    while (this.heapN > 0 && this.dueMs[this.heap[0]] <= now) {
      const i = this.take(this.heap, this.heapN--, false);
      this.flags[i] |= F_READY;
      this.put(this.ready, this.readyN++, i, true);
    }
    while (this.inFlight < this.o.maxInFlight && this.readyN > 0) {
      // lowest priority number, then the earliest due, then the first added
      const best = this.ready[0];
      const a = this.addr[best];
      if (this.needsSync(a)) {
        const m = this.meterOf[a] - 1;
        const rs = now - this.syncSentMs[m] >= this.syncWaitMs[m] ? this.target.requestSync(a) : 1;
        if (rs === CAN_EBUSY) this.refused++;
        if (rs === CAN_OK) {
          const maxMs = this.o.syncRetryMaxMs !== undefined ? this.o.syncRetryMaxMs : 60000;
          const w = this.syncWaitMs[m];
          this.syncWaitMs[m] = w === 0 ? this.o.syncRetryMs : Math.min(2 * w, maxMs);
          this.syncSentMs[m] = now;
          this.syncRequests++;
          this.misses[m] = 0;
        }
        // Polls of this meter wait for the sync; look again shortly (rare: a walk of the ready heap).
        const later = now + Math.max(1, this.o.syncRetryMs / 4);
        const keep = this.ready;
        let kept = 0;
        // its wait starts now: what its due polls waited before it is counted as they leave the ready heap
        const starts = this.waitFromMs[m] === NEVER;
        if (starts) this.waitFromMs[m] = now;
        for (let k = 0; k < this.readyN; k++) {
          const i = keep[k];
          if (this.addr[i] !== a) { keep[kept++] = i; continue; }
          if (starts) this.skipped += periods(this.dueMs[i], now, this.periodMs[i]);
          this.flags[i] &= ~F_READY;
          this.dueMs[i] = later;
          this.push(i);
        }
        this.readyN = kept;
        for (let k = (kept >> 1) - 1; k >= 0; k--) this.down(this.ready, kept, k, true);
        continue;
      }
      const r = this.target.poll(a, this.fn[best]);
      if (r === CAN_EBUSY) { this.refused++; return; }
      this.take(this.ready, this.readyN--, true);
      this.flags[best] &= ~F_READY;
      if (r !== CAN_OK) { this.dueMs[best] = now + this.periodMs[best]; this.push(best); continue; }
      const prevDue = this.dueMs[best];
      const wm = this.meterOf[a] - 1;
      if (this.waitFromMs[wm] !== NEVER) {
        // its meter's wait ends with this poll: every entry's whole periods of it were missed
        this.skipped += this.waitPeriods(a, this.waitFromMs[wm], now);
        this.waitFromMs[wm] = NEVER;
      } else this.skipped += periods(prevDue, now, this.periodMs[best]);
      this.flags[best] |= F_IN_FLIGHT;
      this.flying[this.inFlight++] = best;
      this.sent++;
      this.attempts[best]++;
      this.sentMs[best] = now;
      // Keep the cadence of the period, but never schedule into the past.
      const next = prevDue + this.periodMs[best];
      this.dueMs[best] = next > now ? next : now + this.periodMs[best];
    }
  }

  /** Polls a meter's wait for synchronisation skipped up to now (its chain, 8 entries at most). */
  private waitPeriods(address: number, from: number, now: number): number {
    let n = 0;
    for (let i = this.first[address]; i !== NONE; i = this.next[i]) n += periods(from, now, this.periodMs[i]);
    return n;
  }

  /** `skipped` plus the polls skipped up to the last now and not counted yet (a read: walks each meter's chain). */
  skippedNow(): number {
    let n = this.skipped;
    for (let a = 0; a < 64; a++) {
      const m = this.meterOf[a] - 1;
      if (m < 0) continue;
      if (this.waitFromMs[m] !== NEVER) { n += this.waitPeriods(a, this.waitFromMs[m], this.lastNow); continue; }
      for (let i = this.first[a]; i !== NONE; i = this.next[i]) if ((this.flags[i] & F_READY) !== 0) n += periods(this.dueMs[i], this.lastNow, this.periodMs[i]);
    }
    return n;
  }

  /** Takes entry i out of the in-flight list. */
  private land(i: number): void {
    this.flags[i] &= ~F_IN_FLIGHT;
    for (let k = 0; k < this.inFlight; k++) {
      if (this.flying[k] !== i) continue;
      this.flying[k] = this.flying[--this.inFlight];
      return;
    }
  }

  /** i goes before j: in the ready heap by priority, due time, index; in the waiting heap by due time, index. */
  private less(i: number, j: number, byPrio: boolean): boolean {
    if (byPrio && this.prio[i] !== this.prio[j]) return this.prio[i] < this.prio[j];
    return this.dueMs[i] < this.dueMs[j] || (this.dueMs[i] === this.dueMs[j] && i < j);
  }

  /** Waiting heap: adds entry i. */
  private push(i: number): void {
    this.put(this.heap, this.heapN++, i, false);
  }

  /** h[n] = i (the heap had n entries), sifted up. */
  private put(h: Uint16Array, n: number, i: number, byPrio: boolean): void {
    let k = n;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.less(i, h[p], byPrio)) break;
      h[k] = h[p];
      k = p;
    }
    h[k] = i;
  }

  /** Removes and returns the top of a heap of n entries (the caller counts it down). */
  private take(h: Uint16Array, n: number, byPrio: boolean): number {
    const top = h[0];
    h[0] = h[n - 1];
    if (n > 1) this.down(h, n - 1, 0, byPrio);
    return top;
  }

  private down(h: Uint16Array, n: number, k: number, byPrio: boolean): void {
    const x = h[k];
    for (;;) {
      const l = 2 * k + 1;
      if (l >= n) break;
      const c = l + 1 < n && this.less(h[l + 1], h[l], byPrio) ? l + 1 : l;
      if (!this.less(h[c], x, byPrio)) break;
      h[k] = h[c];
      k = c;
    }
    h[k] = x;
  }

  /** Waiting heap: entry at k moved earlier (decrease key): sifted up from where it is. */
  private up(k: number): void {
    this.put(this.heap, k, this.heap[k], false);
  }
}
