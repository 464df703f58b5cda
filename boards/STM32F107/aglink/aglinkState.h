/*
 * The layout of the aggregator link's state buffer, shared by aglinkSchedule.c (the
 * poll schedule) and aglinkAnswers.c (the answer path and latest-value table).
 * Internal: callers use aglinkSchedule.h and aglinkAnswers.h.
 *
 * The buffer may sit at any address (a flat string in Espruino's JsVar heap, whose
 * data follows a 13-byte header): every multi-byte field goes through memcpy, which
 * gcc turns into one unaligned load or store on the Cortex-M3 and x86.
 */
#ifndef MN_AGLINK_STATE_H
#define MN_AGLINK_STATE_H

#include <stdint.h>
#include <string.h>

#define AG_MAGIC 0xA6u
#define AG_NONE 0xFFFFu

/* Header fields (byte offsets). */
enum {
  H_MAGIC = 0, H_MAX_IN_FLIGHT = 1, H_STALE_AFTER = 2, H_SYNC_AFTER_MISSES = 3, H_CAPACITY = 4, H_N = 6,
  H_IN_FLIGHT = 8, H_HEAP_N = 10, H_READY_N = 12, H_SYNC_RETRY = 16, H_SYNC_RETRY_MAX = 20, H_T0 = 24,
  /* schedule totals: sent, answered, retried, missed, syncRequests */
  H_TOTALS = 32,
  /* answer path: see aglinkAnswers.h MN_AGC_* (u32 each, MN_AGC_STORED .. MN_AGC_EXTENDED) */
  H_COUNTERS = 52,
  /* the schedule's own counters among them (u32): the MN_AGC_REFUSED, _SKIPPED and _EXTENDED slots */
  H_REFUSED = 88, H_SKIPPED = 92, H_EXTENDED = 96,
  /* i32: the last now the schedule saw (the counters' reads count pending misses up to it) */
  H_LAST_NOW = 100,
  H_BYTES = 128
};

/* Per address (64 each), after the header. */
enum {
  A_FIRST = H_BYTES,                                /* u16: the meter's first entry, AG_NONE: none */
  A_MISSES = A_FIRST + 2 * 64,                      /* u8: consecutive missed answers */
  A_SYNCED = A_MISSES + 64,                         /* u8: 1 when the link counts the meter synchronised */
  A_BAD_MACS = A_SYNCED + 64,                       /* u8: consecutive bad MACs */
  A_SYNC_SENT = A_BAD_MACS + 64,                    /* i32: when the last sync request left */
  A_SYNC_WAIT = A_SYNC_SENT + 4 * 64,               /* u32: wait before the next sync request (0: none sent since it answered) */
  A_METER_COUNTS = A_SYNC_WAIT + 4 * 64,            /* u32 x 4 per address: polls, answered, missed, readings */
  A_NEW_OK = A_METER_COUNTS + 4 * 4 * 64,           /* u8: answers in time since the last snapshot row (saturating) */
  A_NEW_MISS = A_NEW_OK + 64,                       /* u8: misses since the last snapshot row (saturating) */
  A_REACH = A_NEW_MISS + 64,                        /* u8: AG_R_* */
  A_WAIT_FROM = A_REACH + 64,                       /* i32: since when its polls wait for its synchronisation (NEVER: not waiting) */
  A_REFUSED = A_WAIT_FROM + 4 * 64,                 /* u32: its poll or sync sends refused (every mailbox busy) */
  A_END = A_REFUSED + 4 * 64
};

/* Per entry: byte arrays, then u16, then u32 (all through memcpy). */
#define AG_ENTRY_BYTES 28

static inline uint16_t ag_g16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline void ag_s16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline int32_t ag_g32(const uint8_t *p) { int32_t v; memcpy(&v, p, 4); return v; }
static inline void ag_s32(uint8_t *p, int32_t v) { memcpy(p, &v, 4); }
static inline uint32_t ag_gu32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline void ag_su32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void ag_inc(uint8_t *p) { ag_su32(p, ag_gu32(p) + 1u); }

/* Pointers to the arrays of one buffer (built per call: the buffer may move between calls). */
typedef struct {
  uint8_t *st;
  unsigned c;
  uint8_t *addr, *fn, *prio, *retries, *attempts, *flags; /* u8 */
  uint8_t *period, *deadline, *heap, *ready, *next;       /* u16 */
  uint8_t *due, *good, *data;                             /* i32 (data: the answer's 4 bytes) */
  uint8_t *flying;                                        /* u16 x maxInFlight: the entries in flight */
  uint8_t *flySent;                                       /* i32 x maxInFlight: when each was sent */
} ag_view_t;

static inline void ag_view(ag_view_t *v, const uint8_t *st) {
  unsigned c = ag_g16(st + H_CAPACITY);
  uint8_t *b = (uint8_t *)st + A_END;
  v->st = (uint8_t *)st;
  v->c = c;
  v->addr = b; b += c;
  v->fn = b; b += c;
  v->prio = b; b += c;
  v->retries = b; b += c;
  v->attempts = b; b += c;
  v->flags = b; b += c;
  v->period = b; b += 2 * c;
  v->deadline = b; b += 2 * c;
  v->heap = b; b += 2 * c;
  v->ready = b; b += 2 * c;
  v->next = b; b += 2 * c;
  v->due = b; b += 4 * c;
  v->good = b; b += 4 * c;
  v->data = b; b += 4 * c;
  v->flying = b;
  v->flySent = b + 2 * st[H_MAX_IN_FLIGHT];
}

/* Entry flags. */
#define AG_F_IN_FLIGHT 1u
#define AG_F_READY 2u
#define AG_F_USED 4u
#define AG_F_GOOD 8u  /* answered at least once: good holds a time */
#define AG_F_FRESH 16u /* answered since the last snapshot */
#define AG_F_CHANGED 32u /* its 4 data bytes changed since the last snapshot */

/* Per-address reachability bits. */
#define AG_R_MISS_REPORTED 1u /* a snapshot row reported misses: the next answer must be reported too */
#define AG_R_SYNC_PENDING 2u  /* a sync request is outstanding */
#define AG_R_LAST_OK 4u       /* the last outcome was an answer (else a miss) */

static inline void ag_sat(uint8_t *p) { if (*p < 255) (*p)++; }

/*
 * The rare path's region (aglinkCommands.c): the last AG_RARE_BYTES of the buffer
 * (mn_ag_bytes counts them), zeroed by mn_ag_init. Command options, its counters, the
 * meters' epochs of their last accepted sync responses, and a small table of commands
 * awaiting their acknowledgement (commands are rare: a few per day and meter).
 */
#define AG_CMD_SLOTS 8u
#define AG_CMD_MAX_ATTEMPTS 4u
enum {
  R_ACK_TIMEOUT = 0,   /* u16 ms, 0: 100 */
  R_ATTEMPTS = 2,      /* u8: transmissions per command (retries + 1), 0: 3 */
  R_COUNTERS = 4,      /* u32 x MN_AGR_COUNT (aglinkCommands.h) */
  R_EPOCHS = 36,       /* u32 x 64: the meter's epoch + 1 from its last accepted sync response, 0: none */
  R_CMDS = R_EPOCHS + 4 * 64,
  /* per command slot */
  C_ADDR = 0, C_CODE = 1, C_TARIFF = 2, C_ATTEMPTS = 3 /* transmissions so far, 0: slot free */, C_NFV = 4 /* FVs sent */,
  C_ARG = 6 /* u16 */, C_SENT = 8 /* u32: low 32 bits of the ms of the last transmission */, C_FVS = 12 /* u16 x AG_CMD_MAX_ATTEMPTS: FV mod 65536 */,
  C_BYTES = C_FVS + 2 * AG_CMD_MAX_ATTEMPTS,
  AG_RARE_BYTES = R_CMDS + C_BYTES * AG_CMD_SLOTS
};

#endif
