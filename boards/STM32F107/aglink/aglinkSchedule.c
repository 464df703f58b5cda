/*
 * The poll schedule: modules/can/poller.ts in C, decision for decision (the comments
 * there give the reasons; aglinkEquivalence.test.ts checks the frames match).
 */
#include "aglinkSchedule.h"

#include "aglinkState.h"

/* Relative times are rebased every 2^30 ms; NEVER is older than any time. */
#define REBASE_MS 1073741824
#define NEVER INT32_MIN

size_t mn_ag_bytes(unsigned capacity, unsigned maxInFlight) {
  if (capacity > MN_AG_MAX_CAPACITY || maxInFlight < 1 || maxInFlight > MN_AG_MAX_IN_FLIGHT) return 0;
  return (size_t)A_END + (size_t)AG_ENTRY_BYTES * capacity + 6u * maxInFlight + AG_RARE_BYTES; /* rare region last (aglinkCommands.c) */
}

int mn_ag_init(uint8_t *st, size_t bytes, const mn_ag_options_t *o, int64_t nowMs) {
  if (!st || !o) return MN_AG_EINVAL;
  size_t need = mn_ag_bytes(o->capacity, o->maxInFlight);
  if (need == 0 || bytes < need || o->syncRetryMs == 0) return MN_AG_EINVAL;
  memset(st, 0, need);
  st[H_MAX_IN_FLIGHT] = o->maxInFlight;
  st[H_STALE_AFTER] = o->staleAfterPeriods;
  st[H_SYNC_AFTER_MISSES] = o->syncAfterMisses;
  ag_s16(st + H_CAPACITY, o->capacity);
  ag_su32(st + H_SYNC_RETRY, o->syncRetryMs);
  ag_su32(st + H_SYNC_RETRY_MAX, o->syncRetryMaxMs ? o->syncRetryMaxMs : 60000u);
  memcpy(st + H_T0, &nowMs, 8);
  for (unsigned a = 0; a < MN_AG_MAX_ADDRESS; a++) {
    ag_s16(st + A_FIRST + 2 * a, AG_NONE);
    ag_s32(st + A_SYNC_SENT + 4 * a, NEVER);
    ag_s32(st + A_WAIT_FROM + 4 * a, NEVER);
  }
  st[H_MAGIC] = AG_MAGIC;
  return 0;
}

static int64_t t0_of(const uint8_t *st) {
  int64_t t0;
  memcpy(&t0, st + H_T0, 8);
  return t0;
}

static void rebase_list(uint8_t *l, unsigned n, int32_t d) {
  for (unsigned i = 0; i < n; i++) {
    int64_t x = (int64_t)ag_g32(l + 4 * i) - d;
    ag_s32(l + 4 * i, x < (int64_t)NEVER + REBASE_MS ? NEVER : (int32_t)x);
  }
}

/* Now as ms since t0, moving t0 (and every stored time with it) before int32 overflows. */
static int32_t rel_now(const ag_view_t *v, int64_t nowMs) {
  int64_t t0 = t0_of(v->st);
  int64_t rel = nowMs - t0;
  if (rel >= REBASE_MS) {
    int64_t d = rel / 2; /* rel > 0: floor */
    rebase_list(v->due, v->c, (int32_t)d);
    rebase_list(v->flySent, v->st[H_MAX_IN_FLIGHT], (int32_t)d);
    rebase_list(v->good, v->c, (int32_t)d);
    rebase_list(v->st + A_SYNC_SENT, MN_AG_MAX_ADDRESS, (int32_t)d);
    rebase_list(v->st + A_WAIT_FROM, MN_AG_MAX_ADDRESS, (int32_t)d);
    t0 += d;
    memcpy(v->st + H_T0, &t0, 8);
    rel -= d;
  }
  ag_s32(v->st + H_LAST_NOW, (int32_t)rel);
  return (int32_t)rel;
}

#define U16(a, i) ag_g16((a) + 2 * (i))
#define SET16(a, i, x) ag_s16((a) + 2 * (i), (uint16_t)(x))
#define I32(a, i) ag_g32((a) + 4 * (i))
#define SET32(a, i, x) ag_s32((a) + 4 * (i), (int32_t)(x))

/* i goes before j: in the ready heap by priority, due time, index; in the waiting heap by due time, index. */
static int less(const ag_view_t *v, unsigned i, unsigned j, int byPrio) {
  if (byPrio && v->prio[i] != v->prio[j]) return v->prio[i] < v->prio[j];
  int32_t di = I32(v->due, i), dj = I32(v->due, j);
  return di < dj || (di == dj && i < j);
}

/* h[n] = i (the heap had n entries), sifted up. */
static void put(const ag_view_t *v, uint8_t *h, unsigned n, unsigned i, int byPrio) {
  unsigned k = n;
  while (k > 0) {
    unsigned p = (k - 1) >> 1;
    if (!less(v, i, U16(h, p), byPrio)) break;
    SET16(h, k, U16(h, p));
    k = p;
  }
  SET16(h, k, i);
}

static void down(const ag_view_t *v, uint8_t *h, unsigned n, unsigned k, int byPrio) {
  unsigned x = U16(h, k);
  for (;;) {
    unsigned l = 2 * k + 1;
    if (l >= n) break;
    unsigned c = l + 1 < n && less(v, U16(h, l + 1), U16(h, l), byPrio) ? l + 1 : l;
    if (!less(v, U16(h, c), x, byPrio)) break;
    SET16(h, k, U16(h, c));
    k = c;
  }
  SET16(h, k, x);
}

/* Removes and returns the top of a heap of n entries (the caller counts it down). */
static unsigned take(const ag_view_t *v, uint8_t *h, unsigned n, int byPrio) {
  unsigned top = U16(h, 0);
  SET16(h, 0, U16(h, n - 1));
  if (n > 1) down(v, h, n - 1, 0, byPrio);
  return top;
}

/* Waiting heap: adds entry i. */
static void push(const ag_view_t *v, unsigned i) {
  unsigned n = ag_g16(v->st + H_HEAP_N);
  put(v, v->heap, n, i, 0);
  ag_s16(v->st + H_HEAP_N, (uint16_t)(n + 1));
}

/* Takes entry i out of the in-flight list; returns when it was sent. */
static int32_t land(const ag_view_t *v, unsigned i) {
  v->flags[i] &= (uint8_t)~AG_F_IN_FLIGHT;
  unsigned n = v->st[H_IN_FLIGHT];
  for (unsigned k = 0; k < n; k++) {
    if (U16(v->flying, k) != i) continue;
    int32_t sent = I32(v->flySent, k);
    n--;
    SET16(v->flying, k, U16(v->flying, n));
    SET32(v->flySent, k, I32(v->flySent, n));
    v->st[H_IN_FLIGHT] = (uint8_t)n;
    return sent;
  }
  return 0;
}

/*
 * Missed polls that were never sent (issue 12, 3.5: "missed" stopped at the two misses
 * that switch a meter to sync requests). An entry owes one poll per period; each whole
 * period it waits past its due time is a missed poll:
 * - while its meter waits for synchronisation (from the first poll held back for it
 *   until its next poll leaves): per entry of the meter, whole periods of the wait;
 * - otherwise while it sits due and unsent (every mailbox busy, a flood of higher
 *   priority frames): whole periods between its due time and its send.
 * Counted when the poll finally leaves; reads add what is pending up to the last now.
 * The frames sent do not change: this only counts.
 */
static uint32_t periods(int32_t from, int32_t now, unsigned periodMs) {
  return from != NEVER && now > from ? ((uint32_t)now - (uint32_t)from) / periodMs : 0u;
}

static void skipped(uint8_t *st, unsigned a, uint32_t n) {
  if (!n) return;
  ag_su32(st + H_SKIPPED, ag_gu32(st + H_SKIPPED) + n);
  ag_su32(st + A_METER_COUNTS + 16 * a + 8, ag_gu32(st + A_METER_COUNTS + 16 * a + 8) + n);
}

/* Polls a meter's wait for synchronisation skipped up to now (no walk: its chain, 8 at most). */
static uint32_t wait_periods(const ag_view_t *v, unsigned a, int32_t now) {
  int32_t from = ag_g32(v->st + A_WAIT_FROM + 4 * a);
  uint32_t n = 0;
  if (from == NEVER) return 0;
  for (unsigned i = ag_g16(v->st + A_FIRST + 2 * a); i != AG_NONE; i = U16(v->next, i)) n += periods(from, now, U16(v->period, i));
  return n;
}

int mn_ag_add(uint8_t *st, unsigned address, unsigned fn, unsigned periodMs, unsigned priority, unsigned deadlineMs, unsigned retries, int64_t nowMs) {
  if (!st || st[H_MAGIC] != AG_MAGIC) return MN_AG_EINVAL;
  ag_view_t v;
  ag_view(&v, st);
  unsigned n = ag_g16(st + H_N);
  if (n >= v.c) return MN_AG_EFULL;
  if (address >= MN_AG_MAX_ADDRESS || fn > 31 || periodMs < 1 || periodMs > 65535 || deadlineMs < 1 || deadlineMs > 65535 ||
      priority > 255 || retries > 254)
    return MN_AG_EINVAL;
  int32_t now = rel_now(&v, nowMs);
  unsigned i = n;
  ag_s16(st + H_N, (uint16_t)(n + 1));
  v.addr[i] = (uint8_t)address;
  v.fn[i] = (uint8_t)fn;
  v.prio[i] = (uint8_t)priority;
  SET16(v.period, i, periodMs);
  SET16(v.deadline, i, deadlineMs);
  v.retries[i] = (uint8_t)retries;
  SET32(v.due, i, now);
  v.flags[i] = AG_F_USED; /* no reading yet: stale */
  SET16(v.next, i, ag_g16(st + A_FIRST + 2 * address));
  ag_s16(st + A_FIRST + 2 * address, (uint16_t)i);
  push(&v, i);
  return (int)i;
}

static int find(const ag_view_t *v, unsigned address, unsigned fn) {
  if (address >= MN_AG_MAX_ADDRESS) return -1;
  for (unsigned i = ag_g16(v->st + A_FIRST + 2 * address); i != AG_NONE; i = U16(v->next, i))
    if (v->fn[i] == fn) return (int)i;
  return -1;
}

int mn_ag_find(const uint8_t *st, unsigned address, unsigned fn) {
  if (!st || st[H_MAGIC] != AG_MAGIC) return -1;
  ag_view_t v;
  ag_view(&v, st);
  return find(&v, address, fn);
}

int mn_ag_is_stale(uint8_t *st, unsigned address, unsigned fn, int64_t nowMs) {
  if (!st || st[H_MAGIC] != AG_MAGIC) return 1;
  ag_view_t v;
  ag_view(&v, st);
  int i = find(&v, address, fn);
  if (i < 0 || !(v.flags[i] & AG_F_GOOD)) return 1;
  int32_t now = rel_now(&v, nowMs);
  return (int64_t)now - I32(v.good, i) > (int64_t)st[H_STALE_AFTER] * U16(v.period, i);
}

int64_t mn_ag_last_good_ms(const uint8_t *st, unsigned address, unsigned fn) {
  if (!st || st[H_MAGIC] != AG_MAGIC) return -1;
  ag_view_t v;
  ag_view(&v, st);
  int i = find(&v, address, fn);
  return i < 0 || !(v.flags[i] & AG_F_GOOD) ? -1 : t0_of(st) + I32(v.good, i);
}

static void pump(const ag_view_t *v, const mn_ag_target_t *t, void *ctx, int32_t now);

int mn_ag_answer(uint8_t *st, const mn_ag_target_t *t, void *ctx, unsigned address, unsigned fn, int64_t nowMs) {
  if (!st || st[H_MAGIC] != AG_MAGIC) return -1;
  ag_view_t v;
  ag_view(&v, st);
  int i = find(&v, address, fn);
  if (i < 0) return -1;
  int32_t now = rel_now(&v, nowMs);
  int wasInFlight = (v.flags[i] & AG_F_IN_FLIGHT) != 0;
  SET32(v.good, i, now);
  v.flags[i] |= AG_F_GOOD | AG_F_FRESH;
  st[A_MISSES + address] = 0;
  ag_su32(st + A_SYNC_WAIT + 4 * address, 0); /* reachable: a later sync starts from syncRetryMs */
  if (!wasInFlight) return i; /* e.g. a spontaneous alarm: keeps its own schedule */
  int32_t sent = land(&v, (unsigned)i);
  ag_inc(st + H_TOTALS + 4);
  ag_inc(st + A_METER_COUNTS + 16 * address + 4);
  ag_sat(st + A_NEW_OK + address);
  st[A_REACH + address] |= AG_R_LAST_OK;
  if (t->result) t->result(ctx, address, fn, 1, now - sent, v.attempts[i]);
  v.attempts[i] = 0;
  push(&v, (unsigned)i); /* its next due time was set when it was sent */
  pump(&v, t, ctx, now);
  return i;
}

void mn_ag_synced(uint8_t *st, const mn_ag_target_t *t, void *ctx, unsigned address, int64_t nowMs) {
  if (!st || st[H_MAGIC] != AG_MAGIC || address >= MN_AG_MAX_ADDRESS) return;
  ag_view_t v;
  ag_view(&v, st);
  int32_t now = rel_now(&v, nowMs);
  unsigned first = ag_g16(st + A_FIRST + 2 * address);
  if (first == AG_NONE) return; /* no entry: nothing to poll */
  st[A_MISSES + address] = 0;
  ag_su32(st + A_SYNC_WAIT + 4 * address, 0);
  unsigned heapN = ag_g16(st + H_HEAP_N);
  for (unsigned i = first; i != AG_NONE; i = U16(v.next, i)) {
    if ((v.flags[i] & (AG_F_READY | AG_F_IN_FLIGHT)) != 0 || I32(v.due, i) <= now) continue;
    /* rare (a resynchronisation): finding the entry's place in the heap may take a walk */
    SET32(v.due, i, now);
    for (unsigned k = 0; k < heapN; k++)
      if (U16(v.heap, k) == i) { put(&v, v.heap, k, i, 0); break; }
  }
  pump(&v, t, ctx, now);
}

void mn_ag_reachable(uint8_t *st, unsigned address) {
  if (st && st[H_MAGIC] == AG_MAGIC && address < MN_AG_MAX_ADDRESS) ag_su32(st + A_SYNC_WAIT + 4 * address, 0);
}

static void timeout(const ag_view_t *v, const mn_ag_target_t *t, void *ctx, unsigned i, int32_t now) {
  uint8_t *st = v->st;
  land(v, i);
  if (v->attempts[i] <= v->retries[i]) {
    ag_inc(st + H_TOTALS + 8);
    SET32(v->due, i, now); /* retry at once */
    push(v, i);
    return;
  }
  unsigned a = v->addr[i];
  ag_inc(st + H_TOTALS + 12);
  ag_inc(st + A_METER_COUNTS + 16 * a + 8);
  ag_sat(st + A_NEW_MISS + a);
  st[A_REACH + a] &= (uint8_t)~AG_R_LAST_OK;
  if (t->result) t->result(ctx, a, v->fn[i], 0, -1, v->attempts[i]);
  v->attempts[i] = 0;
  SET32(v->due, i, now + U16(v->period, i));
  push(v, i);
  if (st[A_MISSES + a] < 255) st[A_MISSES + a]++;
}

void mn_ag_tick(uint8_t *st, const mn_ag_target_t *t, void *ctx, int64_t nowMs) {
  if (!st || st[H_MAGIC] != AG_MAGIC) return;
  ag_view_t v;
  ag_view(&v, st);
  int32_t now = rel_now(&v, nowMs);
  for (int k = (int)st[H_IN_FLIGHT] - 1; k >= 0; k--) {
    unsigned i = U16(v.flying, k);
    if ((int64_t)now - I32(v.flySent, k) >= U16(v.deadline, i)) timeout(&v, t, ctx, i, now);
  }
  pump(&v, t, ctx, now);
}

void mn_ag_pump(uint8_t *st, const mn_ag_target_t *t, void *ctx, int64_t nowMs) {
  if (!st || st[H_MAGIC] != AG_MAGIC) return;
  ag_view_t v;
  ag_view(&v, st);
  pump(&v, t, ctx, rel_now(&v, nowMs));
}

static void refused(uint8_t *st, unsigned a) {
  ag_inc(st + H_REFUSED);
  ag_inc(st + A_REFUSED + 4 * a);
}

static int needs_sync(const ag_view_t *v, const mn_ag_target_t *t, void *ctx, unsigned a) {
  return !t->isSynced(ctx, a) || v->st[A_MISSES + a] >= v->st[H_SYNC_AFTER_MISSES];
}

static void pump(const ag_view_t *v, const mn_ag_target_t *t, void *ctx, int32_t now) {
  uint8_t *st = v->st;
  unsigned heapN = ag_g16(st + H_HEAP_N), readyN = ag_g16(st + H_READY_N);
  /* Entries fall due together: each goes from the waiting heap to the ready heap. */
  while (heapN > 0 && I32(v->due, U16(v->heap, 0)) <= now) {
    unsigned i = take(v, v->heap, heapN--, 0);
    v->flags[i] |= AG_F_READY;
    put(v, v->ready, readyN++, i, 1);
  }
  ag_s16(st + H_HEAP_N, (uint16_t)heapN);
  ag_s16(st + H_READY_N, (uint16_t)readyN);
  while (st[H_IN_FLIGHT] < st[H_MAX_IN_FLIGHT] && readyN > 0) {
    /* lowest priority number, then the earliest due, then the first added */
    unsigned best = U16(v->ready, 0);
    unsigned a = v->addr[best];
    if (needs_sync(v, t, ctx, a)) {
      uint32_t wait = ag_gu32(st + A_SYNC_WAIT + 4 * a);
      int64_t since = (int64_t)now - ag_g32(st + A_SYNC_SENT + 4 * a);
      int rs = since >= (int64_t)wait ? t->requestSync(ctx, a) : 1;
      if (rs == MN_AG_EBUSY) refused(st, a);
      if (rs == 0) {
        uint32_t retry = ag_gu32(st + H_SYNC_RETRY), maxMs = ag_gu32(st + H_SYNC_RETRY_MAX);
        ag_su32(st + A_SYNC_WAIT + 4 * a, wait == 0 ? retry : (2u * wait < maxMs ? 2u * wait : maxMs));
        ag_s32(st + A_SYNC_SENT + 4 * a, now);
        ag_inc(st + H_TOTALS + 16);
        st[A_MISSES + a] = 0;
      }
      /* Polls of this meter wait for the sync; look again shortly (rare: a walk of the ready heap). */
      uint32_t q = ag_gu32(st + H_SYNC_RETRY) / 4u;
      int32_t later = now + (int32_t)(q > 1 ? q : 1);
      unsigned kept = 0;
      /* its wait starts now: what its due polls waited before it is counted as they leave the ready heap */
      int starts = ag_g32(st + A_WAIT_FROM + 4 * a) == NEVER;
      if (starts) ag_s32(st + A_WAIT_FROM + 4 * a, now);
      heapN = ag_g16(st + H_HEAP_N);
      for (unsigned k = 0; k < readyN; k++) {
        unsigned i = U16(v->ready, k);
        if (v->addr[i] != a) { SET16(v->ready, kept, i); kept++; continue; }
        if (starts) skipped(st, a, periods(I32(v->due, i), now, U16(v->period, i)));
        v->flags[i] &= (uint8_t)~AG_F_READY;
        SET32(v->due, i, later);
        put(v, v->heap, heapN++, i, 0);
      }
      ag_s16(st + H_HEAP_N, (uint16_t)heapN);
      readyN = kept;
      for (int k = (int)(kept >> 1) - 1; k >= 0; k--) down(v, v->ready, kept, (unsigned)k, 1);
      ag_s16(st + H_READY_N, (uint16_t)readyN);
      continue;
    }
    int r = t->poll(ctx, a, v->fn[best]);
    if (r == MN_AG_EBUSY) { refused(st, a); return; }
    take(v, v->ready, readyN--, 1);
    ag_s16(st + H_READY_N, (uint16_t)readyN);
    v->flags[best] &= (uint8_t)~AG_F_READY;
    if (r != 0) {
      SET32(v->due, best, now + U16(v->period, best));
      push(v, best);
      continue;
    }
    int32_t prevDue = I32(v->due, best);
    if (ag_g32(st + A_WAIT_FROM + 4 * a) != NEVER) {
      /* its meter's wait ends with this poll: every entry's whole periods of it were missed */
      skipped(st, a, wait_periods(v, a, now));
      ag_s32(st + A_WAIT_FROM + 4 * a, NEVER);
    } else {
      skipped(st, a, periods(prevDue, now, U16(v->period, best)));
    }
    unsigned nf = st[H_IN_FLIGHT];
    v->flags[best] |= AG_F_IN_FLIGHT;
    SET16(v->flying, nf, best);
    SET32(v->flySent, nf, now);
    st[H_IN_FLIGHT] = (uint8_t)(nf + 1);
    ag_inc(st + H_TOTALS);
    ag_inc(st + A_METER_COUNTS + 16 * a);
    v->attempts[best]++;
    /* Keep the cadence of the period, but never schedule into the past. */
    int32_t next = prevDue + U16(v->period, best);
    SET32(v->due, best, next > now ? next : now + U16(v->period, best));
  }
}

/* Polls of a meter skipped up to the last now and not counted yet: its wait, or (not
 * waiting) its entries due and unsent. A read: walks the meter's chain only. */
static uint32_t pending(const uint8_t *st, unsigned a) {
  ag_view_t v;
  ag_view(&v, st);
  int32_t now = ag_g32(st + H_LAST_NOW);
  if (ag_g32(st + A_WAIT_FROM + 4 * a) != NEVER) return wait_periods(&v, a, now);
  uint32_t n = 0;
  for (unsigned i = ag_g16(st + A_FIRST + 2 * a); i != AG_NONE; i = U16(v.next, i))
    if (v.flags[i] & AG_F_READY) n += periods(I32(v.due, i), now, U16(v.period, i));
  return n;
}

void mn_ag_totals(const uint8_t *st, mn_ag_totals_t *out) {
  memset(out, 0, sizeof *out);
  if (!st || st[H_MAGIC] != AG_MAGIC) return;
  out->sent = ag_gu32(st + H_TOTALS);
  out->answered = ag_gu32(st + H_TOTALS + 4);
  out->retried = ag_gu32(st + H_TOTALS + 8);
  out->missed = ag_gu32(st + H_TOTALS + 12);
  out->syncRequests = ag_gu32(st + H_TOTALS + 16);
  out->refused = ag_gu32(st + H_REFUSED);
  out->skipped = ag_gu32(st + H_SKIPPED);
  for (unsigned a = 0; a < MN_AG_MAX_ADDRESS; a++) out->skipped += pending(st, a);
}

void mn_ag_meter_polls(const uint8_t *st, unsigned address, mn_ag_meter_polls_t *out) {
  memset(out, 0, sizeof *out);
  if (!st || st[H_MAGIC] != AG_MAGIC || address >= MN_AG_MAX_ADDRESS) return;
  const uint8_t *c = st + A_METER_COUNTS + 16 * address;
  out->polls = ag_gu32(c);
  out->answered = ag_gu32(c + 4);
  out->missed = ag_gu32(c + 8) + pending(st, address);
  out->refused = ag_gu32(st + A_REFUSED + 4 * address);
}

unsigned mn_ag_count(const uint8_t *st) { return st && st[H_MAGIC] == AG_MAGIC ? ag_g16(st + H_N) : 0; }
unsigned mn_ag_in_flight(const uint8_t *st) { return st && st[H_MAGIC] == AG_MAGIC ? st[H_IN_FLIGHT] : 0; }
unsigned mn_ag_misses(const uint8_t *st, unsigned address) {
  return st && st[H_MAGIC] == AG_MAGIC && address < MN_AG_MAX_ADDRESS ? st[A_MISSES + address] : 0;
}

unsigned mn_ag_entry_address(const uint8_t *st, unsigned i) {
  ag_view_t v;
  ag_view(&v, st);
  return i < ag_g16(st + H_N) ? v.addr[i] : 0;
}

unsigned mn_ag_entry_fn(const uint8_t *st, unsigned i) {
  ag_view_t v;
  ag_view(&v, st);
  return i < ag_g16(st + H_N) ? v.fn[i] : 0;
}
