/*
 * The answer path and the latest-value table (aglinkAnswers.h); the decisions of
 * modules/can/aggregatorNode.ts handleSecured for a polled answer, in C.
 */
#include "aglinkAnswers.h"

#include <math.h>

#include "aglinkCommands.h"
#include "aglinkState.h"
#include "../secoc/secocNode.h"

#define FN_SYNC_REQUEST 3u

static int link_ok(const mn_ag_link_t *l) { return l && l->ag && l->secoc && l->ag[H_MAGIC] == AG_MAGIC; }

static int target_poll(void *ctx, unsigned address, unsigned fn) {
  mn_ag_link_t *l = (mn_ag_link_t *)ctx;
  static const uint8_t none[8] = {0};
  return l->send(l->sendCtx, (fn << 6) | address, 1, MN_SECOC_PAYLOAD_BYTES, none);
}

static int target_is_synced(void *ctx, unsigned address) {
  mn_ag_link_t *l = (mn_ag_link_t *)ctx;
  return address < MN_AG_MAX_ADDRESS && l->ag[A_SYNCED + address] == 1 && mn_secoc_node_epoch(l->secoc) >= 0;
}

/* As AggregatorNode.requestSync, with the link's bookkeeping (AggregatorLink): a sync
 * request left unanswered counts as a missed poll. */
static int target_request_sync(void *ctx, unsigned address) {
  mn_ag_link_t *l = (mn_ag_link_t *)ctx;
  uint8_t *ag = l->ag;
  if (address >= MN_AG_MAX_ADDRESS) return -1;
  ag[A_SYNCED + address] = 0; /* until the answer */
  static const uint8_t zero4[4] = {0};
  uint8_t p[8];
  uint32_t id = (FN_SYNC_REQUEST << 6) | address;
  int64_t fv = mn_secoc_node_sign(l->secoc, id, zero4, -1, p);
  if (fv == MN_SECOC_ENOFV) { ag_inc(ag + H_COUNTERS + 4 * (MN_AGC_SYNC_ENOFV - MN_AGC_STORED)); return -1; }
  if (fv < 0) return -1;
  int r = l->send(l->sendCtx, id, 0, 8, p);
  /* the previous request went unanswered: one miss per request that left (a refused send
   * is tried again at the next pump and must not count again) */
  if (r == 0) {
    if (ag[A_REACH + address] & AG_R_SYNC_PENDING) {
      ag_sat(ag + A_NEW_MISS + address);
      ag[A_REACH + address] &= (uint8_t)~AG_R_LAST_OK;
    }
    ag[A_REACH + address] |= AG_R_SYNC_PENDING;
  }
  return r;
}

const mn_ag_target_t mn_ag_link_target = {target_poll, target_is_synced, target_request_sync, 0};

static uint8_t *counter(uint8_t *ag, unsigned c) { return ag + H_COUNTERS + 4 * (c - MN_AGC_STORED); }

/* The schedule counts into the same slots (aglinkState.h H_REFUSED ..). */
_Static_assert(H_COUNTERS + 4 * (MN_AGC_REFUSED - MN_AGC_STORED) == H_REFUSED, "H_REFUSED");
_Static_assert(H_COUNTERS + 4 * (MN_AGC_SKIPPED - MN_AGC_STORED) == H_SKIPPED, "H_SKIPPED");
_Static_assert(H_COUNTERS + 4 * (MN_AGC_EXTENDED - MN_AGC_STORED) == H_EXTENDED, "H_EXTENDED");
_Static_assert(H_EXTENDED + 4 <= H_LAST_NOW, "counters before H_LAST_NOW");

#define FLAG_EXTENDED 1u /* mn_can_frame_t flags bit 0 */

int mn_ag_receive(mn_ag_link_t *l, uint32_t id, uint8_t flags, uint8_t dlc, const uint8_t payload[8], int64_t nowMs, mn_ag_frame_t *out) {
  if (!link_ok(l)) return MN_AG_ACT_PLAIN;
  uint8_t *ag = l->ag;
  /* No identifier of ours is extended: the aggregator's filters let them in only to be
   * counted here (a flood of them used to pass uncounted), and nobody else sees them. */
  if (flags & FLAG_EXTENDED) { ag_inc(counter(ag, MN_AGC_EXTENDED)); return MN_AG_ACT_DONE; }
  int64_t fv = -1;
  uint32_t data32 = 0;
  int v = mn_secoc_node_verify(l->secoc, id, flags, dlc, payload, &fv, &data32);
  if (v < 0) { ag_inc(counter(ag, MN_AGC_PLAIN)); return MN_AG_ACT_PLAIN; }
  if (l->verdictHook) v = l->verdictHook(l->hookCtx, v);
  if (out) {
    out->verdict = v;
    out->fv = fv;
    out->data32 = data32;
    out->v[0] = out->v[1] = out->v[2] = out->v[3] = 0;
  }
  unsigned address = id & 63u, fn = id >> 6;
  if (v != MN_SECOC_OK) {
    unsigned c = v == MN_SECOC_BAD_MAC ? MN_AGC_BAD_MAC : v == MN_SECOC_STALE ? MN_AGC_STALE : v == MN_SECOC_UNSYNCED ? MN_AGC_UNSYNCED : MN_AGC_INTERNAL;
    ag_inc(counter(ag, c));
    /* a sync response's MAC is not a sign of a lost synchronisation (it answers a challenge) */
    int i = mn_ag_find(ag, address, fn);
    if (v == MN_SECOC_BAD_MAC && i >= 0) ag_sat(ag + A_BAD_MACS + address);
    return MN_AG_ACT_DONE;
  }
  int i = mn_ag_find(ag, address, fn);
  if (i < 0) {
    /* not a polled answer: a sync response or an acknowledgement is the rare path's (aglinkCommands.c) */
    if (mn_ag_rare(l, id, data32, nowMs)) return MN_AG_ACT_DONE;
    ag_inc(counter(ag, MN_AGC_TO_JS));
    if (out) {
      uint8_t d[4] = {payload[0], payload[1], payload[2], payload[3]};
      mn_secoc_node_decode(l->secoc, fn, d, out->v);
    }
    return MN_AG_ACT_SECURED;
  }
  ag_view_t w;
  ag_view(&w, ag);
  if (!(w.flags[i] & AG_F_GOOD) || ag_gu32(w.data + 4 * i) != data32) w.flags[i] |= AG_F_CHANGED;
  ag_su32(w.data + 4 * i, data32);
  ag_inc(counter(ag, MN_AGC_STORED));
  ag_inc(ag + A_METER_COUNTS + 16 * address + 12);
  ag[A_BAD_MACS + address] = 0;
  mn_ag_answer(ag, &mn_ag_link_target, l, address, fn, nowMs);
  return MN_AG_ACT_DONE;
}

void mn_ag_set_synced(mn_ag_link_t *l, unsigned address, int synced) {
  if (!link_ok(l) || address >= MN_AG_MAX_ADDRESS) return;
  l->ag[A_SYNCED + address] = synced ? 1 : 0;
  if (synced) {
    l->ag[A_REACH + address] &= (uint8_t)~AG_R_SYNC_PENDING;
    l->ag[A_BAD_MACS + address] = 0;
    ag_sat(l->ag + A_NEW_OK + address); /* AggregatorLink reports a sync as an answered poll */
    l->ag[A_REACH + address] |= AG_R_LAST_OK;
  }
}

int mn_ag_is_synced(const mn_ag_link_t *l, unsigned address) {
  return link_ok(l) && target_is_synced((void *)l, address);
}

unsigned mn_ag_bad_macs(const mn_ag_link_t *l, unsigned address) {
  return link_ok(l) && address < MN_AG_MAX_ADDRESS ? l->ag[A_BAD_MACS + address] : 0;
}

void mn_ag_counters(const mn_ag_link_t *l, uint32_t out[MN_AGC_COUNT]) {
  memset(out, 0, 4 * MN_AGC_COUNT);
  if (!link_ok(l)) return;
  mn_ag_totals_t t;
  mn_ag_totals(l->ag, &t);
  out[MN_AGC_SENT] = t.sent;
  out[MN_AGC_ANSWERED] = t.answered;
  out[MN_AGC_RETRIED] = t.retried;
  out[MN_AGC_MISSED] = t.missed;
  out[MN_AGC_SYNC_REQUESTS] = t.syncRequests;
  for (unsigned c = MN_AGC_STORED; c <= MN_AGC_SYNC_ENOFV; c++) out[c] = ag_gu32(counter(l->ag, c));
  out[MN_AGC_IN_FLIGHT] = mn_ag_in_flight(l->ag);
  out[MN_AGC_REFUSED] = t.refused;
  out[MN_AGC_SKIPPED] = t.skipped;
  out[MN_AGC_EXTENDED] = ag_gu32(counter(l->ag, MN_AGC_EXTENDED));
}

void mn_ag_meter(const mn_ag_link_t *l, unsigned address, uint32_t out[MN_AG_METER_COUNT]) {
  memset(out, 0, 4 * MN_AG_METER_COUNT);
  if (!link_ok(l) || address >= MN_AG_MAX_ADDRESS) return;
  mn_ag_meter_polls_t p;
  mn_ag_meter_polls(l->ag, address, &p);
  out[0] = p.polls;
  out[1] = p.answered;
  out[2] = p.missed;
  out[3] = ag_gu32(l->ag + A_METER_COUNTS + 16 * address + 12);
  out[4] = (uint32_t)mn_ag_is_synced(l, address);
  out[5] = p.refused;
}

/* Signals of entry i's latest answer, physical, into v[0..2] (NaN where none). */
static void latest_of(const mn_ag_link_t *l, const ag_view_t *w, int i, unsigned fn, double v[3]) {
  v[0] = v[1] = v[2] = NAN;
  if (i < 0 || !(w->flags[i] & AG_F_GOOD)) return;
  uint32_t d = ag_gu32(w->data + 4 * i);
  uint8_t b[4] = {(uint8_t)d, (uint8_t)(d >> 8), (uint8_t)(d >> 16), (uint8_t)(d >> 24)};
  double x[4];
  unsigned n = mn_secoc_node_decode(l->secoc, fn, b, x);
  for (unsigned j = 0; j < n && j < 3; j++) v[j] = x[j];
}

int mn_ag_latest(const mn_ag_link_t *l, unsigned address, unsigned fn, double out[3]) {
  out[0] = out[1] = out[2] = NAN;
  if (!link_ok(l) || address >= MN_AG_MAX_ADDRESS) return 0;
  ag_view_t w;
  ag_view(&w, l->ag);
  int i = mn_ag_find(l->ag, address, fn);
  latest_of(l, &w, i, fn, out);
  return i >= 0 && (w.flags[i] & AG_F_GOOD) ? 1 : 0;
}

unsigned mn_ag_rows(mn_ag_link_t *l, const uint8_t *fns, unsigned nFns, uint32_t freshMask, uint32_t changedMask, double *out, unsigned outLen) {
  if (!link_ok(l) || nFns > 32) return 0;
  uint8_t *ag = l->ag;
  ag_view_t w;
  ag_view(&w, ag);
  unsigned rowLen = MN_AG_ROW_HEAD + 3 * nFns, rows = 0;
  for (unsigned a = 0; a < MN_AG_MAX_ADDRESS; a++) {
    unsigned first = ag_g16(ag + A_FIRST + 2 * a);
    if (first == AG_NONE) continue;
    uint32_t trig = 0;
    for (unsigned i = first; i != AG_NONE; i = ag_g16(w.next + 2 * i)) {
      uint32_t bit = 1u << w.fn[i];
      if (((w.flags[i] & AG_F_FRESH) && (freshMask & bit)) || ((w.flags[i] & AG_F_CHANGED) && (changedMask & bit))) trig |= bit;
    }
    unsigned ok = ag[A_NEW_OK + a], miss = ag[A_NEW_MISS + a];
    int reported = (ag[A_REACH + a] & AG_R_MISS_REPORTED) != 0;
    if (!trig && !miss && !(ok && reported)) { ag[A_NEW_OK + a] = 0; continue; }
    if ((rows + 1) * rowLen > outLen) break;
    double *r = out + rows * rowLen;
    r[0] = a;
    r[1] = trig;
    r[2] = ok;
    r[3] = miss;
    r[4] = (ag[A_REACH + a] & AG_R_LAST_OK) ? 1 : 0;
    for (unsigned k = 0; k < nFns; k++) {
      latest_of(l, &w, mn_ag_find(ag, a, fns[k]), fns[k], r + MN_AG_ROW_HEAD + 3 * k);
    }
    for (unsigned i = first; i != AG_NONE; i = ag_g16(w.next + 2 * i))
      if (trig & (1u << w.fn[i])) w.flags[i] &= (uint8_t)~(AG_F_FRESH | AG_F_CHANGED);
    if (miss) ag[A_REACH + a] |= AG_R_MISS_REPORTED;
    else if (ok) ag[A_REACH + a] &= (uint8_t)~AG_R_MISS_REPORTED;
    ag[A_NEW_OK + a] = 0;
    ag[A_NEW_MISS + a] = 0;
    rows++;
  }
  return rows;
}
