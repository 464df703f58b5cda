/* Retuning and regridding; see mtRetune.h. */
#include "mtRetune.h"

#include <math.h>

/* Math.round of the TypeScript it replaced (half up). */
static double round_half_up(double x) { return floor(x + 0.5); }

void mt_retune_init(mt_retune_t *t, double startRateHz, double nominalHz) {
  t->ticks = round_half_up(MT_TICK_HZ / startRateHz);
  t->next = 0;
  t->endTicks = 0;
  t->endSample = 0;
  t->perCycle = round_half_up(startRateHz / nominalHz);
  t->lo = 0.85 * nominalHz;
  t->hi = 1.15 * nominalHz;
}

double mt_retune_want(const mt_retune_t *t, double fHz, uint16_t kernelFlags, int flagged) {
  if (t->next || flagged || (kernelFlags & MT_UNRELIABLE) || !(fHz > 0)) return 0;
  double rateHz = t->perCycle * (fHz < t->lo ? t->lo : fHz > t->hi ? t->hi : fHz);
  double d = MT_TICK_HZ / rateHz - t->ticks;
  if (d < 1 && d > -1) return 0;
  return rateHz;
}

void mt_retune_answer(mt_retune_t *t, double gotHz) {
  if (gotHz > 0 && round_half_up(MT_TICK_HZ / gotHz) != t->ticks) t->next = round_half_up(MT_TICK_HZ / gotHz);
}

static double at(double x, double m, double t1, double t2, double mean) { return (x <= m ? x * t1 : m * t1 + (x - m) * t2) / mean; }

void mt_retune_regrid(mt_retune_t *t, mt_positions_t *p, uint32_t sampleCount, unsigned crossings, unsigned urmsCount, const mt_rate_step_t *step) {
  const double n = sampleCount;
  const double mean = MT_TICK_HZ / p->sampleRateHz;
  double t1 = t->ticks, t2 = t1, m = n; /* intervals at t1, the rest at t2 */
  if (step) {
    /* as the sampler made them: nothing rebuilt from the mean */
    t1 = step->ticksBefore;
    t2 = step->ticksAfter;
    m = step->stepPair < sampleCount ? step->stepPair : n;
    t->ticks = t2;
    if (t->next == t2) t->next = 0; /* the rate asked for took effect */
  }
  /* pairs since the previous window (dropped windows; a restarted kernel counts from 0) */
  const double gap = p->startSample - t->endSample;
  const double startTicks = t->endTicks + (gap > 0 ? gap : gap < 0 ? p->startSample : 0) * t1;
  for (unsigned k = 0; k < crossings; k++) p->crossing[k] = at(p->crossing[k], m, t1, t2, mean);
  for (unsigned k = 0; k < urmsCount; k++) p->urmsEnd[k] = at(p->urmsEnd[k], m, t1, t2, mean);
  t->endSample = p->startSample + n;
  t->endTicks = startTicks + m * t1 + (n - m) * t2;
  p->startSample = startTicks / mean;
}
