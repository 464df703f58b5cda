/*
 * Dips, swells and interruptions from Urms(1/2) (IEC 61000-4-30 5.4 dips and swells,
 * 5.5 interruptions, single-phase): moved from modules/metering/voltageEvents.ts.
 *   dip          starts when Urms(1/2) < 90 % of the declared voltage Udin and ends
 *                when Urms(1/2) >= 90 % + 2 % hysteresis;
 *   swell        starts when Urms(1/2) > 110 % and ends when it is <= 110 % - 2 %;
 *   interruption starts when Urms(1/2) < 5 % and ends when it is >= 5 % + 2 %.
 * An excursion that reaches the interruption threshold is reported once, as an
 * interruption (one record per event keeps the log small). Residual voltage: the
 * lowest Urms(1/2) of a dip or interruption, the highest of a swell, % of Udin.
 *
 * Timing. The first Urms(1/2) past a threshold ends 0.25..1 cycle after the true step,
 * so the step is interpolated: a one-cycle window ending at e whose fraction x lies in
 * the event (level Ur) and 1-x before it (level U0) has ms = (1-x) U0^2 + x Ur^2, so
 * x = (U0^2 - ms) / (U0^2 - Ur^2) and the step was at e - x T. U0 is the value 1.5
 * cycles before detection, Ur the event's extreme; of the two values around the
 * crossing, the one with x nearest 0.5 is used. The end is interpolated the same way.
 * Without a clean U0 (event at start) the threshold-crossing time itself is used.
 */
#ifndef MT_VOLTAGE_EVENTS_H
#define MT_VOLTAGE_EVENTS_H

#include <stdint.h>

typedef enum { MT_EVENT_DIP = 0, MT_EVENT_SWELL = 1, MT_EVENT_INTERRUPTION = 2 } mt_event_kind_t;

typedef struct {
  uint8_t kind;      /* mt_event_kind_t */
  uint8_t open;      /* still in progress when the data ended (mt_events_finish) */
  double startS;     /* chain time base, s */
  double durationS;
  double residualPct;
} mt_event_t;

typedef struct {
  double udin;
  uint8_t state;       /* private: normal, low, high */
  uint8_t interrupted;
  uint8_t touched;     /* an event open or ended since the last mt_events_take_touched */
  double u[3], e[3];   /* last three values and their end times, newest first */
  uint32_t seen;
  double u0, uPrev, ePrev, firstU, firstE, sPrev, sFirst, extreme, periodS;
  double onsetBoundS;  /* earliest possible start of the last event opened, s (-1: none) */
} mt_events_t;

/* declaredV must be positive (the chain checks it). */
void mt_events_init(mt_events_t *d, double declaredV);

/* One Urms(1/2) value (V), the end of its cycle and the cycle length (s). Returns 1 and
 * fills *out when an event ended with this value. */
int mt_events_push(mt_events_t *d, double urmsV, double endS, double periodS, mt_event_t *out);

/* End of data: an event still open is reported with open = 1, its duration running to
 * endS (a lower bound). Returns 1 when *out was filled. */
int mt_events_finish(mt_events_t *d, double endS, mt_event_t *out);

/* 1 when an event was open at any time since the previous call (window flagging). */
int mt_events_take_touched(mt_events_t *d);

#endif
