/* Load profile; see mtProfile.h. */
#include "mtProfile.h"

#include <math.h>

/* s is a whole slot number (floor of a time): s mod MT_PROFILE_SLOTS without libm's fmod
 * (824 bytes of the meter image); exact while s < 2^52 / MT_PROFILE_SLOTS. */
static unsigned ring_index(double s) { return (unsigned)(s - floor(s / MT_PROFILE_SLOTS) * MT_PROFILE_SLOTS); }

static void store(mt_profile_t *p, double s, float w, uint8_t cov) {
  p->avgW[ring_index(s)] = w;
  p->coverage[ring_index(s)] = cov;
}

void mt_profile_init(mt_profile_t *p) {
  for (unsigned k = 0; k < MT_PROFILE_SLOTS; k++) {
    p->avgW[k] = NAN;
    p->coverage[k] = 0;
  }
  p->slot = -1;
  p->energyWs = 0;
  p->coveredS = 0;
}

static void close_slot(mt_profile_t *p) {
  double cov = p->coveredS / MT_PROFILE_SLOT_S;
  store(p, p->slot, p->coveredS > 0 ? (float)(p->energyWs / p->coveredS) : NAN, cov > 1 ? 255 : (uint8_t)floor(cov * 255 + 0.5));
  p->energyWs = 0;
  p->coveredS = 0;
}

void mt_profile_add(mt_profile_t *p, double pW, double durationS, double utcEndS) {
  double s = floor(utcEndS / MT_PROFILE_SLOT_S);
  if (s != p->slot) {
    if (p->slot >= 0) close_slot(p);
    /* slots skipped since the last reading (meter off) have no value */
    double gap = p->slot < 0 ? 0 : s - p->slot - 1;
    for (double k = 1; k <= gap && k <= MT_PROFILE_SLOTS; k++) store(p, p->slot + k, NAN, 0);
    p->slot = s;
  }
  p->energyWs += pW * durationS;
  p->coveredS += durationS;
}

double mt_profile_average_w(const mt_profile_t *p, double s) {
  if (s > p->slot || s <= p->slot - MT_PROFILE_SLOTS) return NAN;
  if (s == p->slot) return p->coveredS > 0 ? p->energyWs / p->coveredS : NAN;
  return p->avgW[ring_index(s)];
}
