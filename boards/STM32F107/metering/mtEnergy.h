/*
 * Import/export energy registers, active (Wh) and fundamental reactive (varh): moved
 * from modules/metering/energyRegisters.ts. Billing-critical: the state is plain
 * values (mt_energy_t) so that a later issue persists and restores it as it is.
 *
 * Why they never lose precision: each register is an integer count of milli-units
 * (mWh, mvarh) plus a fraction in [0, 1) milli-unit. Adding one window's energy (at
 * most about 770 mWh in 0.2 s for 460 V x 30 A) rounds at 2^-53 of ~1000: 1e-13 mWh per
 * window, 2e-5 mWh per year, whatever the register's size. (A plain floating-point
 * total would round every addition at the total's magnitude: about a Wh a year in
 * double after 1e8 Wh.) The count is a uint64; it converts to double exactly below
 * 2^53 mWh = 9.0e12 Wh, 650 000 years of a 13.8 kW meter at full load.
 * Quadrants (IEC 62053-23 convention): active import when P > 0, export when P < 0;
 * reactive import when Q > 0 (current lagging on import), export when Q < 0.
 */
#ifndef MT_ENERGY_H
#define MT_ENERGY_H

#include <stdint.h>

typedef struct {
  uint64_t milli; /* whole milli-units (mWh or mvarh) */
  double frac;    /* fraction of a milli-unit, 0 <= frac < 1 */
} mt_register_t;

typedef enum { MT_IMPORT_WH = 0, MT_EXPORT_WH = 1, MT_IMPORT_VARH = 2, MT_EXPORT_VARH = 3, MT_REGISTERS = 4 } mt_register_id_t;

typedef struct {
  mt_register_t r[MT_REGISTERS]; /* indexed by mt_register_id_t */
} mt_energy_t;

void mt_energy_init(mt_energy_t *e);

/* Accumulates durationS seconds at pW and qVar (1 Wh = 3600 J: mWh = W s / 3.6). */
void mt_energy_add(mt_energy_t *e, double pW, double qVar, double durationS);

/* Register value in units (Wh or varh): (milli + frac) / 1000. */
double mt_register_units(const mt_register_t *r);

/* Restores a register from saved values; returns 0, or -1 (register unchanged) when
 * milli is not a whole number in 0..2^53 or frac is not in [0, 1). */
int mt_register_set(mt_register_t *r, double milli, double frac);

#endif
