/*
 * The meter's OTA link behind CAN1: every frame of the bulk class (chunks) and of
 * the meter's own control identifier (function 28, 0x700 + address) is taken here,
 * in C, before the JavaScript event queue; JavaScript only sees events: the start of
 * a transfer, its progress, the verdict on the image, and the end (committed or
 * aborted). About a thousand chunk frames a second reach every meter during a
 * transfer: far more than the interpreter can take one by one on a 72 MHz M3.
 *
 *   mn_ota_meter_frame   from the receive interrupt (or the host's FIFO service): 1 = an OTA frame, taken
 *   mn_ota_meter_tick    every few ms: ISO 15765-2 timers and consecutive frames
 *   mn_ota_meter_pump    on transmit-empty: answers out (otaTxQueue.h while a transfer runs)
 *   mn_ota_meter_event   JavaScript's side: the next event, if any
 *
 * Control requests (ISO 15765-2, boards/STM32F107/ota/README.md) and their answers
 * (function 29, 0x740 + address):
 *   0x01 manifest(72) -> 0x81 cause          (0: accepted, a transfer starts or resumes)
 *   0x02              -> 0x82 status report   (otaReceiver.h mn_ota_rx_status)
 *   0x03 commit       -> 0x83 result          (MN_OTA_RES_*)
 *   0x04 abort        -> 0x83 MN_OTA_RES_ABORTED
 */
#ifndef MN_OTA_METER_LINK_H
#define MN_OTA_METER_LINK_H

#include <stdint.h>

#include "isotp.h"
#include "otaReceiver.h"
#include "otaTxQueue.h"

#define MN_OTA_REQ_ID_BASE 0x700u /* function 28 */
#define MN_OTA_ANS_ID_BASE 0x740u /* function 29 */

enum { MN_OTA_OP_MANIFEST = 0x01, MN_OTA_OP_STATUS = 0x02, MN_OTA_OP_COMMIT = 0x03, MN_OTA_OP_ABORT = 0x04, MN_OTA_OP_MANIFEST_TAG = 0x05 };
/*
 * The manifest in two parts, so 64 meters cost one copy of what they share: its 56
 * signed bytes are broadcast once in the bulk class as chunk indices 0xFF << 6 | k
 * (k = 0..9, 6 bytes each; the address byte sent as 0), and each meter gets only its
 * CMAC: 0x05 cmac(16) (4 frames with its flow control, against 12 for the 73-byte
 * 0x01 manifest). The meter puts its own address into the body it holds and checks the
 * whole as a 0x01 manifest; without the whole body it answers MN_OTA_V_NO_BODY.
 */
#define MN_OTA_BODY_HIGH 0xFFu
#define MN_OTA_BODY_FRAMES ((MN_OTA_MANIFEST_SIGNED + MN_OTA_CHUNK_BYTES - 1) / MN_OTA_CHUNK_BYTES)
#define MN_OTA_V_NO_BODY 9u /* a verdict of the link, not a manifest refusal: the body is missing */
enum { MN_OTA_OP_VERDICT = 0x81, MN_OTA_OP_REPORT = 0x82, MN_OTA_OP_RESULT = 0x83 };
/* A commit's result (the byte after 0x83). */
enum { MN_OTA_RES_SWITCHED = 0, MN_OTA_RES_NOT_VERIFIED = 1, MN_OTA_RES_SWITCH_FAILED = 2, MN_OTA_RES_ABORTED = 3 };

/* Events for JavaScript: [type, a, b]. */
enum {
  MN_OTA_EV_START = 1,    /* a = security counter (persist it), b = chunks */
  MN_OTA_EV_PROGRESS = 2, /* a = chunks held, b = chunks */
  MN_OTA_EV_VERDICT = 3,  /* a = MN_OTA_VERIFIED or MN_OTA_FAILED (or MN_OTA_IDLE: a manifest refused), b = cause */
  MN_OTA_EV_END = 4       /* a = MN_OTA_RES_*, b = the script's version */
};
/*
 * The boot report: the high nibble of a STATUS answer's state byte when the meter is not
 * receiving (its single-frame answer, meternet.dbc OtaBootReport), from the boot hook's
 * record (otaBoot.h), so the aggregator sees what became of a switch without asking the
 * meter's JavaScript: 0 running a confirmed script (or never updated), 1 in a trial,
 * 1 + MN_REVERT_* reverted and why (2 crash, 3 unconfirmed, 4 deadline, 5 invalid),
 * 15 unknown (the boot hook could not read its record or the NOR). The low nibble stays
 * the receiver's state (MN_OTA_IDLE..MN_OTA_FAILED); the counter that follows is the
 * last accepted security counter: the running script's once confirmed.
 */
enum { MN_OTA_BOOT_CONFIRMED = 0, MN_OTA_BOOT_TRIAL = 1, MN_OTA_BOOT_REVERTED = 1, MN_OTA_BOOT_UNKNOWN = 15 };
#define MN_OTA_BOOT_REPORT(trial, reverted) ((uint8_t)((trial) ? MN_OTA_BOOT_TRIAL : (reverted) ? MN_OTA_BOOT_REVERTED + (reverted) : MN_OTA_BOOT_CONFIRMED))
#define MN_OTA_EVENTS 8u
/* Answers: opcode + a status report: up to 118 missing runs, or the bitmap when they do not fit. */
#define MN_OTA_ANSWER_CAP (1u + 12u + (MN_OTA_MAX_CHUNKS + 7u) / 8u)

/* Switches to the verified staged script (the boot record, otaBoot.c): 0 when done. */
typedef int (*mn_ota_commit_fn)(void *ctx, const mn_ota_manifest_t *m);

/*
 * What a transfer needs and listening does not: allocated when a manifest comes (in the
 * main loop: mn_ota_meter_frame's caller), freed when the meter is no longer receiving
 * (verified, failed, committed, aborted, or no chunk nor request for MN_OTA_STALL_MS) and
 * its answer has gone. The meter at rest keeps only mn_ota_meter_t.
 */
typedef struct {
  uint8_t bitmap[MN_OTA_BITMAP_BYTES]; /* the receiver's: chunks held */
  uint8_t ans[MN_OTA_ANSWER_CAP];      /* the status report while receiving (missing runs or the bitmap) */
  mn_ota_txq_t q;                      /* answers while receiving: a status report is up to 70 frames */
} mn_ota_meter_xfer_t;
/* Answers at rest are single frames (verdict, result, a status without runs), one per
 * request, and the aggregator waits for each: one frame's room (a second is counted in
 * overflows and dropped; the aggregator asks again). */
/* Storage for n bytes (the transfer state), zeroed or not, or 0 when memory is short; and its release. */
typedef void *(*mn_ota_alloc_fn)(void *ctx, unsigned n);
typedef void (*mn_ota_release_fn)(void *ctx);
/* A transfer with neither a chunk nor a request for this long is dropped (the aggregator
 * gave up or restarted): its memory is freed, and the same manifest starts it over. */
#define MN_OTA_STALL_MS (5u * 60u * 1000u)

typedef struct {
  mn_ota_rx_t rx;
  mn_isotp_t tp;
  mn_ota_meter_xfer_t *x; /* 0 at rest */
  uint8_t restData[8]; /* the answer frame at rest (its identifier is 0x740 + address) */
  uint8_t restHeld;
  uint32_t overflows; /* answer frames dropped: no room in the queue (the aggregator asks again) */
  uint8_t req[1 + MN_OTA_MANIFEST_BYTES];
  uint8_t body[MN_OTA_BODY_FRAMES * MN_OTA_CHUNK_BYTES]; /* the broadcast manifest body */
  uint16_t bodyHave;                                       /* bit k: body frame k held */
  uint8_t bodyTag;
  uint8_t small[13]; /* answers at rest and short ones: verdict, result, status without runs */
  uint8_t bootReport; /* MN_OTA_BOOT_*: set by the binding from the boot hook's record, and at confirmation */
  uint8_t evType[MN_OTA_EVENTS];
  uint32_t evA[MN_OTA_EVENTS], evB[MN_OTA_EVENTS];
  uint8_t evHead, evCount;
  uint16_t progressStep, lastProgress;
  uint32_t eventsLost, requests, badRequests;
  uint32_t lastMs;                  /* last chunk or request while receiving */
  uint32_t allocs, noMemory, stalls; /* transfer states allocated; manifests refused for memory; transfers dropped stalled */
  mn_ota_commit_fn commit;
  void *commitCtx;
  mn_ota_alloc_fn alloc;
  mn_ota_release_fn release;
  void *allocCtx;
} mn_ota_meter_t;

void mn_ota_meter_init(mn_ota_meter_t *m, const uint8_t key[16], uint8_t address, uint8_t image, uint32_t storedCounter,
                       const mn_ota_staging_t *staging, mn_ota_commit_fn commit, void *commitCtx);

/* Where the transfer state comes from. Without it every manifest is refused "staging". */
void mn_ota_meter_set_alloc(mn_ota_meter_t *m, mn_ota_alloc_fn alloc, mn_ota_release_fn release, void *ctx);

/* A received frame. 1 when it was an OTA frame (taken: JavaScript never sees it), 0 otherwise. */
int mn_ota_meter_frame(mn_ota_meter_t *m, uint16_t id, const uint8_t *data, uint8_t dlc, uint32_t nowMs);

/* ISO 15765-2 timers, the rest of a multi-frame answer, a stalled transfer dropped, the
 * transfer state freed once it is no longer needed. */
void mn_ota_meter_tick(mn_ota_meter_t *m, uint32_t nowMs);

/* Hands queued answer frames to hw (0 = taken) until it refuses one; the number handed. */
unsigned mn_ota_meter_pump(mn_ota_meter_t *m, mn_ota_hw_send_fn hw, void *ctx);

/* The next event: its type (out[0] = a, out[1] = b), or 0 when none. */
int mn_ota_meter_event(mn_ota_meter_t *m, uint32_t out[2]);

#endif
