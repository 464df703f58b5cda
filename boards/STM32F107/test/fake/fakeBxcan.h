/*
 * A register-level model of one bxCAN controller (RM0008 chapter 24) for what
 * our driver touches:
 *  - modes: reset in sleep (SLAK=1); MCR.INRQ / SLEEP requests are acknowledged
 *    (MSR.INAK / SLAK) after `ackReads` reads of MSR, or never with `neverAck`;
 *  - transmit mailboxes: TME while empty, TIxR write-protected while pending,
 *    TXRQ makes a mailbox pending; fake_bxcan_complete_tx sends the pending
 *    one the hardware would pick (TXFP=0: lowest identifier by arbitration, equal
 *    identifiers by mailbox number; TXFP=1: request order) and sets RQCP+TXOK;
 *    TSR.CODE names the lowest empty mailbox; RQCPx (rc_w1) clears its flags;
 *    ABRQx aborts a pending mailbox;
 *  - filters: banks below FMR.CAN2SB, active in FA1R, scale/mode/FIFO from
 *    FS1R/FM1R/FFA1R; priority 32-bit over 16-bit, list over mask, lower bank
 *    first; nothing is received while FINIT=1 or the controller is not in normal mode;
 *  - receive FIFOs of three: FMP counts, FULL, RFOM releases the output mailbox,
 *    a fourth frame sets FOVR (rc_w1) and overwrites the last (RFLM=0) or is
 *    discarded (RFLM=1);
 *  - ESR: TEC/REC set by the test, EWGF at 96, EPVF above 127, BOFF; a new flag
 *    sets MSR.ERRI (rc_w1); with ABOM fake_bxcan_recover leaves bus-off;
 *  - bus errors (fake_bxcan_bus_error): LEC set by the hardware (ERRI with
 *    LECIE), TEC +8 for a transmitter's error (not for an error-passive one's
 *    ACK error: ISO 11898-1 12.1.4.2) with the mailbox still pending (NART=0:
 *    retried), REC +1 for a receiver's; a frame sent or received without error
 *    clears LEC and takes TEC / REC down by 1; software may write LEC (7).
 * Not modelled: bit timing on a wire, time stamps, sleep wake-up, loop-back.
 */
#ifndef MN_FAKE_BXCAN_H
#define MN_FAKE_BXCAN_H

#include "../../drivers/stm32f107Regs.h"
#include "../../can/canFrame.h"
#include "fakeRegs.h"

typedef enum { FAKE_CAN_SLEEP, FAKE_CAN_INIT, FAKE_CAN_NORMAL } fake_can_mode_t;

typedef struct {
  bxcan_regs_t regs; /* the block the driver points at */
  fake_region_t region;
  int ackReads, neverAck, countdown;
  fake_can_mode_t mode, target;
  /* transmit */
  int pending[3];
  uint32_t seq[3], seqCounter;
  uint32_t tsrFlags; /* RQCP/TXOK/ALST/TERR bits */
  /* receive */
  mn_can_frame_t fifo[2][3];
  unsigned count[2];
  int full[2], overrun[2];
  /* errors */
  unsigned tec, rec, lec;
  int busOff, erri;
  unsigned msrReads;
} fake_bxcan_t;

void fake_bxcan_init(fake_bxcan_t *f);
/* Sends one pending mailbox (if the controller is in normal mode): 1 and the
 * frame in *out, or 0. */
int fake_bxcan_complete_tx(fake_bxcan_t *f, mn_can_frame_t *out);
/* A frame from the bus: returns the FIFO it went to, -1 when no filter accepts
 * it, -2 when the controller does not receive (not normal mode, or FINIT). */
int fake_bxcan_receive(fake_bxcan_t *f, const mn_can_frame_t *frame);
/* Sets TEC/REC (TEC >= 256 means bus-off) and the ESR flags they imply. */
void fake_bxcan_set_errors(fake_bxcan_t *f, unsigned tec, unsigned rec);
/* A bus error with last error code `lec` (1..6) while this node transmitted
 * (`transmitting`: needs a pending mailbox, which stays pending) or received.
 * 1, or 0 when transmitting with no mailbox pending. */
int fake_bxcan_bus_error(fake_bxcan_t *f, unsigned lec, int transmitting);
/* 128 x 11 recessive bits seen: with ABOM leaves bus-off. 1 if it did. */
int fake_bxcan_recover(fake_bxcan_t *f);
/* Interrupt lines as the NVIC would see them. */
int fake_bxcan_irq_tx(fake_bxcan_t *f);
int fake_bxcan_irq_rx(fake_bxcan_t *f, int fifo);
int fake_bxcan_irq_sce(fake_bxcan_t *f);
int fake_bxcan_pending_mailboxes(const fake_bxcan_t *f);

#endif
