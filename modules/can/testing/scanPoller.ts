/**
 * The poller as it was before its heap (a scan of every entry per poll and per tick),
 * kept as the oracle poller.test.ts compares the heap version against: same polls in
 * the same order under random answers, misses and resynchronisations. Test-only.
 */
import { Clock } from "../../ports/clock";
import { CAN_OK, CAN_EBUSY } from "../controller";

/** What the poller needs from the aggregator link (AggregatorNode implements it). */
interface PollTarget {
  poll(address: number, fn: number): number;
  isSynced(address: number): boolean;
  requestSync(address: number): number;
}

interface PollerOptions {
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

interface PollResult {
  address: number;
  fn: number;
  ok: boolean;
  /** Remote frame to answer, ms (ok only). */
  latencyMs: number;
  attempts: number;
}

const F_IN_FLIGHT = 1;
const F_STALE = 2;
const F_USED = 4;
const F_GOOD = 8; // answered at least once: lastGoodMs holds a time
/** Times are kept as Int32 ms since `t0` (4 bytes an entry instead of a Float64's 8: 64
 * meters x 8 messages x 3 times save 6 KB, about 470 JsVars); `t0` moves forward
 * before they could overflow (every 2^30 ms, 12 days). */
const REBASE_MS = 1073741824;
const NEVER = -2147483648;

export class ScanPoller {
  onResult: (r: PollResult) => void = function () {};
  /** Totals: polls sent, answers, retries, misses (all retries used), sync requests sent. */
  sent = 0;
  answered = 0;
  retried = 0;
  missed = 0;
  syncRequests = 0;
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
  /** Per address: its meter index + 1 (0: no entry). Per meter (grown by add(), not sized for 64):
   * consecutive misses, and when the last sync request left. */
  private readonly meterOf = new Uint8Array(64);
  private misses = new Uint8Array(0);
  private syncSentMs = new Int32Array(0);
  /** Per meter: the wait before its next sync request, ms (0: none sent since it last answered). */
  private syncWaitMs = new Uint32Array(0);

  constructor(target: PollTarget, clock: Clock, o: PollerOptions) {
    this.target = target;
    this.clock = clock;
    this.o = o;
    const c = o.capacity;
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
    this.t0 = clock.nowMs();
  }

  /** Now as ms since t0, moving t0 (and every stored time with it) before Int32 overflows. */
  private now(): number {
    let rel = this.clock.nowMs() - this.t0;
    if (rel >= REBASE_MS) {
      const d = Math.floor(rel / 2);
      const lists = [this.dueMs, this.sentMs, this.lastGoodMs, this.syncSentMs];
      for (let k = 0; k < lists.length; k++) {
        const l = lists[k];
        // NEVER (and anything older than the new base) stays the oldest time there is
        for (let i = 0; i < l.length; i++) l[i] = l[i] - d < NEVER + REBASE_MS ? NEVER : l[i] - d;
      }
      this.t0 += d;
      rel -= d;
    }
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
      misses.set(this.misses);
      syncSentMs.set(this.syncSentMs);
      syncWaitMs.set(this.syncWaitMs);
      syncSentMs[k] = NEVER;
      this.misses = misses;
      this.syncSentMs = syncSentMs;
      this.syncWaitMs = syncWaitMs;
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
    this.flags[i] = F_USED | F_STALE; // no reading yet
    return i;
  }

  private find(address: number, fn: number): number {
    for (let i = 0; i < this.n; i++) if (this.addr[i] === address && this.fn[i] === fn) return i;
    return -1;
  }

  isStale(address: number, fn: number): boolean {
    const i = this.find(address, fn);
    return i < 0 || (this.flags[i] & F_STALE) !== 0;
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
    this.flags[i] = (this.flags[i] & ~(F_STALE | F_IN_FLIGHT)) | F_GOOD;
    this.misses[this.meterOf[address] - 1] = 0;
    this.syncWaitMs[this.meterOf[address] - 1] = 0; // reachable: a later sync starts from syncRetryMs
    if (!wasInFlight) return; // e.g. a spontaneous alarm: keeps its own schedule
    this.inFlight--;
    this.answered++;
    this.onResult({ address: address, fn: fn, ok: true, latencyMs: now - this.sentMs[i], attempts: this.attempts[i] });
    this.attempts[i] = 0;
    this.pump();
  }

  /** A meter was (re)synchronised (wire AggregatorNode.onSynced here): poll it now. */
  synced(address: number): void {
    const now = this.now();
    const m = this.meterOf[address];
    if (m === undefined || m === 0) return; // no entry: nothing to poll
    this.misses[m - 1] = 0;
    this.syncWaitMs[m - 1] = 0;
    for (let i = 0; i < this.n; i++) if (this.addr[i] === address && (this.flags[i] & F_IN_FLIGHT) === 0 && this.dueMs[i] > now) this.dueMs[i] = now;
    this.pump();
  }

  /** Timeouts, stale marking, sync requests, then new polls. Call often (every few ms). */
  tick(): void {
    const now = this.now();
    for (let i = 0; i < this.n; i++) {
      const f = this.flags[i];
      if ((f & F_IN_FLIGHT) !== 0 && now - this.sentMs[i] >= this.deadlineMs[i]) this.timeout(i, now);
      // Never answered entries stay stale from add(); answered ones age out.
      if ((f & F_GOOD) !== 0 && now - this.lastGoodMs[i] > this.o.staleAfterPeriods * this.periodMs[i]) this.flags[i] |= F_STALE;
    }
    this.pump();
  }

  private timeout(i: number, now: number): void {
    this.flags[i] &= ~F_IN_FLIGHT;
    this.inFlight--;
    if (this.attempts[i] <= this.retries[i]) {
      this.retried++;
      this.dueMs[i] = now; // retry at once
      return;
    }
    const a = this.addr[i];
    this.missed++;
    this.onResult({ address: a, fn: this.fn[i], ok: false, latencyMs: -1, attempts: this.attempts[i] });
    this.attempts[i] = 0;
    this.dueMs[i] = now + this.periodMs[i];
    const m = this.meterOf[a] - 1;
    if (this.misses[m] < 255) this.misses[m]++;
  }

  private needsSync(a: number): boolean {
    return !this.target.isSynced(a) || this.misses[this.meterOf[a] - 1] >= this.o.syncAfterMisses;
  }

  /** Sends what is due, best priority first, while mailboxes and the in-flight budget allow. */
  pump(): void {
    const now = this.now();
    while (this.inFlight < this.o.maxInFlight) {
      let best = -1;
      for (let i = 0; i < this.n; i++) {
        if ((this.flags[i] & F_IN_FLIGHT) !== 0 || this.dueMs[i] > now) continue;
        if (best < 0 || this.prio[i] < this.prio[best] || (this.prio[i] === this.prio[best] && this.dueMs[i] < this.dueMs[best])) best = i;
      }
      if (best < 0) return;
      const a = this.addr[best];
      if (this.needsSync(a)) {
        const m = this.meterOf[a] - 1;
        if (now - this.syncSentMs[m] >= this.syncWaitMs[m] && this.target.requestSync(a) === CAN_OK) {
          const maxMs = this.o.syncRetryMaxMs !== undefined ? this.o.syncRetryMaxMs : 60000;
          const w = this.syncWaitMs[m];
          this.syncWaitMs[m] = w === 0 ? this.o.syncRetryMs : Math.min(2 * w, maxMs);
          this.syncSentMs[m] = now;
          this.syncRequests++;
          this.misses[m] = 0;
        }
        // Polls of this meter wait for the sync; look again shortly.
        for (let i = 0; i < this.n; i++) if (this.addr[i] === a && this.dueMs[i] <= now) this.dueMs[i] = now + Math.max(1, this.o.syncRetryMs / 4);
        continue;
      }
      const r = this.target.poll(a, this.fn[best]);
      if (r === CAN_EBUSY) return;
      if (r !== CAN_OK) { this.dueMs[best] = now + this.periodMs[best]; continue; }
      const prevDue = this.dueMs[best];
      this.flags[best] |= F_IN_FLIGHT;
      this.inFlight++;
      this.sent++;
      this.attempts[best]++;
      this.sentMs[best] = now;
      // Keep the cadence of the period, but never schedule into the past.
      const next = prevDue + this.periodMs[best];
      this.dueMs[best] = next > now ? next : now + this.periodMs[best];
    }
  }
}
