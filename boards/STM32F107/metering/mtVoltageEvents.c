/* Voltage event detection; see mtVoltageEvents.h (the order of operations follows
 * the TypeScript it replaced, voltageEvents.ts). */
#include "mtVoltageEvents.h"

#include <math.h>
#include <string.h>

enum { NORMAL = 0, LOW = 1, HIGH = 2 };

void mt_events_init(mt_events_t *d, double declaredV) {
  memset(d, 0, sizeof *d);
  d->udin = declaredV;
  d->periodS = 0.02;
  d->onsetBoundS = -1;
}

int mt_events_take_touched(mt_events_t *d) {
  int t = d->touched;
  d->touched = d->state != NORMAL;
  return t;
}

/* Fraction of a one-cycle window (ms = u^2) spent at the event level. */
static double fraction(const mt_events_t *d, double u) {
  double a = d->u0 * d->u0;
  double dd = a - d->extreme * d->extreme;
  double x = (a - u * u) / dd;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Interpolated step instant from the value before (ub over sb..eb) and at (ua over
 * sa..ea) the threshold crossing (a window starts at the end of the value two before). */
static double step_time(const mt_events_t *d, int entering, double ub, double sb, double eb, double ua, double sa, double ea) {
  if (!(d->u0 > 0) || fabs(d->u0 - d->extreme) < 1e-9 * d->udin) return ea - d->periodS / 2;
  double xb = fraction(d, ub), xa = fraction(d, ua);
  int useA = fabs(xa - 0.5) <= fabs(xb - 0.5);
  double x = useA ? xa : xb;
  double e = useA ? ea : eb;
  /* Entering: the window's own length (the collapse closes the kernel's half cycle
   * early). Leaving: the nominal period (the kernel's windows right after a recovery
   * span a re-synchronising crossing grid; measured on the bench's interruptions: end
   * error 0.33 cycle with T, 0.49 with the window length). */
  double L = entering ? (useA ? ea - sa : eb - sb) : d->periodS;
  return entering ? e - x * L : e - L + x * L;
}

/* The event from its interpolated start to endS. */
static void report(const mt_events_t *d, double endS, mt_event_t *out) {
  double startS = step_time(d, 1, d->uPrev, d->sPrev, d->ePrev, d->firstU, d->sFirst, d->firstE);
  out->kind = d->state == HIGH ? MT_EVENT_SWELL : d->interrupted ? MT_EVENT_INTERRUPTION : MT_EVENT_DIP;
  out->open = 0;
  out->startS = startS;
  out->durationS = endS - startS;
  out->residualPct = (100 * d->extreme) / d->udin;
}

static void close_event(mt_events_t *d, double urmsV, double endS, mt_event_t *out) {
  report(d, step_time(d, 0, d->u[0], d->e[2], d->e[0], urmsV, d->e[1], endS), out);
  d->state = NORMAL;
  d->touched = 1;
}

int mt_events_push(mt_events_t *d, double urmsV, double endS, double periodS, mt_event_t *out) {
  double pct = (100 * urmsV) / d->udin;
  int done = 0;
  d->periodS = periodS;
  if (d->state == NORMAL) {
    if (pct < 90 || pct > 110) {
      d->state = pct < 90 ? LOW : HIGH;
      d->touched = 1;
      d->interrupted = pct < 5;
      d->extreme = urmsV;
      d->u0 = d->seen >= 3 ? d->u[2] : -1;
      d->uPrev = d->u[0];
      d->ePrev = d->e[0];
      d->firstU = urmsV;
      d->firstE = endS;
      d->sPrev = d->seen >= 3 ? d->e[2] : d->e[0] - periodS;
      d->sFirst = d->seen >= 2 ? d->e[1] : endS - periodS;
      d->onsetBoundS = endS - periodS;
    }
  } else if (d->state == LOW) {
    if (urmsV < d->extreme) d->extreme = urmsV;
    if (pct < 5) d->interrupted = 1;
    if (pct >= 92) {
      close_event(d, urmsV, endS, out);
      done = 1;
    }
  } else {
    if (urmsV > d->extreme) d->extreme = urmsV;
    if (pct <= 108) {
      close_event(d, urmsV, endS, out);
      done = 1;
    }
  }
  d->u[2] = d->u[1];
  d->e[2] = d->e[1];
  d->u[1] = d->u[0];
  d->e[1] = d->e[0];
  d->u[0] = urmsV;
  d->e[0] = endS;
  d->seen++;
  return done;
}

int mt_events_finish(mt_events_t *d, double endS, mt_event_t *out) {
  if (d->state == NORMAL) return 0;
  report(d, endS, out);
  out->open = 1;
  d->state = NORMAL;
  return 1;
}
