/*
 * The aggregator link's C (aglink/): the poll schedule against the behaviour
 * modules/can/poller.test.ts asserts for poller.ts (periods, priority, in-flight
 * budget, deadlines and retries, misses, sync requests with backoff, busy mailboxes,
 * 60 days past the int32 rebase, argument checks), and the answer path over real
 * SecOC state (secoc/): polled answers stored and decoded, bad MACs, replays, plain
 * and application frames, signed sync requests, the rows JavaScript reads.
 * The frame-for-frame comparison with poller.ts and scanPoller.ts is
 * aglinkEquivalence.test.ts (through the Node addon).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../kernel/test/testCheck.h"
#include "../../secoc/secocNode.h"
#include "../aglinkAnswers.h"
#include "../aglinkCommands.h"
#include "../aglinkSchedule.h"

/* A fake link: records polls "a:fn" and sync requests, answers by test code. */
typedef struct {
  char log[20000];
  unsigned polls, syncs;
  int busy;
  uint64_t synced; /* bit per address */
  unsigned results, resultsOk;
  unsigned lastAttempts;
  int unsyncOnRequest; /* a sync request unsynchronises the meter until the test says (as the link does) */
} fake_t;

static int f_poll(void *ctx, unsigned a, unsigned fn) {
  fake_t *f = ctx;
  if (f->busy) return MN_AG_EBUSY;
  size_t n = strlen(f->log);
  if (n < sizeof f->log - 16) snprintf(f->log + n, sizeof f->log - n, "%u:%u ", a, fn);
  f->polls++;
  return 0;
}
static int f_synced(void *ctx, unsigned a) { return (int)((((fake_t *)ctx)->synced >> a) & 1u); }
static int f_sync(void *ctx, unsigned a) {
  fake_t *f = ctx;
  size_t n = strlen(f->log);
  if (f->busy) return MN_AG_EBUSY;
  if (n < sizeof f->log - 16) snprintf(f->log + n, sizeof f->log - n, "sync%u ", a);
  f->syncs++;
  if (f->unsyncOnRequest) f->synced &= ~(1ull << a);
  return 0;
}
static void f_result(void *ctx, unsigned a, unsigned fn, int ok, int32_t latency, unsigned attempts) {
  fake_t *f = ctx;
  (void)a; (void)fn; (void)latency;
  f->results++;
  if (ok) f->resultsOk++;
  f->lastAttempts = attempts;
}
static const mn_ag_target_t FAKE = {f_poll, f_synced, f_sync, f_result};

static uint8_t st[MN_AG_MAX_CAPACITY * 40 + 4096];

static void make(fake_t *f, unsigned capacity, unsigned maxInFlight, int64_t now) {
  memset(f, 0, sizeof *f);
  f->synced = (1u << 1) | (1u << 2) | (1u << 3);
  mn_ag_options_t o = {(uint16_t)capacity, (uint8_t)maxInFlight, 3, 2, 100, 0};
  /* +1: the state may sit at any address (an unaligned flat string on the device) */
  mn_ag_init(st + 1, mn_ag_bytes(capacity, maxInFlight), &o, now);
}
#define S (st + 1)

static unsigned count(const char *log, const char *what) {
  unsigned n = 0;
  size_t l = strlen(what);
  for (const char *p = log; (p = strstr(p, what)) != NULL; p += l)
    if (p == log || p[-1] == ' ') n++;
  return n;
}

/* Answers every poll logged since *seen (a perfect meter). */
static void answer_all(fake_t *f, size_t *seen, int64_t now) {
  char *p = f->log + *seen;
  unsigned a, fn;
  int used;
  while (sscanf(p, "%u:%u %n", &a, &fn, &used) == 2) {
    mn_ag_answer(S, &FAKE, f, a, fn, now);
    p += used;
  }
  *seen = strlen(f->log);
}

static void periods(void) {
  int ok = 1;
  fake_t f;
  make(&f, 32, 3, 0);
  mn_ag_add(S, 1, 6, 1000, 10, 50, 0, 0);
  mn_ag_add(S, 2, 6, 5000, 10, 50, 0, 0);
  size_t seen = 0;
  for (int64_t ms = 0; ms < 10000; ms += 10) { mn_ag_tick(S, &FAKE, &f, ms); answer_all(&f, &seen, ms); }
  CHECK(count(f.log, "1:6") == 10, "1 s entry polled %u times in 10 s", count(f.log, "1:6"));
  CHECK(count(f.log, "2:6") == 2, "5 s entry polled %u times", count(f.log, "2:6"));
  report("per-entry periods: a 1 s entry 10 times in 10 s, a 5 s entry twice", ok);
}

static void priority(void) {
  int ok = 1;
  fake_t f;
  make(&f, 32, 2, 0);
  mn_ag_add(S, 1, 6, 1000, 10, 50, 0, 0);
  mn_ag_add(S, 2, 0, 1000, 0, 50, 0, 0);
  mn_ag_add(S, 3, 0, 1000, 0, 50, 0, 0);
  mn_ag_tick(S, &FAKE, &f, 0);
  CHECK(strcmp(f.log, "2:0 3:0 ") == 0, "alarm priority first, two in flight: %s", f.log);
  CHECK(mn_ag_in_flight(S) == 2, "in flight %u", mn_ag_in_flight(S));
  mn_ag_answer(S, &FAKE, &f, 2, 0, 0);
  CHECK(strcmp(f.log, "2:0 3:0 1:6 ") == 0, "an answer frees a slot at once: %s", f.log);
  report("priority first, then the earliest due; at most maxInFlight outstanding", ok);
}

static void retries_misses_sync(void) {
  int ok = 1;
  fake_t f;
  make(&f, 32, 1, 0);
  mn_ag_add(S, 1, 6, 1000, 10, 50, 2, 0);
  CHECK(mn_ag_is_stale(S, 1, 6, 0), "stale until the first reading");
  mn_ag_tick(S, &FAKE, &f, 0);
  mn_ag_answer(S, &FAKE, &f, 1, 6, 0);
  CHECK(!mn_ag_is_stale(S, 1, 6, 0), "fresh after an answer");
  int64_t ms = 1000;
  for (; ms < 2900; ms += 10) mn_ag_tick(S, &FAKE, &f, ms);
  CHECK(!mn_ag_is_stale(S, 1, 6, ms), "not yet 3 periods");
  for (; ms < 3450; ms += 10) mn_ag_tick(S, &FAKE, &f, ms);
  CHECK(mn_ag_is_stale(S, 1, 6, ms), "3 periods without a reading");
  mn_ag_totals_t t;
  mn_ag_totals(S, &t);
  CHECK(t.missed == 2, "missed %u", t.missed);
  CHECK(t.retried == 6, "retried %u: 2 per missed round and 2 after the sync", t.retried);
  CHECK(f.syncs == 1 && strstr(f.log, "sync1") != NULL, "two misses: a sync request (%u)", f.syncs);
  CHECK(f.results == 3 && f.resultsOk == 1, "results %u ok %u", f.results, f.resultsOk);
  CHECK(mn_ag_misses(S, 1) == 0, "the sync request starts the count again");
  mn_ag_answer(S, &FAKE, &f, 1, 6, ms);
  CHECK(!mn_ag_is_stale(S, 1, 6, ms), "fresh again");
  CHECK(mn_ag_last_good_ms(S, 1, 6) == ms, "last good %lld", (long long)mn_ag_last_good_ms(S, 1, 6));
  report("deadline -> retries -> miss; stale after 3 periods; sync after 2 misses", ok);
}

static void busy(void) {
  int ok = 1;
  fake_t f;
  make(&f, 32, 1, 0);
  mn_ag_add(S, 1, 6, 1000, 10, 50, 0, 0);
  f.busy = 1;
  mn_ag_tick(S, &FAKE, &f, 0);
  CHECK(f.polls == 0, "nothing sent while busy");
  f.busy = 0;
  mn_ag_tick(S, &FAKE, &f, 10);
  CHECK(strcmp(f.log, "1:6 ") == 0, "sent once free: %s", f.log);
  report("a busy controller defers the poll without losing it", ok);
}

/* Answers the polls logged since *seen except those of meter `silent`. */
static void answer_but(fake_t *f, size_t *seen, int64_t now, unsigned silent) {
  char *p = f->log + *seen;
  unsigned a, fn;
  int used;
  for (;;) {
    if (sscanf(p, "sync%u %n", &a, &used) == 1) { p += used; continue; }
    if (sscanf(p, "%u:%u %n", &a, &fn, &used) != 2) break;
    if (a != silent) mn_ag_answer(S, &FAKE, f, a, fn, now);
    p += used;
  }
  *seen = strlen(f->log);
}

static uint32_t meter_missed(unsigned a) {
  mn_ag_meter_polls_t m;
  mn_ag_meter_polls(S, a, &m);
  return m.missed;
}

/* Issue 12, 3.5: "missed" stopped after the two misses that switch a meter to sync
 * requests. Every poll a silent meter owes is missed: 60 s silent with a 1 s and a
 * 2 s entry is 90 polls, counted while it lasts and when it ends. */
static void missed_while_silent(void) {
  int ok = 1;
  fake_t f;
  make(&f, 32, 3, 0);
  f.unsyncOnRequest = 1;
  mn_ag_add(S, 1, 6, 1000, 10, 50, 2, 0);
  mn_ag_add(S, 1, 7, 2000, 20, 50, 2, 0);
  mn_ag_add(S, 2, 6, 1000, 10, 50, 2, 0);
  size_t seen = 0;
  uint32_t at40 = 0, at70 = 0;
  for (int64_t ms = 0; ms < 100000; ms += 10) {
    if (ms == 70000) { f.synced |= 1u << 1; mn_ag_synced(S, &FAKE, &f, 1, ms); } /* its sync response */
    mn_ag_tick(S, &FAKE, &f, ms);
    answer_but(&f, &seen, ms, ms >= 10000 && ms < 70000 ? 1u : 99u);
    if (seen > 15000) { f.log[0] = 0; seen = 0; }
    if (ms == 40000) at40 = meter_missed(1);
    if (ms == 70000) at70 = meter_missed(1);
  }
  uint32_t end = meter_missed(1);
  CHECK(at40 >= 42 && at40 <= 47, "30 s into the silence: %u missed (45 owed)", at40);
  CHECK(end >= 87 && end <= 92 && end == at70, "after 60 s of silence: %u missed (90 owed), %u when it ended", end, at70);
  CHECK(meter_missed(2) == 0, "the other meter missed %u", meter_missed(2));
  mn_ag_totals_t t;
  mn_ag_totals(S, &t);
  CHECK(t.missed + t.skipped == end, "totals: %u timed out + %u skipped", t.missed, t.skipped);
  CHECK(t.missed <= 4, "polls that used every retry: %u (the rest were never sent)", t.missed);
  report("a silent meter: every poll it owes is missed (timed out, then skipped while it waits for its sync)", ok);
}

/* Sends refused because every mailbox is busy are counted apart, never as polls; the
 * polls they held back past a period are missed. */
static void refused_apart(void) {
  int ok = 1;
  fake_t f;
  make(&f, 32, 3, 0);
  mn_ag_add(S, 1, 6, 1000, 10, 50, 0, 0);
  mn_ag_add(S, 2, 6, 1000, 10, 50, 0, 0);
  size_t seen = 0;
  uint32_t mid = 0;
  for (int64_t ms = 0; ms < 20000; ms += 10) {
    f.busy = ms >= 10000 && ms < 15000; /* 5 s of full mailboxes: 500 ticks */
    mn_ag_tick(S, &FAKE, &f, ms);
    answer_all(&f, &seen, ms);
    if (ms == 12500) mid = meter_missed(1) + meter_missed(2);
  }
  mn_ag_totals_t t;
  mn_ag_totals(S, &t);
  mn_ag_meter_polls_t m1, m2;
  mn_ag_meter_polls(S, 1, &m1);
  mn_ag_meter_polls(S, 2, &m2);
  CHECK(t.refused == 500 && m1.refused + m2.refused == 500, "refused %u (%u + %u): one per tick", t.refused, m1.refused, m2.refused);
  CHECK(m1.polls == count(f.log, "1:6") && m2.polls == count(f.log, "2:6") && t.sent == f.polls, "polls %u %u: only what left (%u)", m1.polls, m2.polls,
        f.polls);
  CHECK(m1.missed >= 4 && m1.missed <= 5 && m2.missed >= 4 && m2.missed <= 5, "held back 5 s: missed %u and %u", m1.missed, m2.missed);
  CHECK(mid >= 3 && mid <= 6, "2.5 s into it, pending: %u", mid);
  report("sends refused by full mailboxes counted apart (not polls); polls held back a period are missed", ok);
}

static void unsynced_backoff(void) {
  int ok = 1;
  fake_t f;
  make(&f, 32, 3, 0);
  f.synced &= ~(1u << 2);
  mn_ag_add(S, 2, 6, 1000, 10, 50, 0, 0);
  mn_ag_add(S, 1, 6, 1000, 10, 50, 0, 0);
  for (int64_t ms = 0; ms < 350; ms += 10) mn_ag_tick(S, &FAKE, &f, ms);
  CHECK(count(f.log, "sync2") == 3, "sync at 0, 100, 300 ms: %s", f.log);
  CHECK(count(f.log, "2:6") == 0 && count(f.log, "1:6") == 1, "%s", f.log);
  f.synced |= 1u << 2;
  mn_ag_synced(S, &FAKE, &f, 2, 350);
  CHECK(count(f.log, "2:6") == 1, "synced() polls at once: %s", f.log);
  report("an unsynchronised meter gets sync requests (backoff), not polls; synced() polls it at once", ok);
}

static void backoff_hour(void) {
  int ok = 1;
  fake_t f;
  memset(&f, 0, sizeof f);
  mn_ag_options_t o = {8, 3, 3, 2, 200, 60000};
  mn_ag_init(S, mn_ag_bytes(8, 3), &o, 0);
  mn_ag_add(S, 2, 6, 1000, 10, 50, 0, 0);
  int64_t at[200];
  unsigned n = 0;
  int64_t ms = 0;
  for (; ms < 3600000; ms += 10) {
    unsigned before = f.syncs;
    mn_ag_tick(S, &FAKE, &f, ms);
    if (f.syncs > before && n < 200) at[n++] = ms;
    if (ms == 29990) CHECK(n == 8, "8 requests in 30 s, not 150: %u", n);
  }
  CHECK(n >= 66 && n <= 70, "%u requests in an hour", n);
  CHECK(n > 2 && at[n - 1] - at[n - 2] <= 60050, "the wait stops at syncRetryMaxMs");
  report("sync requests to a meter that never answers back off, bounded per hour", ok);
}

/* The first sync request at or after fromMs, in a run of a meter that never answers; with
 * reachAtMs >= 0 the OTA watch heard it then (mn_ag_reachable). *after: requests from fromMs to toMs. */
static int64_t first_sync_from(int64_t reachAtMs, int64_t fromMs, int64_t toMs, unsigned *after) {
  fake_t f;
  memset(&f, 0, sizeof f);
  mn_ag_options_t o = {8, 3, 3, 2, 200, 60000};
  mn_ag_init(S, mn_ag_bytes(8, 3), &o, 0);
  mn_ag_add(S, 2, 6, 1000, 10, 50, 0, 0);
  int64_t first = -1;
  *after = 0;
  for (int64_t ms = 0; ms < toMs; ms += 10) {
    if (ms == reachAtMs) mn_ag_reachable(S, 2);
    unsigned before = f.syncs;
    mn_ag_tick(S, &FAKE, &f, ms);
    if (f.syncs > before && ms >= fromMs) {
      if (first < 0) first = ms;
      (*after)++;
    }
  }
  return first;
}

static void reachable_restarts_backoff(void) {
  int ok = 1;
  unsigned nOld, nNew;
  /* silent 30 s (restarting, then a trial that crashed): the wait has doubled to 25.6 s */
  int64_t old = first_sync_from(-1, 30000, 90000, &nOld);
  CHECK(old == 51000, "without: the next request waits for the doubled wait (51.0 s), got %lld", (long long)old);
  int64_t now = first_sync_from(30000, 30000, 90000, &nNew);
  CHECK(now >= 30000 && now <= 30060, "heard at 30 s: a sync request within syncRetryMs / 4, got %lld", (long long)now);
  /* still silent afterwards: it backs off again from 200 ms (0, .2, .6, 1.4, 3, 6.2, 12.6, 25.4, 51 s after) */
  CHECK(nNew == 9 && nOld == 1, "still silent: backs off again (9 requests in the 60 s after, without 1): %u / %u", nNew, nOld);
  report("a meter another protocol heard (OTA watch) gets its sync request at once; silent again, it backs off again", ok);
}

static void sixty_days(void) {
  int ok = 1;
  fake_t f;
  int64_t t0 = 1700000000000LL;
  make(&f, 4, 1, t0);
  mn_ag_add(S, 1, 6, 60000, 10, 50, 0, t0);
  size_t seen = 0;
  int64_t now = t0;
  for (int d = 0; d < 60; d++) {
    for (int m = 0; m < 1440; m++) {
      mn_ag_tick(S, &FAKE, &f, now);
      answer_all(&f, &seen, now);
      if (seen > 10000) { f.log[0] = 0; seen = 0; }
      now += 60000;
    }
    if (mn_ag_is_stale(S, 1, 6, now)) { CHECK(0, "stale on day %d", d); break; }
  }
  CHECK(f.polls == 60 * 1440, "one poll a minute for 60 days: %u", f.polls);
  CHECK(mn_ag_last_good_ms(S, 1, 6) == t0 + 60LL * 86400000 - 60000, "last good is absolute");
  now += 4 * 60000;
  CHECK(mn_ag_is_stale(S, 1, 6, now), "stale 3 periods after the last answer");
  report("times are int32 offsets: schedule, staleness and last good survive 60 days", ok);
}

static void arguments(void) {
  int ok = 1;
  fake_t f;
  make(&f, 2, 1, 0);
  CHECK(mn_ag_add(S, 1, 6, 65536, 10, 50, 0, 0) == MN_AG_EINVAL, "period over 16 bits");
  CHECK(mn_ag_add(S, 1, 6, 1000, 10, 0, 0, 0) == MN_AG_EINVAL, "deadline 0");
  CHECK(mn_ag_add(S, 64, 6, 1000, 10, 50, 0, 0) == MN_AG_EINVAL, "address 64");
  CHECK(mn_ag_add(S, 1, 6, 65535, 10, 50, 0, 0) == 0, "first entry");
  CHECK(mn_ag_add(S, 1, 7, 1000, 10, 50, 0, 0) == 1, "second entry");
  CHECK(mn_ag_add(S, 1, 8, 1000, 10, 50, 0, 0) == MN_AG_EFULL, "full");
  CHECK(mn_ag_bytes(2000, 3) == 0 && mn_ag_bytes(8, 0) == 0 && mn_ag_bytes(8, 9) == 0, "dimensions checked");
  mn_ag_options_t o = {8, 3, 3, 2, 200, 0};
  CHECK(mn_ag_init(S, 100, &o, 0) == MN_AG_EINVAL, "buffer too small");
  uint8_t junk[64] = {0};
  mn_ag_tick(junk, &FAKE, &f, 0);
  CHECK(mn_ag_count(junk) == 0 && mn_ag_find(junk, 1, 6) == -1, "an uninitialised buffer is refused");
  CHECK(mn_ag_bytes(512, 3) == 17494, "64 meters x 8 messages: %zu bytes", mn_ag_bytes(512, 3));
  report("arguments are checked; 512 entries take 17 494 bytes", ok);
}

/* ---- the answer path over real SecOC state ---- */

#define FN_ALARM 0
#define FN_SYNC_REQ 3
#define FN_SYNC_RESP 4
#define FN_VF 6
#define FN_POWER 8
#define FN_UNPOLLED 9

typedef struct {
  uint32_t id[64];
  int remote[64];
  uint8_t data[64][8];
  unsigned n;
  int busy;
} wire_t;

static int w_send(void *ctx, uint32_t id, int remote, uint8_t dlc, const uint8_t data[8]) {
  wire_t *w = ctx;
  (void)dlc;
  if (w->busy) return MN_AG_EBUSY;
  if (w->n < 64) { w->id[w->n] = id; w->remote[w->n] = remote; memcpy(w->data[w->n], data, 8); }
  w->n++;
  return 0;
}

static uint8_t aggSt[2048], metSt[512];

static void plans(uint8_t agg[64], uint8_t met[64], uint8_t codec[MN_SECOC_CODEC_BYTES]) {
  memset(agg, 0, 64);
  memset(met, 0, 64);
  memset(codec, 0, MN_SECOC_CODEC_BYTES);
  agg[FN_ALARM] = 0x10; agg[FN_VF] = 0x11; agg[FN_POWER] = 0x12; agg[FN_UNPOLLED] = 0x13; agg[FN_SYNC_RESP] = 0x30;
  agg[32 + FN_SYNC_REQ] = 0x20;
  met[32 + FN_ALARM] = 0x10; met[32 + FN_VF] = 0x11; met[32 + FN_POWER] = 0x12; met[32 + FN_UNPOLLED] = 0x13;
  met[32 + FN_SYNC_RESP] = 0x30; met[FN_SYNC_REQ] = 0x20;
  /* VF: U 16 bits at 0, 0.1 V; f 16 bits at 16, 0.01 Hz. POWER: P 32 bits signed, 1 W. ALARM: code 8 bits. */
  codec[FN_VF] = 0; codec[32 + FN_VF] = 2;
  codec[FN_POWER] = 2; codec[32 + FN_POWER] = 1;
  codec[FN_ALARM] = 3; codec[32 + FN_ALARM] = 1;
  codec[FN_UNPOLLED] = 3; codec[32 + FN_UNPOLLED] = 1;
  uint8_t *r = codec + 64;
  r[0] = 0; r[1] = 16; r[2] = 1;
  r[3] = 16; r[4] = 16; r[5] = 2;
  r[6] = 0; r[7] = 32; r[8] = 4;
  r[9] = 0; r[10] = 8; r[11] = 0;
}

static void meter_answer(unsigned address, unsigned fn, const uint8_t d4[4], uint8_t out[8]) {
  int64_t fv = mn_secoc_node_sign(metSt, (fn << 6) | address, d4, -1, out);
  (void)fv;
}

static void answer_path(void) {
  int ok = 1;
  uint8_t aplan[64], mplan[64], codec[MN_SECOC_CODEC_BYTES], key[16];
  plans(aplan, mplan, codec);
  for (int i = 0; i < 16; i++) key[i] = (uint8_t)(i * 17 + 3);
  const unsigned A = 5;
  size_t ab = mn_secoc_node_bytes(1, 4, 1), mb = mn_secoc_node_bytes(1, 1, 4);
  CHECK(ab <= sizeof aggSt && mb <= sizeof metSt, "sizes");
  CHECK(mn_secoc_node_init(aggSt, ab, 1, 4, 1, aplan) == 0, "agg init");
  CHECK(mn_secoc_node_init(metSt, mb, 1, 1, 4, mplan) == 0, "meter init");
  CHECK(mn_secoc_node_codec(aggSt, codec, 64 + 3 * 4) == 0, "codec");
  mn_secoc_node_key(aggSt, 0, A, key, 0);
  mn_secoc_node_key(metSt, 0, A, key, 0);
  mn_secoc_node_set_epoch(aggSt, 7);
  mn_secoc_node_set_epoch(metSt, 3);
  mn_secoc_node_set_rx(aggSt, 0, 3 * 65536 - 1); /* synchronised to the meter's epoch 3 */

  wire_t wire;
  memset(&wire, 0, sizeof wire);
  mn_ag_options_t o = {8, 3, 3, 2, 200, 0};
  mn_ag_init(S, mn_ag_bytes(8, 3), &o, 0);
  mn_ag_link_t l = {S, aggSt, w_send, &wire, 0, 0};
  mn_ag_add(S, A, FN_ALARM, 1000, 0, 50, 2, 0);
  mn_ag_add(S, A, FN_VF, 1000, 20, 50, 2, 0);
  mn_ag_add(S, A, FN_POWER, 1000, 10, 50, 2, 0);

  /* not synchronised in the link yet: a signed sync request goes out, and the meter accepts it */
  mn_ag_tick(S, &mn_ag_link_target, &l, 0);
  CHECK(wire.n == 1 && wire.id[0] == ((FN_SYNC_REQ << 6) | A) && !wire.remote[0], "a sync request first (%u frames)", wire.n);
  int64_t fv = 0;
  uint32_t d32;
  CHECK(mn_secoc_node_verify(metSt, wire.id[0], 0, 8, wire.data[0], &fv, &d32) == MN_SECOC_OK && fv == 7 * 65536,
        "the meter verifies the sync request (fv %lld)", (long long)fv);
  /* the sync response (JavaScript's part, AggregatorNode.onSyncResponse): receivers to the meter's epoch */
  mn_secoc_node_set_rx(aggSt, 0, 3 * 65536 - 1);
  mn_ag_set_synced(&l, A, 1);
  CHECK(mn_ag_is_synced(&l, A), "synced");
  mn_ag_synced(S, &mn_ag_link_target, &l, A, 10);
  CHECK(wire.n == 4 && wire.remote[1] && wire.id[1] == ((FN_ALARM << 6) | A) && wire.id[2] == ((FN_POWER << 6) | A) &&
            wire.id[3] == ((FN_VF << 6) | A),
        "then three remote frames by priority (%u frames)", wire.n);

  /* answers: stored and decoded, not handed on */
  uint8_t p[8], vf[4] = {0x09, 0x09, 0x88, 0x13}; /* 2313 -> 231.3 V, 5000 -> 50.00 Hz */
  uint8_t pw[4] = {0x18, 0xfc, 0xff, 0xff};      /* -1000 W */
  uint8_t al[4] = {0, 0, 0, 0};
  mn_ag_frame_t fr;
  meter_answer(A, FN_VF, vf, p);
  CHECK(mn_ag_receive(&l, (FN_VF << 6) | A, 0, 8, p, 12, &fr) == MN_AG_ACT_DONE, "VF taken");
  uint8_t replay[8];
  memcpy(replay, p, 8);
  meter_answer(A, FN_POWER, pw, p);
  CHECK(mn_ag_receive(&l, (FN_POWER << 6) | A, 0, 8, p, 13, &fr) == MN_AG_ACT_DONE, "POWER taken");
  meter_answer(A, FN_ALARM, al, p);
  CHECK(mn_ag_receive(&l, (FN_ALARM << 6) | A, 0, 8, p, 14, &fr) == MN_AG_ACT_DONE, "ALARM taken");
  uint32_t c[MN_AGC_COUNT];
  mn_ag_counters(&l, c);
  CHECK(c[MN_AGC_STORED] == 3 && c[MN_AGC_ANSWERED] == 3 && c[MN_AGC_IN_FLIGHT] == 0 && c[MN_AGC_SENT] == 3, "stored %u answered %u",
        c[MN_AGC_STORED], c[MN_AGC_ANSWERED]);

  /* a replay is stale, a flipped MAC bit is a bad MAC; neither is stored */
  CHECK(mn_ag_receive(&l, (FN_VF << 6) | A, 0, 8, replay, 15, &fr) == MN_AG_ACT_DONE, "replay taken");
  meter_answer(A, FN_VF, vf, p);
  p[7] ^= 1;
  CHECK(mn_ag_receive(&l, (FN_VF << 6) | A, 0, 8, p, 16, &fr) == MN_AG_ACT_DONE, "forgery taken");
  mn_ag_counters(&l, c);
  CHECK(c[MN_AGC_STALE] == 1 && c[MN_AGC_BAD_MAC] == 1 && c[MN_AGC_STORED] == 3, "stale %u bad %u", c[MN_AGC_STALE], c[MN_AGC_BAD_MAC]);
  CHECK(mn_ag_bad_macs(&l, A) == 1, "bad MAC streak");

  /* a verified message nobody polls goes to the application, decoded; a remote frame is plain */
  uint8_t u4[4] = {42, 0, 0, 0};
  meter_answer(A, FN_UNPOLLED, u4, p);
  CHECK(mn_ag_receive(&l, (FN_UNPOLLED << 6) | A, 0, 8, p, 17, &fr) == MN_AG_ACT_SECURED && fr.verdict == 0 && fr.v[0] == 42 &&
            fr.fv >= 3 * 65536,
        "unpolled message handed on (v0 %g)", fr.v[0]);
  CHECK(mn_ag_receive(&l, (FN_VF << 6) | A, 2, 8, p, 18, &fr) == MN_AG_ACT_PLAIN, "remote frame plain");
  CHECK(mn_ag_receive(&l, (FN_VF << 6) | 9, 0, 8, p, 18, &fr) == MN_AG_ACT_PLAIN, "unconfigured meter plain");
  /* an extended identifier (none is ours): counted and dropped, not handed on as plain */
  mn_ag_counters(&l, c);
  uint32_t plainBefore = c[MN_AGC_PLAIN];
  CHECK(mn_ag_receive(&l, 0x1ABCDE00u | A, 1, 8, p, 18, &fr) == MN_AG_ACT_DONE, "extended frame taken");
  CHECK(mn_ag_receive(&l, 0x00000001u, 3, 0, p, 18, &fr) == MN_AG_ACT_DONE, "extended remote frame taken");
  mn_ag_counters(&l, c);
  CHECK(c[MN_AGC_EXTENDED] == 2 && c[MN_AGC_PLAIN] == plainBefore, "extended %u, plain %u -> %u", c[MN_AGC_EXTENDED], plainBefore, c[MN_AGC_PLAIN]);

  /* rows: the meter with fresh power; values decoded */
  static const uint8_t fns[3] = {FN_POWER, FN_VF, FN_ALARM};
  double rows[2 * (5 + 9)];
  unsigned n = mn_ag_rows(&l, fns, 3, 1u << FN_POWER, 1u << FN_ALARM, rows, 2 * 14);
  CHECK(n == 1 && rows[0] == A && rows[1] == ((1u << FN_POWER) | (1u << FN_ALARM)), "one row, power and alarm (%u, %g)", n, rows[1]);
  CHECK(rows[2] == 4 && rows[3] == 0 && rows[4] == 1, "4 answers in time (3 polls and the sync), no miss: %g %g", rows[2], rows[3]);
  CHECK(rows[5] == -1000 && isnan(rows[6]), "P %g", rows[5]);
  CHECK(fabs(rows[8] - 231.3) < 1e-9 && fabs(rows[9] - 50.0) < 1e-9, "U %g f %g", rows[8], rows[9]);
  CHECK(rows[11] == 0, "alarm code %g", rows[11]);
  CHECK(mn_ag_rows(&l, fns, 3, 1u << FN_POWER, 1u << FN_ALARM, rows, 28) == 0, "nothing new: no row");
  /* the latest values read when asked: decoded, the table unchanged (still no row), NaN for what never answered */
  double lv[3];
  CHECK(mn_ag_latest(&l, A, FN_VF, lv) == 1 && fabs(lv[0] - 231.3) < 1e-9 && fabs(lv[1] - 50.0) < 1e-9 && isnan(lv[2]), "latest U %g f %g", lv[0], lv[1]);
  CHECK(mn_ag_latest(&l, A, FN_POWER, lv) == 1 && lv[0] == -1000, "latest P %g", lv[0]);
  CHECK(mn_ag_rows(&l, fns, 3, 1u << FN_POWER, 1u << FN_ALARM, rows, 28) == 0, "reading the latest values takes no row");
  CHECK(mn_ag_latest(&l, 9, FN_VF, lv) == 0 && isnan(lv[0]) && isnan(lv[1]) && isnan(lv[2]), "unpolled meter: 0, NaN");
  CHECK(mn_ag_latest(&l, 64, FN_VF, lv) == 0 && isnan(lv[0]), "address out of range: 0, NaN");
  /* same alarm again: fresh but not changed -> no row for a changed-only mask */
  mn_ag_tick(S, &mn_ag_link_target, &l, 1010);
  meter_answer(A, FN_ALARM, al, p);
  mn_ag_receive(&l, (FN_ALARM << 6) | A, 0, 8, p, 1011, &fr);
  CHECK(mn_ag_rows(&l, fns, 3, 0, 1u << FN_ALARM, rows, 28) == 0, "an unchanged alarm gives no row");
  al[0] = 7;
  mn_ag_tick(S, &mn_ag_link_target, &l, 2010);
  meter_answer(A, FN_ALARM, al, p);
  mn_ag_receive(&l, (FN_ALARM << 6) | A, 0, 8, p, 2011, &fr);
  CHECK(mn_ag_rows(&l, fns, 3, 0, 1u << FN_ALARM, rows, 28) == 1 && rows[11] == 7, "a changed alarm does (%g)", rows[11]);

  /* misses are reported in a row, and the next answer after them too */
  for (int64_t ms = 2020; ms < 3200; ms += 10) mn_ag_tick(S, &mn_ag_link_target, &l, ms);
  n = mn_ag_rows(&l, fns, 3, 0, 0, rows, 28);
  CHECK(n == 1 && rows[3] >= 1 && rows[4] == 0, "a row with misses, the last outcome a miss (%u, %g)", n, rows[3]);
  CHECK(mn_ag_rows(&l, fns, 3, 0, 0, rows, 28) == 0 || rows[3] >= 1, "no row without news");
  /* the meter comes back (its sync response): a row says so, once */
  mn_ag_set_synced(&l, A, 1);
  n = mn_ag_rows(&l, fns, 3, 0, 0, rows, 28);
  CHECK(n == 1 && rows[2] >= 1 && rows[3] == 0 && rows[4] == 1, "a row for the recovery (%u: ok %g miss %g last %g)", n, rows[2], rows[3], rows[4]);
  mn_ag_set_synced(&l, A, 1);
  CHECK(mn_ag_rows(&l, fns, 3, 0, 0, rows, 28) == 0, "answers without misses before them give no row");
  uint32_t m[MN_AG_METER_COUNT];
  mn_ag_meter(&l, A, m);
  CHECK(m[2] >= 1 && m[3] == 5, "per meter: missed %u readings %u", m[2], m[3]);
  report("answer path: verified answers stored and decoded in C, rejections counted, the rest handed on, rows for JavaScript", ok);
}

/* A link over aggSt on an empty wire, with one entry: VF of meter address, every second. */
static mn_ag_link_t link_vf(wire_t *wire, unsigned address) {
  memset(wire, 0, sizeof *wire);
  mn_ag_options_t o = {8, 3, 3, 2, 200, 0};
  mn_ag_init(S, mn_ag_bytes(8, 3), &o, 0);
  mn_ag_link_t l = {S, aggSt, w_send, wire, 0, 0};
  mn_ag_add(S, address, FN_VF, 1000, 20, 50, 2, 0);
  return l;
}

static void epoch_needed(void) {
  int ok = 1;
  uint8_t aplan[64], mplan[64], codec[MN_SECOC_CODEC_BYTES], key[16] = {1};
  plans(aplan, mplan, codec);
  size_t ab = mn_secoc_node_bytes(1, 4, 1);
  mn_secoc_node_init(aggSt, ab, 1, 4, 1, aplan);
  mn_secoc_node_key(aggSt, 0, 5, key, 0);
  wire_t wire;
  mn_ag_link_t l = link_vf(&wire, 5);
  mn_ag_tick(S, &mn_ag_link_target, &l, 0); /* no epoch: nothing can be signed */
  uint32_t c[MN_AGC_COUNT];
  mn_ag_counters(&l, c);
  CHECK(wire.n == 0 && c[MN_AGC_SYNC_ENOFV] == 1 && c[MN_AGC_SYNC_REQUESTS] == 0, "sent %u enofv %u", wire.n, c[MN_AGC_SYNC_ENOFV]);
  mn_secoc_node_set_epoch(aggSt, 1);
  mn_ag_tick(S, &mn_ag_link_target, &l, 10);
  mn_ag_tick(S, &mn_ag_link_target, &l, 60);
  mn_ag_counters(&l, c);
  CHECK(wire.n == 1 && c[MN_AGC_SYNC_REQUESTS] == 1, "signed once the epoch is set: %u", wire.n);
  report("no transmit epoch: the sync request waits and is counted for JavaScript to renew", ok);
}

/* The rare path in C (aglinkCommands.c): sync responses with the meter's epoch, relay
 * commands with acknowledgement and retry; replayed and forged acks and sync responses
 * change nothing. */
#define FN_COMMAND 1
#define FN_ACK 2
static unsigned last_of(const wire_t *w, uint32_t id) {
  for (unsigned k = w->n; k-- > 0;) if (w->id[k] == id) return k;
  return 999;
}
static unsigned count_id(const wire_t *w, uint32_t id) {
  unsigned n = 0;
  for (unsigned k = 0; k < w->n && k < 64; k++) n += w->id[k] == id;
  return n;
}
static void rare_path(void) {
  int ok = 1;
  const unsigned A = 9;
  uint8_t aplan[64] = {0}, mplan[64] = {0}, key[16], p[8], ackp[8], syncp[8];
  for (int i = 0; i < 16; i++) key[i] = (uint8_t)(i * 7 + 1);
  aplan[FN_SYNC_RESP] = 0x30; aplan[FN_ACK] = 0x10; aplan[32 + FN_SYNC_REQ] = 0x20; aplan[32 + FN_COMMAND] = 0x10;
  mplan[FN_SYNC_REQ] = 0x20; mplan[FN_COMMAND] = 0x10; mplan[32 + FN_SYNC_RESP] = 0x30; mplan[32 + FN_ACK] = 0x10;
  size_t ab = mn_secoc_node_bytes(1, 1, 1);
  mn_secoc_node_init(aggSt, ab, 1, 1, 1, aplan);
  mn_secoc_node_init(metSt, ab, 1, 1, 1, mplan);
  mn_secoc_node_key(aggSt, 0, A, key, 0);
  mn_secoc_node_key(metSt, 0, A, key, 0);
  mn_secoc_node_set_epoch(aggSt, 7);
  mn_secoc_node_set_epoch(metSt, 3);
  wire_t wire;
  mn_ag_link_t l = link_vf(&wire, A);
  CHECK(mn_ag_command(&l, A, 1, 0, 0, 0) == -1, "no command before the meter is synchronised");
  mn_ag_tick(S, &mn_ag_link_target, &l, 0);
  CHECK(wire.n == 1 && wire.id[0] == ((FN_SYNC_REQ << 6) | A), "a sync request");
  int64_t ch = 0, fv = 0;
  uint32_t d32;
  CHECK(mn_secoc_node_verify(metSt, wire.id[0], 0, 8, wire.data[0], &ch, &d32) == MN_SECOC_OK, "the meter accepts it");
  uint8_t e3[4] = {3, 0, 0, 0}, e4[4] = {4, 0, 0, 0};
  mn_secoc_node_sign(metSt, (FN_SYNC_RESP << 6) | A, e3, ch, syncp);
  mn_ag_frame_t fr;
  uint32_t r[MN_AGR_COUNT];
  /* a forged sync response (one MAC bit) is refused by the SecOC layer; the true one synchronises */
  memcpy(p, syncp, 8);
  p[7] ^= 0x10;
  CHECK(mn_ag_receive(&l, (FN_SYNC_RESP << 6) | A, 0, 8, p, 5, &fr) == MN_AG_ACT_DONE && fr.verdict != MN_SECOC_OK && !mn_ag_is_synced(&l, A),
        "forged sync response refused (verdict %d)", fr.verdict);
  CHECK(mn_ag_receive(&l, (FN_SYNC_RESP << 6) | A, 0, 8, syncp, 6, &fr) == MN_AG_ACT_DONE && fr.verdict == MN_SECOC_OK, "sync response taken in C");
  mn_ag_rare_counters(&l, r);
  CHECK(mn_ag_is_synced(&l, A) && r[MN_AGR_SYNCED] == 1 && mn_secoc_node_rx(aggSt, 0, 0) == 3 * 65536 - 1, "synchronised at the meter's epoch 3");
  CHECK(last_of(&wire, (FN_VF << 6) | A) == 1 && wire.remote[1], "and polled at once");
  /* a replay of that sync response is refused (the challenge is gone) */
  CHECK(mn_ag_receive(&l, (FN_SYNC_RESP << 6) | A, 0, 8, syncp, 7, &fr) == MN_AG_ACT_DONE && fr.verdict != MN_SECOC_OK, "replayed sync response refused");
  mn_ag_rare_counters(&l, r);
  CHECK(r[MN_AGR_SYNCED] == 1, "still one sync");

  /* a command: signed, the meter accepts it once */
  CHECK(mn_ag_command(&l, A, 1, 0, 0x1234, 10) == 0, "queued");
  CHECK(mn_ag_command(&l, A, 2, 0, 0, 10) == MN_AG_EBUSY && mn_ag_cmd_pending(&l, A), "one command per meter at a time");
  unsigned k = last_of(&wire, (FN_COMMAND << 6) | A);
  CHECK(k < 64 && !wire.remote[k], "COMMAND sent");
  CHECK(mn_secoc_node_verify(metSt, wire.id[k], 0, 8, wire.data[k], &fv, &d32) == MN_SECOC_OK && d32 == (1u | 0x1234u << 16), "meter verifies it: data %08x", d32);
  int64_t fv1 = fv;
  CHECK(mn_secoc_node_verify(metSt, wire.id[k], 0, 8, wire.data[k], &fv, &d32) == MN_SECOC_STALE, "and refuses its replay");
  fv = fv1;
  /* an authenticated ack naming another FV, or another code, answers nothing */
  uint8_t a4[4] = {1, 0, (uint8_t)(fv + 1), (uint8_t)((fv + 1) >> 8)};
  mn_secoc_node_sign(metSt, (FN_ACK << 6) | A, a4, -1, p);
  mn_ag_receive(&l, (FN_ACK << 6) | A, 0, 8, p, 11, &fr);
  uint8_t b4[4] = {2, 0, (uint8_t)fv, (uint8_t)(fv >> 8)};
  mn_secoc_node_sign(metSt, (FN_ACK << 6) | A, b4, -1, p);
  mn_ag_receive(&l, (FN_ACK << 6) | A, 0, 8, p, 11, &fr);
  mn_ag_rare_counters(&l, r);
  CHECK(r[MN_AGR_UNMATCHED] == 2 && r[MN_AGR_CMD_DONE] == 0 && mn_ag_cmd_pending(&l, A), "wrong FV or code: unmatched (%u)", r[MN_AGR_UNMATCHED]);
  /* a forged ack (right content, wrong MAC) is refused before it is read */
  uint8_t g4[4] = {1, 0, (uint8_t)fv, (uint8_t)(fv >> 8)};
  mn_secoc_node_sign(metSt, (FN_ACK << 6) | A, g4, -1, ackp);
  memcpy(p, ackp, 8);
  p[6] ^= 1;
  CHECK(mn_ag_receive(&l, (FN_ACK << 6) | A, 0, 8, p, 12, &fr) == MN_AG_ACT_DONE && fr.verdict == MN_SECOC_BAD_MAC, "forged ack: bad MAC");
  mn_ag_rare_counters(&l, r);
  CHECK(r[MN_AGR_CMD_DONE] == 0 && mn_ag_cmd_pending(&l, A), "forged ack completes nothing");
  CHECK(mn_ag_receive(&l, (FN_ACK << 6) | A, 0, 8, ackp, 13, &fr) == MN_AG_ACT_DONE && fr.verdict == MN_SECOC_OK, "true ack");
  mn_ag_rare_counters(&l, r);
  CHECK(r[MN_AGR_CMD_DONE] == 1 && !mn_ag_cmd_pending(&l, A), "command done (done %u failed %u unmatched %u, fv %lld)", r[MN_AGR_CMD_DONE], r[MN_AGR_CMD_FAILED], r[MN_AGR_UNMATCHED], (long long)fv);
  CHECK(mn_ag_receive(&l, (FN_ACK << 6) | A, 0, 8, ackp, 14, &fr) == MN_AG_ACT_DONE && fr.verdict == MN_SECOC_STALE, "replayed ack: stale");
  mn_ag_rare_counters(&l, r);
  CHECK(r[MN_AGR_CMD_DONE] == 1 && r[MN_AGR_CMD_QUEUED] == 1, "replayed ack completes nothing");

  /* retries: each transmission under a new FV; an ack of the second one completes it */
  mn_ag_cmd_options(S, 100, 2);
  unsigned before = count_id(&wire, (FN_COMMAND << 6) | A);
  CHECK(mn_ag_command(&l, A, 2, 0, 0, 100) == 0, "second command");
  mn_ag_cmd_tick(&l, 150);
  CHECK(count_id(&wire, (FN_COMMAND << 6) | A) == before + 1, "no retry before the timeout");
  mn_ag_cmd_tick(&l, 200);
  CHECK(count_id(&wire, (FN_COMMAND << 6) | A) == before + 2, "a retry after it");
  k = last_of(&wire, (FN_COMMAND << 6) | A);
  CHECK(mn_secoc_node_verify(metSt, wire.id[k], 0, 8, wire.data[k], &fv, &d32) == MN_SECOC_OK, "the retry is fresh for the meter");
  uint8_t c4[4] = {2, 0, (uint8_t)fv, (uint8_t)(fv >> 8)};
  mn_secoc_node_sign(metSt, (FN_ACK << 6) | A, c4, -1, p);
  mn_ag_receive(&l, (FN_ACK << 6) | A, 0, 8, p, 210, &fr);
  mn_ag_rare_counters(&l, r);
  CHECK(r[MN_AGR_CMD_DONE] == 2 && !mn_ag_cmd_pending(&l, A), "the retry's ack completes it");

  /* no ack at all: 3 transmissions, then a timeout and a resynchronisation */
  before = count_id(&wire, (FN_COMMAND << 6) | A);
  mn_ag_command(&l, A, 1, 0, 0, 300);
  for (int64_t t = 300; t <= 700; t += 10) mn_ag_cmd_tick(&l, t);
  mn_ag_rare_counters(&l, r);
  CHECK(count_id(&wire, (FN_COMMAND << 6) | A) == before + 3 && r[MN_AGR_CMD_TIMEOUT] == 1 && r[MN_AGR_CMD_FAILED] == 1 && !mn_ag_is_synced(&l, A),
        "timed out after 3 transmissions (%u), meter unsynchronised", count_id(&wire, (FN_COMMAND << 6) | A) - before);
  /* the resync: a response with the old epoch is refused, a higher one accepted */
  wire.n = 0;
  for (int64_t t = 700; t <= 1000 && !wire.n; t += 10) mn_ag_tick(S, &mn_ag_link_target, &l, t);
  CHECK(wire.n >= 1 && wire.id[0] == ((FN_SYNC_REQ << 6) | A), "a sync request");
  CHECK(mn_secoc_node_verify(metSt, wire.id[0], 0, 8, wire.data[0], &ch, &d32) == MN_SECOC_OK, "accepted by the meter");
  mn_secoc_node_sign(metSt, (FN_SYNC_RESP << 6) | A, e3, ch, p);
  mn_ag_receive(&l, (FN_SYNC_RESP << 6) | A, 0, 8, p, 1001, &fr);
  mn_ag_rare_counters(&l, r);
  CHECK(r[MN_AGR_OLD_EPOCH] == 1 && !mn_ag_is_synced(&l, A), "an epoch not above the last: refused");
  mn_secoc_node_sign(metSt, (FN_SYNC_RESP << 6) | A, e4, ch, p);
  mn_ag_receive(&l, (FN_SYNC_RESP << 6) | A, 0, 8, p, 1002, &fr);
  mn_ag_rare_counters(&l, r);
  CHECK(r[MN_AGR_SYNCED] == 2 && mn_ag_is_synced(&l, A) && mn_secoc_node_rx(aggSt, 0, 0) == 4 * 65536 - 1, "epoch 4 accepted");

  /* the epoch used up: the command is counted for JavaScript to renew, and the retry signs */
  mn_secoc_node_set_epoch(aggSt, -1);
  CHECK(mn_ag_command(&l, A, 1, 0, 0, 2000) == -1, "no epoch: not synchronised, refused");
  mn_secoc_node_set_epoch(aggSt, 9);
  CHECK(mn_ag_command(&l, A, 1, 0, 0, 2000) == 0, "queued again");
  CHECK(mn_ag_command(&l, 63, 1, 0, 0, 2000) == -1 && mn_ag_command(&l, 64, 1, 0, 0, 2000) == MN_AG_EINVAL && mn_ag_cmd_options(S, 0, 1) == MN_AG_EINVAL &&
            mn_ag_cmd_options(S, 100, 4) == MN_AG_EINVAL,
        "arguments");
  report("rare path in C: sync responses (epoch above the last), commands with ack and retry; forged or replayed acks and sync responses change nothing", ok);
}

int main(void) {
  periods();
  priority();
  retries_misses_sync();
  busy();
  missed_while_silent();
  refused_apart();
  unsynced_backoff();
  backoff_hour();
  reachable_restarts_backoff();
  sixty_days();
  arguments();
  answer_path();
  epoch_needed();
  rare_path();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
