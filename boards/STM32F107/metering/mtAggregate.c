/* Aggregation; see mtAggregate.h. */
#include "mtAggregate.h"

#include <math.h>
#include <string.h>

#include "mtSqrt.h"

void mt_aggregator_init(mt_aggregator_t *a, mt_interval_t interval) {
  a->interval = (uint8_t)interval;
  mt_aggregator_reset(a);
}

void mt_aggregator_reset(mt_aggregator_t *a) {
  uint8_t interval = a->interval;
  memset(a, 0, sizeof *a);
  a->interval = interval;
  a->maxOrder = 50;
}

/* One window into n aggregators: each weighted square is computed once and added to
 * every aggregator (the same value each would compute: the 150-cycle and 10-minute
 * aggregators share this work, half of the chain's multiplications). */
void mt_aggregators_add(mt_aggregator_t *const *aggs, unsigned n, const mt_reading_t *r, int flagged) {
  const double d = r->spanS;
  const mt_quantities_t *q = &r->q;
  const double v2 = d * q->vRmsV * q->vRmsV, i2 = d * q->iRmsA * q->iRmsA, p = d * q->pW, qq = d * q->qVar;
  for (unsigned k = 0; k < n; k++) {
    mt_aggregator_t *a = aggs[k];
    if (a->windows == 0) a->startS = r->startS;
    a->windows++;
    a->spanS += d;
    a->cycles += r->cycles;
    a->v2 += v2;
    a->i2 += i2;
    a->p += p;
    a->q += qq;
    if (r->harmonicMaxOrder < a->maxOrder) a->maxOrder = r->harmonicMaxOrder;
    if (flagged) a->flagged = 1;
  }
  for (unsigned h = 0; h < MK_GROUPS; h++) {
    const double hv = d * q->hV[h] * q->hV[h], hi = d * q->hI[h] * q->hI[h];
    for (unsigned k = 0; k < n; k++) {
      aggs[k]->hV2[h] += hv;
      aggs[k]->hI2[h] += hi;
    }
  }
}

void mt_aggregator_add(mt_aggregator_t *a, const mt_reading_t *r, int flagged) { mt_aggregators_add(&a, 1, r, flagged); }

void mt_aggregator_result(const mt_aggregator_t *a, int complete, mt_aggregate_t *out) {
  const double t = a->spanS;
  mt_quantities_t *q = &out->q;
  for (unsigned h = 0; h < MK_GROUPS; h++) {
    q->hV[h] = (float)mt_sqrt(a->hV2[h] / t);
    q->hI[h] = (float)mt_sqrt(a->hI2[h] / t);
  }
  const double v = mt_sqrt(a->v2 / t), i = mt_sqrt(a->i2 / t), p = a->p / t;
  const double s = v * i;
  const double n2 = s * s - p * p;
  out->interval = a->interval;
  out->startS = a->startS;
  out->spanS = t;
  out->windows = a->windows;
  out->complete = (uint8_t)(complete != 0);
  out->flagged = a->flagged;
  q->fHz = a->cycles / t;
  q->vRmsV = v;
  q->iRmsA = i;
  q->pW = p;
  q->qVar = a->q / t;
  q->sVA = s;
  q->nVA = mt_sqrt(n2 > 0 ? n2 : 0);
  q->pf = s > 0 ? p / s : 0;
  q->thdVPct = mt_thd_pct(q->hV, a->maxOrder);
  q->thdIPct = mt_thd_pct(q->hI, a->maxOrder);
}
