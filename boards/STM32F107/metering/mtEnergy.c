/* Energy registers; see mtEnergy.h. */
#include "mtEnergy.h"

#include <math.h>
#include <string.h>

void mt_energy_init(mt_energy_t *e) { memset(e, 0, sizeof *e); }

/* Adds energy given in milli-units (>= 0). */
static void add_milli(mt_register_t *r, double m) {
  double s = r->frac + m;
  double whole = floor(s);
  r->milli += (uint64_t)whole;
  r->frac = s - whole;
}

void mt_energy_add(mt_energy_t *e, double pW, double qVar, double durationS) {
  double p = (pW * durationS) / 3.6;
  double q = (qVar * durationS) / 3.6;
  if (p > 0) add_milli(&e->r[MT_IMPORT_WH], p);
  else if (p < 0) add_milli(&e->r[MT_EXPORT_WH], -p);
  if (q > 0) add_milli(&e->r[MT_IMPORT_VARH], q);
  else if (q < 0) add_milli(&e->r[MT_EXPORT_VARH], -q);
}

double mt_register_units(const mt_register_t *r) { return ((double)r->milli + r->frac) / 1000; }

int mt_register_set(mt_register_t *r, double milli, double frac) {
  if (!(milli >= 0 && milli <= 9007199254740992.0) || floor(milli) != milli || !(frac >= 0 && frac < 1)) return -1;
  r->milli = (uint64_t)milli;
  r->frac = frac;
  return 0;
}
