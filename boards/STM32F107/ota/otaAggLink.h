/*
 * The aggregator's OTA link behind CAN1: one update of up to 64 meters, driven in C
 * (about a thousand chunk frames a second are far too many for its JavaScript).
 *
 *   manifests  the manifest's common body is broadcast once (10 bulk-class frames),
 *              then each target gets its own CMAC (under its key, derived from the
 *              master key as the SecOC keys are) over ISO 15765-2, up to
 *              MN_OTA_AGG_CHANNELS exchanges at once; its verdict is kept;
 *   chunks     one broadcast copy of the image (otaSender.c), pulled one frame at a
 *              time by mn_ota_agg_chunk when the caller's chunk mailbox is free, so a
 *              chunk never waits in more than one mailbox and every poll overtakes it;
 *   status     each target still receiving reports what it lacks; the next round of
 *              chunks is the union; rounds go on until no target lacks anything or
 *              MN_OTA_AGG_MAX_ROUNDS;
 *   commit     (when asked for) each verified target switches (its boot record);
 *   watching   each switched target is asked for its status every MN_OTA_AGG_WATCH_ASK_MS
 *              (no answer is no failure: it is restarting) until its boot report
 *              (otaMeterLink.h MN_OTA_BOOT_*) says confirmed on this update's counter, or
 *              reverted and why, or MN_OTA_AGG_WATCH_MS passed (it stays "switched" or
 *              "trial": no report);
 *   done       every target is confirmed, reverted, switched, verified, or failed with a cause.
 *
 * A target that does not answer is asked again (MN_OTA_AGG_TRIES); one that reports
 * it lost the transfer (restarted: status IDLE) gets its manifest again and the chunks
 * it lacks in the next round. Frames go out through m->q (otaTxQueue.h).
 */
#ifndef MN_OTA_AGG_LINK_H
#define MN_OTA_AGG_LINK_H

#include <stdint.h>

#include "isotp.h"
#include "otaMeterLink.h"
#include "otaSender.h"
#include "otaTxQueue.h"

#define MN_OTA_AGG_TARGETS 64u
#define MN_OTA_AGG_CHANNELS 4u
#define MN_OTA_AGG_TRIES 8u /* exchanges without an answer before a target is given up (5 % loss: 13-frame manifests fail 43 % of tries) */
/* How long an answer may take once the request went out whole. */
#define MN_OTA_AGG_ANSWER_MS 300u
/* Once an answer's first frame came, how long it may stall: a meter whose flow control
 * frame was lost waits ISO 15765-2's N_Bs (MN_ISOTP_TIMEOUT_MS) before it takes a new
 * request; asking again sooner is ignored by it and only burns the target's tries. */
#define MN_OTA_AGG_STALL_MS (MN_ISOTP_TIMEOUT_MS + 100u)
#define MN_OTA_AGG_MAX_ROUNDS 16u
#define MN_OTA_AGG_WATCH_ASK_MS 2000u
/* longer than the meter's own trial deadline (jswrap_ota.c OTA_TRIAL_DEADLINE_MS, 15 min) */
#define MN_OTA_AGG_WATCH_MS (20u * 60u * 1000u)

/* WATCHING comes after DONE so the numbers before stay: the transfer is over (a new one may start). */
enum { MN_OTA_PH_IDLE = 0, MN_OTA_PH_MANIFESTS, MN_OTA_PH_CHUNKS, MN_OTA_PH_STATUS, MN_OTA_PH_COMMIT, MN_OTA_PH_ABORT, MN_OTA_PH_DONE, MN_OTA_PH_WATCHING };
/* TRIAL, CONFIRMED, REVERTED: a switched target's boot report; REVERTED's cause is the reason (otaBoot.h MN_REVERT_*). */
enum { MN_OTA_T_PENDING = 1, MN_OTA_T_ASKING, MN_OTA_T_RECEIVING, MN_OTA_T_VERIFIED, MN_OTA_T_SWITCHED, MN_OTA_T_FAILED, MN_OTA_T_TRIAL, MN_OTA_T_CONFIRMED, MN_OTA_T_REVERTED };
/* A target's cause: MN_OTA_R_* (the meter's refusal), or one of these. */
enum {
  MN_OTA_F_NO_ANSWER = 16, /* MN_OTA_AGG_TRIES exchanges without an answer */
  MN_OTA_F_ROUNDS = 17,    /* still lacking chunks after MN_OTA_AGG_MAX_ROUNDS */
  MN_OTA_F_LOST = 18,      /* lost the transfer (restarted) MN_OTA_AGG_TRIES times */
  MN_OTA_F_CANCELLED = 19, /* the operator cancelled */
  MN_OTA_F_COMMIT = 32     /* + MN_OTA_RES_*: the commit was refused */
};

typedef struct {
  uint8_t address, state, cause, tries, asked, op, restarts, triedCommit;
  uint16_t have;
} mn_ota_target_t;

struct mn_ota_agg_s;
typedef struct {
  mn_isotp_t tp;
  uint8_t rx[MN_OTA_ANSWER_CAP];
  uint8_t tx[1 + MN_OTA_MANIFEST_BYTES];
  struct mn_ota_agg_s *owner;
  int16_t target; /* -1: free */
  uint8_t sent;
  uint32_t deadlineMs;
} mn_ota_chan_t;

typedef struct mn_ota_agg_s {
  mn_ota_tx_t tx;
  mn_ota_manifest_t m;
  uint8_t master[16];
  mn_ota_target_t t[MN_OTA_AGG_TARGETS];
  mn_ota_chan_t ch[MN_OTA_AGG_CHANNELS];
  mn_ota_txq_t q;
  uint8_t n, phase, autoCommit, chunking, rounds; /* rounds of chunks sent */
  uint8_t bodyLeft;                              /* manifest body frames still to broadcast (otaMeterLink.h) */
  uint8_t heard;                                 /* mn_ota_agg_heard (in the padding before the counters: the size stays) */
  uint32_t exchanges, timeouts, badAnswers, controlFrames;
  uint32_t nowMs, watchFromMs, watchAskMs; /* the last tick; the watch's start and its next round of questions */
} mn_ota_agg_t;

/* Starts an update of image (sizeBytes, read through `image`) to the n addresses.
 * The SHA-256 is computed here; m gives image, tag, version and counter. 0, or -22
 * (size, n, an address out of 1..63 or twice), -5 (the image could not be read). */
int mn_ota_agg_start(mn_ota_agg_t *a, const mn_ota_staging_t *image, uint32_t sizeBytes, const mn_ota_manifest_t *m,
                     const uint8_t master[16], const uint8_t *addresses, unsigned n, int autoCommit, uint32_t nowMs);

/* A received frame: 1 when it was an OTA answer (taken), 0 otherwise. */
int mn_ota_agg_frame(mn_ota_agg_t *a, uint16_t id, const uint8_t *data, uint8_t dlc, uint32_t nowMs);

/* The address of the switched target whose boot report the last frame completed (the
 * watch heard it: it runs again), 0 none; cleared by the call. Read after each
 * mn_ota_agg_frame and hand it to the poll link (aglinkSchedule.h mn_ag_reachable), whose
 * sync back-off grew while the meter restarted: it is resynchronised at once instead of
 * up to a minute later. At most one per watch question (every MN_OTA_AGG_WATCH_ASK_MS
 * per target, for MN_OTA_AGG_WATCH_MS): an unauthenticated answer can ask for no more. */
unsigned mn_ota_agg_heard(mn_ota_agg_t *a);

/* Timers, exchanges, phase changes: every few ms. */
void mn_ota_agg_tick(mn_ota_agg_t *a, uint32_t nowMs);

/* The next chunk frame, when the caller's chunk mailbox is free: 1 with id/data, 0 when none is due now. */
int mn_ota_agg_chunk(mn_ota_agg_t *a, uint16_t *id, uint8_t data[8]);

/* Commit the verified targets now (when started without autoCommit), or cancel: abort every target not switched. */
void mn_ota_agg_commit(mn_ota_agg_t *a);
void mn_ota_agg_cancel(mn_ota_agg_t *a);

/* What is kept of an update once the state above is freed (its end, or at rest): the
 * phase, and per target what the operator reads. [phase, n, total hi, total lo] then per
 * target [address, state, cause, have hi, have lo]; have is the total once verified or
 * switched. MN_OTA_SUMMARY_BYTES(a->n) bytes into out. */
/* 1 when the update is over and nothing of it waits to go out, so its state can be
 * freed (done, cancelled, every target failed); a run without autoCommit whose verified
 * targets wait for mn_ota_agg_commit is not over. */
int mn_ota_agg_finished(const mn_ota_agg_t *a);
#define MN_OTA_SUMMARY_BYTES(n) (4u + 5u * (unsigned)(n))
void mn_ota_agg_summary(const mn_ota_agg_t *a, uint8_t *out);

#endif
