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

/* Fraction of a one-cycle window (ms = u^2) spent at level ur rather than at u0. */
static double fraction(double u0, double ur, double u) {
  double a = u0 * u0;
  double dd = a - ur * ur;
  double x = (a - u * u) / dd;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Interpolated step instant from the value before (ub over sb..eb) and at (ua over
 * sa..ea) the threshold crossing (a window starts at the end of the value two before),
 * between the level u0 outside the event and ur inside it. */
static double step_time(const mt_events_t *d, double u0, double ur, int entering, double ub, double sb, double eb, double ua, double sa, double ea) {
  if (!(u0 > 0) || fabs(u0 - ur) < 1e-9 * d->udin) return ea - d->periodS / 2;
  double xb = fraction(u0, ur, ub), xa = fraction(u0, ur, ua);
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

static double onset_time(const mt_events_t *d, const mt_onset_t *o, double level) {
  return step_time(d, o->u0, level, 1, o->uPrev, o->sPrev, o->ePrev, o->firstU, o->sFirst, o->firstE);
}

/* Onset data of an event opened by the value urmsV ending at endS (before the history shifts). */
static void open_onset(const mt_events_t *d, mt_onset_t *o, double urmsV, double endS, double periodS) {
  o->extreme = urmsV;
  o->u0 = d->seen >= 3 ? d->u[2] : -1;
  o->uPrev = d->u[0];
  o->ePrev = d->e[0];
  o->firstU = urmsV;
  o->firstE = endS;
  o->sPrev = d->seen >= 3 ? d->e[2] : d->e[0] - periodS;
  o->sFirst = d->seen >= 2 ? d->e[1] : endS - periodS;
}

static void fill(mt_event_t *out, int kind, double startS, double endS, double extreme, double udin, int open) {
  out->kind = (uint8_t)kind;
  out->open = (uint8_t)open;
  out->startS = startS;
  out->durationS = endS - startS;
  out->residualPct = (100 * extreme) / udin;
}

/* The interruption's end, from the values around its recovery and the level after it. */
static double interruption_end(const mt_events_t *d) {
  const double *x = d->inEnd;
  double after = d->inLevelAfter > 0 ? d->inLevelAfter : d->in.u0;
  return step_time(d, after, d->in.extreme, 0, x[0], x[1], x[2], x[3], x[4], x[5]);
}

/* The interruption open (at the end of data) or held, as an event. */
static void report_interruption(const mt_events_t *d, double endS, int open, mt_event_t *out) {
  fill(out, MT_EVENT_INTERRUPTION, onset_time(d, &d->in, d->in.extreme), open ? endS : interruption_end(d), d->in.extreme, d->udin, open);
}

/*
 * The dip or swell ends (closing: the value urmsV at endS came back; else the data
 * ended at endS, open). Writes its events: a held or open interruption and the dip
 * around it, or one interruption when it was the whole dip. Returns the count.
 */
static int end_event(mt_events_t *d, int closing, double urmsV, double endS, mt_event_t *out) {
  int n = 0;
  const mt_onset_t *o = &d->ev;
  /* The span of the event as a single one (extreme as its level): the only form of a
   * swell or a plain dip, and of an interruption that is the whole dip. */
  double start1 = onset_time(d, o, o->extreme);
  double end1 = closing ? step_time(d, o->u0, o->extreme, 0, d->u[0], d->e[2], d->e[0], urmsV, d->e[1], endS) : endS;
  if (d->state == LOW && d->intCount > 0) {
    int inOpen = d->intOpen && !closing;
    double iS = onset_time(d, &d->in, d->in.extreme);
    double iE = inOpen ? endS : interruption_end(d);
    int whole = d->intCount == 1 && fabs(iS - start1) < d->periodS && fabs(end1 - iE) < d->periodS;
    if (whole) {
      fill(&out[n++], MT_EVENT_INTERRUPTION, start1, end1, o->extreme, d->udin, !closing);
    } else {
      /* The dip at its own level: before the interruption, and before its recovery. */
      double levelIn = d->dipLevelAtInt >= 0 ? d->dipLevelAtInt : o->extreme;
      double startS = onset_time(d, o, levelIn);
      double endS2 = closing ? step_time(d, o->u0, d->u[2], 0, d->u[0], d->e[2], d->e[0], urmsV, d->e[1], endS) : endS;
      if (d->intOpen || d->intHeld) fill(&out[n++], MT_EVENT_INTERRUPTION, iS, iE, d->in.extreme, d->udin, inOpen);
      fill(&out[n++], MT_EVENT_DIP, startS, endS2, o->extreme, d->udin, !closing);
    }
  } else {
    fill(&out[n++], d->state == HIGH ? MT_EVENT_SWELL : MT_EVENT_DIP, start1, end1, o->extreme, d->udin, !closing);
  }
  d->state = NORMAL;
  d->intOpen = d->intHeld = 0;
  d->intCount = 0;
  d->touched = 1;
  return n;
}

/*
 * Interruptions inside an open dip (pct of Udin); returns the events completed. An
 * interruption that ended is held for two more values (its end's level: the value one
 * cycle after it); the first is held further, to the dip's end (one event or two).
 */
static int interruptions(mt_events_t *d, double pct, double urmsV, double endS, double periodS, mt_event_t *out) {
  int n = 0;
  if (d->intAfter > 0) {
    d->inLevelAfter = urmsV;
    d->intAfter--;
    if (d->intAfter == 0 && d->intHeld && d->intCount > 1) {
      report_interruption(d, endS, 0, &out[n++]);
      d->intHeld = 0;
    }
  }
  if (d->intOpen) {
    if (urmsV < d->in.extreme) d->in.extreme = urmsV;
    if (pct >= 7) {
      double *x = d->inEnd;
      x[0] = d->u[0], x[1] = d->e[2], x[2] = d->e[0], x[3] = urmsV, x[4] = d->e[1], x[5] = endS;
      d->intOpen = 0;
      d->intHeld = 1;
      d->inLevelAfter = urmsV;
      d->intAfter = 2;
    }
  } else if (pct < 5) {
    if (d->intHeld) { /* a second interruption: the first was not the whole dip */
      report_interruption(d, endS, 0, &out[n++]);
      d->intHeld = 0;
    }
    if (d->intCount == 0) d->dipLevelAtInt = d->dipLevel;
    open_onset(d, &d->in, urmsV, endS, periodS);
    d->intOpen = 1;
    d->intAfter = 0;
    d->inLevelAfter = -1;
    if (d->intCount < 255) d->intCount++;
  }
  return n;
}

int mt_events_push(mt_events_t *d, double urmsV, double endS, double periodS, mt_event_t out[MT_EVENTS_MAX]) {
  double pct = (100 * urmsV) / d->udin;
  int done = 0;
  d->periodS = periodS;
  if (d->state == NORMAL) {
    if (pct < 90 || pct > 110) {
      d->state = pct < 90 ? LOW : HIGH;
      d->touched = 1;
      open_onset(d, &d->ev, urmsV, endS, periodS);
      d->onsetBoundS = endS - periodS;
      d->intOpen = d->intHeld = 0;
      d->intCount = 0;
      d->dipValues = 1;
      d->dipLevel = -1;
      d->dipLevelAtInt = -1;
      if (d->state == LOW) done = interruptions(d, pct, urmsV, endS, periodS, out);
    }
  } else if (d->state == LOW) {
    if (urmsV < d->ev.extreme) d->ev.extreme = urmsV;
    /* the value three back belongs to the dip once three are in: 1.5 cycles clear of now */
    if (d->dipValues >= 3 && (d->dipLevel < 0 || d->u[2] < d->dipLevel)) d->dipLevel = d->u[2];
    d->dipValues++;
    done = interruptions(d, pct, urmsV, endS, periodS, out);
    if (pct >= 92) done += end_event(d, 1, urmsV, endS, out + done);
  } else {
    if (urmsV > d->ev.extreme) d->ev.extreme = urmsV;
    if (pct <= 108) done = end_event(d, 1, urmsV, endS, out);
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

int mt_events_finish(mt_events_t *d, double endS, mt_event_t out[MT_EVENTS_MAX]) {
  if (d->state == NORMAL) return 0;
  return end_event(d, 0, 0, endS, out);
}
