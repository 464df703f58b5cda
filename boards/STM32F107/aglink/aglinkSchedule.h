/*
 * The aggregator's poll schedule in C: which (meter, message) to ask for next, the
 * same decisions in the same order as modules/can/poller.ts (its oracle is
 * modules/can/testing/scanPoller.ts; aglinkEquivalence.test.ts drives this C through
 * the addon beside both and compares every frame).
 *
 * Each entry (one meter, one polled message) has a period, a priority (lower first),
 * a deadline for the answer and a number of retries. Up to maxInFlight remote frames
 * are outstanding at once. A meter that is not synchronised, or missed
 * syncAfterMisses answers in a row, gets sync requests instead of polls, with a wait
 * that doubles per unanswered request (syncRetryMs .. syncRetryMaxMs).
 *
 * No operation walks every entry: waiting entries sit in a min-heap by due time, due
 * ones in a heap by priority, the in-flight ones in a short list, and an answer finds
 * its entry through the meter's chain (8 entries at most).
 *
 * Memory: one caller-provided byte buffer of mn_ag_bytes(capacity, maxInFlight)
 * (on the device a flat string in the JsVar heap, looked up per call, so it may sit at
 * any address: every field is read and written with memcpy). 30 bytes per entry
 * (schedule 22 + latest value 4 + the three heap/list indexes... see aglinkSchedule.c),
 * 16 per address, 2 per in-flight slot, a 128-byte header: 64 meters x 8 messages =
 * 16 552 bytes.
 *
 * Times are int32 ms since t0; t0 moves forward before they could overflow (every
 * 2^30 ms), as poller.ts does. Callers pass now as int64 ms of any origin.
 *
 * Not thread-safe: call everything from one context.
 */
#ifndef MN_AGLINK_SCHEDULE_H
#define MN_AGLINK_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#define MN_AG_MAX_ADDRESS 64
#define MN_AG_MAX_CAPACITY 1024
#define MN_AG_MAX_IN_FLIGHT 8
#define MN_AG_EINVAL (-22)
#define MN_AG_EFULL (-28)
/* The CAN code of a full controller (modules/can/controller.ts CAN_EBUSY): the poll is tried again at the next pump. */
#define MN_AG_EBUSY (-16)

/* What the schedule needs from the link (the poller's PollTarget). poll and
 * requestSync return 0 (sent), MN_AG_EBUSY (mailboxes full: keep it ready) or another
 * negative code (failed: the entry waits a period). result may be NULL. */
typedef struct {
  int (*poll)(void *ctx, unsigned address, unsigned fn);
  int (*isSynced)(void *ctx, unsigned address);
  int (*requestSync)(void *ctx, unsigned address);
  /* An entry's outcome: answered in time (ok, latency ms, attempts) or missed after every retry. */
  void (*result)(void *ctx, unsigned address, unsigned fn, int ok, int32_t latencyMs, unsigned attempts);
} mn_ag_target_t;

typedef struct {
  uint16_t capacity;
  uint8_t maxInFlight;
  uint8_t staleAfterPeriods;
  uint8_t syncAfterMisses;
  uint32_t syncRetryMs;
  uint32_t syncRetryMaxMs; /* 0: 60000 */
} mn_ag_options_t;

/* Totals, the poller's counters. missed: polls that used every retry. skipped: polls
 * never sent, one per whole period an entry waited past its due time (its meter waiting
 * for synchronisation, or every mailbox busy), counted up to the last call that passed
 * a time. refused: sends (polls, sync requests) refused because every mailbox was busy. */
typedef struct {
  uint32_t sent, answered, retried, missed, syncRequests, skipped, refused;
} mn_ag_totals_t;

/* Bytes of state for capacity entries and maxInFlight outstanding polls; 0 when out of range. */
size_t mn_ag_bytes(unsigned capacity, unsigned maxInFlight);
/* Clears st and sets the options; nowMs is the origin of the relative times. 0 or MN_AG_EINVAL. */
int mn_ag_init(uint8_t *st, size_t bytes, const mn_ag_options_t *o, int64_t nowMs);
/* Adds an entry due at once; its index, MN_AG_EFULL or MN_AG_EINVAL (address 0..63,
 * period and deadline 1..65535 ms, fn 0..31). */
int mn_ag_add(uint8_t *st, unsigned address, unsigned fn, unsigned periodMs, unsigned priority, unsigned deadlineMs, unsigned retries, int64_t nowMs);
/* The entry of (address, fn), or -1. */
int mn_ag_find(const uint8_t *st, unsigned address, unsigned fn);
/* An authenticated answer of (address, fn) arrived: returns the entry (or -1 when none). */
int mn_ag_answer(uint8_t *st, const mn_ag_target_t *t, void *ctx, unsigned address, unsigned fn, int64_t nowMs);
/* A meter was (re)synchronised: poll it now. */
void mn_ag_synced(uint8_t *st, const mn_ag_target_t *t, void *ctx, unsigned address, int64_t nowMs);
/* Another protocol heard the meter (the OTA watch: a switched meter answered with its
 * boot report, so it runs again): its sync back-off starts over, as after an answer, so a
 * meter that restarted gets its sync request within syncRetryMs / 4 instead of at the end
 * of a wait that doubled while it was restarting. Changes nothing else: a meter that
 * then does not answer backs off again from syncRetryMs. */
void mn_ag_reachable(uint8_t *st, unsigned address);
/* Timeouts, then new polls. Call every few ms. */
void mn_ag_tick(uint8_t *st, const mn_ag_target_t *t, void *ctx, int64_t nowMs);
/* Sends what is due, best priority first, while mailboxes and the in-flight budget allow
 * (also after a mailbox frees: the driver's transmit-complete hook may call it). */
void mn_ag_pump(uint8_t *st, const mn_ag_target_t *t, void *ctx, int64_t nowMs);

/* Staleness as poller.ts isStale: no entry, never answered, or older than staleAfterPeriods periods. */
int mn_ag_is_stale(uint8_t *st, unsigned address, unsigned fn, int64_t nowMs);
/* Absolute ms of the entry's last answer, or -1. */
int64_t mn_ag_last_good_ms(const uint8_t *st, unsigned address, unsigned fn);
void mn_ag_totals(const uint8_t *st, mn_ag_totals_t *out);
unsigned mn_ag_count(const uint8_t *st);
unsigned mn_ag_in_flight(const uint8_t *st);

/* Per entry i (0..count-1): address, fn, and its latest answer (for the answer table). */
unsigned mn_ag_entry_address(const uint8_t *st, unsigned i);
unsigned mn_ag_entry_fn(const uint8_t *st, unsigned i);

/* Consecutive missed answers of a meter (what triggers a resync). */
unsigned mn_ag_misses(const uint8_t *st, unsigned address);

/* A meter's polls: sent, answered in time, missed (every retry used, or skipped: see
 * mn_ag_totals_t), sends refused (every mailbox busy). */
typedef struct {
  uint32_t polls, answered, missed, refused;
} mn_ag_meter_polls_t;
void mn_ag_meter_polls(const uint8_t *st, unsigned address, mn_ag_meter_polls_t *out);

#endif
