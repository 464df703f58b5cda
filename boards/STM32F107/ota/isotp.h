/*
 * ISO 15765-2 (ISO-TP) on classic CAN: normal addressing, 8-byte frames padded with
 * 0xCC, messages up to 4095 bytes (single frame up to 7). One channel is one peer:
 * a receiver that answers with flow control, and a sender that waits for it.
 * Pure C: frames go out through a callback, time comes in as milliseconds, so the
 * same code runs on the meter (behind CAN1) and in the host tests.
 *
 * Used for the OTA control exchange (manifest, status, repair, commit): see README.md.
 */
#ifndef MN_OTA_ISOTP_H
#define MN_OTA_ISOTP_H

#include <stdint.h>

#define MN_ISOTP_MAX 4095u
#define MN_ISOTP_PAD 0xCCu
/* N_Bs and N_Cr of the standard: how long a sender waits for flow control and a
 * receiver for the next consecutive frame. */
#define MN_ISOTP_TIMEOUT_MS 1000u
/* Flow-control WAIT frames a sender accepts in a row before it gives up (N_WFTmax). */
#define MN_ISOTP_MAX_WAIT 8u

enum {
  MN_ISOTP_E_SN = -1,         /* consecutive frame out of sequence: message dropped */
  MN_ISOTP_E_UNEXPECTED = -2, /* a frame the state does not expect (ignored or restarts) */
  MN_ISOTP_E_OVERFLOW = -3,   /* longer than the receive buffer: FC overflow sent */
  MN_ISOTP_E_TIMEOUT = -4,    /* N_Bs or N_Cr expired */
  MN_ISOTP_E_FRAME = -5,      /* malformed: DLC, length field, reserved PCI */
  MN_ISOTP_E_PEER = -6,       /* the peer answered overflow or too many WAITs */
  MN_ISOTP_E_BUSY = -7,       /* a message is already being sent */
  MN_ISOTP_E_SEND = -8        /* the frame callback refused a frame */
};

/* Queues one 8-byte frame on the channel's transmit identifier; 0 when queued. */
typedef int (*mn_isotp_send_fn)(void *ctx, const uint8_t frame[8]);

typedef struct {
  mn_isotp_send_fn send;
  void *ctx;
  /* receive */
  uint8_t *buf;
  uint16_t cap, rxLen, rxGot;
  uint8_t rxActive, rxSn, rxBsLeft;
  uint8_t bs, stMin; /* what our flow control asks for */
  uint32_t rxDeadlineMs;
  /* transmit */
  const uint8_t *tx;
  uint16_t txLen, txSent;
  uint8_t txState, txSn, txBs, txBsLeft, txWaits;
  uint32_t txStMinMs, txNextMs, txDeadlineMs;
  /* what went wrong, by cause (index = -error - 1) */
  uint16_t errors[8];
} mn_isotp_t;

void mn_isotp_init(mn_isotp_t *t, uint8_t *rxBuf, uint16_t cap, uint8_t blockSize, uint8_t stMin, mn_isotp_send_fn send, void *ctx);

/* A frame from the peer (data or flow control). Returns the length of a message now
 * complete in rxBuf (> 0), 0 when nothing is complete yet, or an MN_ISOTP_E_ code
 * (counted in errors[]). */
int mn_isotp_rx(mn_isotp_t *t, const uint8_t *data, uint8_t dlc, uint32_t nowMs);

/* Starts sending msg (kept by reference until done). 1 when sent whole (single
 * frame), 0 when a first frame went out and flow control is awaited, or an error. */
int mn_isotp_send(mn_isotp_t *t, const uint8_t *msg, uint16_t len, uint32_t nowMs);

/* Sends what flow control and STmin allow now and checks the timeouts.
 * 1 when the message is sent whole (once), 0 while in progress or idle, or an error. */
int mn_isotp_poll(mn_isotp_t *t, uint32_t nowMs);

/* STmin byte -> whole milliseconds, rounded up: time here counts in ms, so the
 * 100..900 us values wait 1 ms (a sender may always wait longer); reserved values
 * count as 127 ms, as the standard says. */
uint32_t mn_isotp_stmin_ms(uint8_t stMin);

#endif
