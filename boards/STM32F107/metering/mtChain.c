/* The per-window chain; see mtChain.h. */
#include "mtChain.h"

#include <math.h>
#include <string.h>

int mt_chain_init(mt_chain_t *c, const mt_chain_config_t *cfg) {
  if (!(cfg->declaredV > 0)) return MT_E_DECLARED;
  if (!(cfg->startRateHz > 0)) return MT_E_RATE;
  if (cfg->nominalHz != 50 && cfg->nominalHz != 60) return MT_E_NOMINAL;
  memset(c, 0, sizeof *c);
  c->cfg = *cfg;
  mt_energy_init(&c->energy);
  mt_profile_init(&c->profile);
  mt_events_init(&c->events, cfg->declaredV);
  mt_retune_init(&c->retune, cfg->startRateHz, cfg->nominalHz);
  mt_aggregator_init(&c->shortAgg, MT_AGG_150_CYCLE);
  mt_aggregator_init(&c->longAgg, MT_AGG_10_MIN);
  c->longSlot = -1;
  c->periodS = 0.02;
  return MT_OK;
}

const char *mt_chain_error_text(int code) {
  switch (code) {
    case MT_E_DECLARED: return "declared voltage must be a positive number of volts";
    case MT_E_RATE: return "the start sampling rate must be a positive number of Hz";
    case MT_E_NOMINAL: return "nominal frequency must be 50 or 60 Hz";
    default: return "no error";
  }
}

static double utc_s(const mt_chain_t *c, double chainS) { return c->cfg.utcAtStartS + chainS; }

/* A window's Urms(1/2) values into the event detector; returns the end of the last, s. */
static double half_cycle_values(mt_chain_t *c, const mk_window_t *w, const mt_positions_t *p, double periodS, const mt_sink_t *sink) {
  double endS = 0;
  unsigned n = w->urmsCount <= MK_URMS_MAX ? w->urmsCount : MK_URMS_MAX;
  mt_event_t ev[MT_EVENTS_MAX];
  for (unsigned k = 0; k < n; k++) {
    endS = (p->startSample + p->urmsEnd[k]) / p->sampleRateHz;
    int m = mt_events_push(&c->events, mt_urms_half_v(w, k, &c->cfg.cal), endS, periodS, ev);
    for (int j = 0; j < m && sink->event; j++) sink->event(sink->ctx, &ev[j]);
  }
  return endS;
}

static void emit_aggregate(const mt_aggregator_t *a, int complete, const mt_sink_t *sink) {
  static mt_aggregate_t out; /* 560 bytes: kept off the (small) stack; main loop only */
  if (!sink->aggregate) return;
  mt_aggregator_result(a, complete, &out);
  sink->aggregate(sink->ctx, &out);
}

static void release(mt_chain_t *c, int flagged, const mt_sink_t *sink) {
  const mt_reading_t *r = &c->pending;
  c->hasPending = 0;
  if (sink->window) sink->window(sink->ctx, r, flagged);
  /* A window belongs to the 10-minute interval its start lies in (IEC 61000-4-30 lets
   * the window straddling the tick count in both; counting it once keeps energy-like
   * means exact and differs by at most one window in 3000). */
  double slot = floor(utc_s(c, r->startS) / MT_TEN_MIN_S);
  if (slot != c->longSlot) {
    if (c->longAgg.windows > 0) emit_aggregate(&c->longAgg, c->longComplete, sink);
    mt_aggregator_reset(&c->longAgg);
    /* IEC 61000-4-30: the 150/180-cycle interval is resynchronised on each 10-minute tick */
    mt_aggregator_reset(&c->shortAgg);
    c->longComplete = c->longSlot >= 0;
    c->longSlot = slot;
  }
  mt_aggregator_t *const both[2] = {&c->longAgg, &c->shortAgg};
  mt_aggregators_add(both, 2, r, flagged);
  if (c->shortAgg.windows == MT_SHORT_WINDOWS) {
    emit_aggregate(&c->shortAgg, 1, sink);
    mt_aggregator_reset(&c->shortAgg);
  }
  if (c->longAgg.windows == 1 && c->longComplete) c->longAgg.startS = slot * MT_TEN_MIN_S - c->cfg.utcAtStartS;
}

double mt_chain_process(mt_chain_t *c, const mk_window_t *w, double sampleRateHz, const mt_rate_step_t *step, const mt_sink_t *sink) {
  static mt_reading_t r; /* 480 bytes: kept off the stack; main loop only */
  mt_positions_t p;
  mt_positions_from_window(&p, w, sampleRateHz);
  if (c->cfg.regrid) mt_retune_regrid(&c->retune, &p, w->sampleCount, w->crossingCount, w->urmsCount, step);
  mt_window_reading(&r, w, &p, &c->cfg.cal);
  c->windows++;
  c->dropped += w->droppedBefore;
  const double periodS = r.spanS / w->cycles;
  const double onsetBefore = c->events.onsetBoundS;
  half_cycle_values(c, w, &p, periodS, sink);
  c->periodS = periodS;
  const int touched = mt_events_take_touched(&c->events);
  double wantHz = 0;
  if (c->hasPending) {
    /* an event opened now may have begun up to one cycle earlier, inside the held window */
    const double onset = c->events.onsetBoundS;
    const int early = onset != onsetBefore && onset < c->pending.startS + c->pending.spanS;
    const int flagged = c->pendingFlag || early;
    const double fHz = c->pending.q.fHz;
    const uint16_t flags = c->pending.flags;
    release(c, flagged, sink);
    if (c->cfg.retune) wantHz = mt_retune_want(&c->retune, fHz, flags, flagged);
  }
  c->pending = r;
  c->hasPending = 1;
  c->pendingFlag = (uint8_t)touched;
  mt_energy_add(&c->energy, r.q.pW, r.q.qVar, r.spanS);
  c->lastEndS = r.startS + r.spanS;
  mt_profile_add(&c->profile, r.q.pW, r.spanS, utc_s(c, c->lastEndS));
  return wantHz;
}

void mt_chain_rate_answer(mt_chain_t *c, double gotHz) { mt_retune_answer(&c->retune, gotHz); }

void mt_chain_finish(mt_chain_t *c, const mk_window_t *tail, double sampleRateHz, const mt_rate_step_t *step, const mt_sink_t *sink) {
  mt_event_t ev[MT_EVENTS_MAX];
  int closed;
  if (tail) {
    mt_positions_t p;
    mt_positions_from_window(&p, tail, sampleRateHz);
    if (c->cfg.regrid) mt_retune_regrid(&c->retune, &p, tail->sampleCount, tail->crossingCount, tail->urmsCount, step);
    double endS = half_cycle_values(c, tail, &p, c->periodS, sink);
    if (endS > c->lastEndS) c->lastEndS = endS;
  }
  closed = mt_events_finish(&c->events, c->lastEndS, ev);
  for (int j = 0; j < closed && sink->event; j++) sink->event(sink->ctx, &ev[j]);
  if (c->hasPending) release(c, c->pendingFlag || closed, sink);
  if (c->longAgg.windows > 0) emit_aggregate(&c->longAgg, 0, sink);
  mt_aggregator_reset(&c->longAgg);
  mt_aggregator_reset(&c->shortAgg);
}
