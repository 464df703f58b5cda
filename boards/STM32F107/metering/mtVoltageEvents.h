/*
 * Dips, swells and interruptions from Urms(1/2) (IEC 61000-4-30 5.4 dips and swells,
 * 5.5 interruptions, single-phase): moved from modules/metering/voltageEvents.ts.
 *   dip          starts when Urms(1/2) < 90 % of the declared voltage Udin and ends
 *                when Urms(1/2) >= 90 % + 2 % hysteresis;
 *   swell        starts when Urms(1/2) > 110 % and ends when it is <= 110 % - 2 %;
 *   interruption starts when Urms(1/2) < 5 % and ends when it is >= 5 % + 2 %.
 * Dips and interruptions are detected each on its own threshold, as IEC 61000-4-30
 * defines them: a dip that deepens into an interruption is reported as both, the dip
 * from its fall below 90 % to its recovery, the interruption from its fall below 5 %
 * to its recovery above 7 % (two interruptions in one dip: three events). Only when the
 * interruption is the whole dip (it starts and ends within a cycle of the dip: a sudden
 * loss of voltage, whose Urms(1/2) passes the dip band in the cycle the one-cycle
 * window spans the step) is it reported once, as an interruption, over the dip's span
 * (one record per event keeps the log small). Residual voltage: the lowest Urms(1/2) of
 * a dip or interruption (a dip's includes the interruption inside it), the highest of
 * a swell, % of Udin.
 *
 * Timing. The first Urms(1/2) past a threshold ends 0.25..1 cycle after the true step,
 * so the step is interpolated: a one-cycle window ending at e whose fraction x lies in
 * the event (level Ur) and 1-x before it (level U0) has ms = (1-x) U0^2 + x Ur^2, so
 * x = (U0^2 - ms) / (U0^2 - Ur^2) and the step was at e - x T. U0 is the value 1.5
 * cycles before detection, Ur the event's extreme; of the two values around the
 * crossing, the one with x nearest 0.5 is used. The end is interpolated the same way.
 * Without a clean U0 (event at start) the threshold-crossing time itself is used.
 * For a dip with an interruption inside, Ur of its start is the lowest value at least
 * 1.5 cycles before the interruption was detected (the dip's own level), Ur of its end
 * the value 1.5 cycles before the recovery; an interruption's U0 is the value 1.5 cycles
 * before it (the dip's level), its end's level after the value one cycle after its end.
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

/* Most events one value (or the end of data) can complete: an interruption and the dip around it. */
#define MT_EVENTS_MAX 2

/* What a threshold crossing's interpolated instant needs (see Timing above). */
typedef struct {
  double u0, uPrev, ePrev, firstU, firstE, sPrev, sFirst, extreme;
} mt_onset_t;

typedef struct {
  double udin;
  uint8_t state;       /* private: normal, low, high */
  uint8_t touched;     /* an event open or ended since the last mt_events_take_touched */
  double u[3], e[3];   /* last three values and their end times, newest first */
  uint32_t seen;
  mt_onset_t ev;       /* the dip or swell open */
  double periodS;
  double onsetBoundS;  /* earliest possible start of the last event opened, s (-1: none) */
  /* Interruptions inside the open dip. */
  uint8_t intOpen;     /* one is open */
  uint8_t intHeld;     /* the first has ended and waits for the dip's end (reported once if it is the whole dip) */
  uint8_t intAfter;    /* values still to take as its end's level (0..2) */
  uint8_t intCount;    /* interruptions in this dip */
  mt_onset_t in;       /* the interruption open or held */
  double inEnd[6];     /* its end: ub, sb, eb, ua, sa, ea (values around the recovery) */
  double inLevelAfter; /* Urms(1/2) one cycle after its end (the level it recovered to) */
  uint32_t dipValues;  /* values since the dip opened */
  double dipLevel;     /* lowest value 1.5 cycles or more before now (the dip's own level), -1 none */
  double dipLevelAtInt;/* dipLevel when the first interruption opened, -1 none */
} mt_events_t;

/* declaredV must be positive (the chain checks it). */
void mt_events_init(mt_events_t *d, double declaredV);

/* One Urms(1/2) value (V), the end of its cycle and the cycle length (s). Returns the
 * number of events that ended with this value (0..MT_EVENTS_MAX), filled into out[] in
 * the order they ended (an interruption before the dip that contains it). */
int mt_events_push(mt_events_t *d, double urmsV, double endS, double periodS, mt_event_t out[MT_EVENTS_MAX]);

/* End of data: events still open are reported with open = 1, their duration running to
 * endS (a lower bound); an interruption held for its dip is reported closed. Returns the
 * number filled into out[] (0..MT_EVENTS_MAX). */
int mt_events_finish(mt_events_t *d, double endS, mt_event_t out[MT_EVENTS_MAX]);

/* 1 when an event was open at any time since the previous call (window flagging). */
int mt_events_take_touched(mt_events_t *d);

#endif
