/*
 * Load profile: average active power of each 15-minute interval, clock aligned (00,
 * 15, 30, 45 min UTC, as billing profiles are), over the last 7 days = 672 slots: moved
 * from modules/metering/powerProfile.ts. Slot number s = floor(utcS / 900) lives at
 * ring index s mod 672, so the ring is a pure function of the clock and a gap (meter
 * off) leaves NaN in the skipped slots. Average power = energy in the slot / time
 * measured in it; coverage records the measured fraction (0..255 = 0..100 %).
 * RAM: 672 x (4 + 1) bytes.
 */
#ifndef MT_PROFILE_H
#define MT_PROFILE_H

#include <stdint.h>

#define MT_PROFILE_SLOTS 672
#define MT_PROFILE_SLOT_S 900

typedef struct {
  float avgW[MT_PROFILE_SLOTS];
  uint8_t coverage[MT_PROFILE_SLOTS];
  double slot; /* slot being filled (a whole number), -1 before the first reading */
  double energyWs, coveredS;
} mt_profile_t;

void mt_profile_init(mt_profile_t *p);

/* Adds durationS seconds at pW, ending at utcEndS. */
void mt_profile_add(mt_profile_t *p, double pW, double durationS, double utcEndS);

/* Average power of slot number s (floor(utcS / 900)), NaN when unknown or too old. */
double mt_profile_average_w(const mt_profile_t *p, double s);

#endif
