/*
 * The aggregator's per-answer path in C: a received frame is verified (secocNode),
 * and a polled answer goes straight into a latest-value table beside the poll
 * schedule (aglinkSchedule.h) without reaching JavaScript. JavaScript reads the
 * table in batches (mn_ag_rows, about once a second), and still receives every frame
 * that is not a polled answer (sync responses, command acknowledgements, foreign
 * frames) through the existing onSecured / onFrame path.
 *
 * The link also implements the schedule's target over the SecOC state and a raw
 * send function (mn_ag_link_target): remote frames for polls, signed sync requests.
 *
 * Latest-value table: per entry (one meter, one polled message) the answer's 4 data
 * bytes, which hold its signals as scaled integers (decoded to physical values with
 * the codec table only when read), the time received (the schedule's last-good time)
 * and flags: answered and changed since the last read.
 */
#ifndef MN_AGLINK_ANSWERS_H
#define MN_AGLINK_ANSWERS_H

#include <stdint.h>

#include "aglinkSchedule.h"

/* Raw send: a standard frame (remote: a remote frame of dlc bytes). 0, MN_AG_EBUSY or a negative code. */
typedef int (*mn_ag_send_t)(void *sendCtx, uint32_t id, int remote, uint8_t dlc, const uint8_t data[8]);

/* One link: the schedule's buffer, the SecOC node state (secocNode.h), the send function.
 * verdictHook: NULL on the boards; the host's fault campaign sets it to model a receiver
 * without a check (its verdicts rewritten before the link acts on them). */
typedef struct {
  uint8_t *ag;
  uint8_t *secoc;
  mn_ag_send_t send;
  void *sendCtx;
  int (*verdictHook)(void *ctx, int verdict);
  void *hookCtx;
} mn_ag_link_t;

/* The schedule's target over a link (ctx: the mn_ag_link_t). */
extern const mn_ag_target_t mn_ag_link_target;

/* What mn_ag_receive did with a frame. */
#define MN_AG_ACT_PLAIN 0   /* not a secured frame for this node: hand it on as a plain frame */
#define MN_AG_ACT_DONE 1    /* taken: a polled answer stored, or a rejection counted */
#define MN_AG_ACT_SECURED 2 /* verified, but not a polled answer: hand it on with *out */

typedef struct {
  int verdict;
  int64_t fv;
  uint32_t data32;
  double v[4]; /* the message's data signals, physical (MN_AG_ACT_SECURED only) */
} mn_ag_frame_t;

/* A received frame: verified with the SecOC state; a polled answer is stored and
 * answers its entry (the schedule may send the next poll at once). *out (may be NULL)
 * gets the verdict, FV and data bytes of every secured frame (PLAIN: untouched). */
int mn_ag_receive(mn_ag_link_t *l, uint32_t id, uint8_t flags, uint8_t dlc, const uint8_t payload[8], int64_t nowMs, mn_ag_frame_t *out);

/* The link counts a meter synchronised (after its sync response) or not (lost sync). */
void mn_ag_set_synced(mn_ag_link_t *l, unsigned address, int synced);
int mn_ag_is_synced(const mn_ag_link_t *l, unsigned address);
/* Consecutive bad MACs of a meter's answers. */
unsigned mn_ag_bad_macs(const mn_ag_link_t *l, unsigned address);

/* Counters (u32 each), in this order in mn_ag_counters' output. */
enum {
  MN_AGC_SENT, MN_AGC_ANSWERED, MN_AGC_RETRIED, MN_AGC_MISSED, MN_AGC_SYNC_REQUESTS,
  MN_AGC_STORED,       /* authenticated answers stored in the table (polled or spontaneous) */
  MN_AGC_BAD_MAC, MN_AGC_STALE, MN_AGC_UNSYNCED, MN_AGC_INTERNAL, /* rejected, by verdict */
  MN_AGC_PLAIN,        /* frames handed on as plain */
  MN_AGC_TO_JS,        /* verified frames handed on (not polled answers) */
  MN_AGC_SYNC_ENOFV,   /* sync requests not signed: the transmit epoch needs renewing (JavaScript persists it) */
  MN_AGC_IN_FLIGHT,
  MN_AGC_REFUSED,      /* sends refused, every mailbox busy (polls and sync requests: tried again, not counted as sent) */
  MN_AGC_SKIPPED,      /* polls never sent, one per period an entry waited past due (mn_ag_totals_t); not in MN_AGC_MISSED */
  MN_AGC_EXTENDED,     /* extended-identifier frames received (none is ours: counted and dropped, never handed on) */
  MN_AGC_COUNT
};
void mn_ag_counters(const mn_ag_link_t *l, uint32_t out[MN_AGC_COUNT]);
/* Per meter: polls sent, answered in time, missed (every retry used, or skipped), answers
 * stored, synced (0/1), sends refused (every mailbox busy). */
#define MN_AG_METER_COUNT 6
void mn_ag_meter(const mn_ag_link_t *l, unsigned address, uint32_t out[MN_AG_METER_COUNT]);

/*
 * Rows of meters with news, for JavaScript: a meter gets a row when one of its
 * entries of a function in freshMask was answered, or one in changedMask changed
 * value, since the last row, or it missed answers, or it answered again after a row
 * reported misses. Each row: address, the triggering functions (bit mask), answers
 * in time and misses since the last row, 1 when the last outcome was an answer (0: a
 * miss), then for each function in fns[0..nFns-1] its 3 first data signals (physical;
 * NaN: never answered or no such signal): MN_AG_ROW_HEAD + 3 * nFns doubles. Returns the number of rows written (stops when out is full:
 * the rest stay for the next call).
 */
#define MN_AG_ROW_HEAD 5
unsigned mn_ag_rows(mn_ag_link_t *l, const uint8_t *fns, unsigned nFns, uint32_t freshMask, uint32_t changedMask, double *out, unsigned outLen);

/*
 * The latest answer of meter `address` to function `fn`, read without changing the
 * table (no row is taken): its first 3 data signals, physical, into out[0..2] (NaN: no
 * such signal). Returns 1, or 0 when the entry is not polled or never answered (out all
 * NaN). What the API reads when a request asks (voltage, current, quality flags): the
 * value travels frame -> this table -> the page, with no JavaScript per answer.
 */
int mn_ag_latest(const mn_ag_link_t *l, unsigned address, unsigned fn, double out[3]);

#endif
