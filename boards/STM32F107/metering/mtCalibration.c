/* Front-end gain correction; see mtCalibration.h. */
#include "mtCalibration.h"

#include <math.h>

#include "mtSqrt.h"

double mt_front_end_gain_fix(double fHz, double frontEndHz) {
  if (!(frontEndHz > 0)) return 1;
  double u = fHz / frontEndHz;
  return mt_sqrt(1 + u * u);
}
