/*
 * bxCAN register operations (RM0008 chapter 24), one function per operation,
 * controller registers first. No state: the controller logic is can/canDriver.c.
 *
 * Errors: MN_ETIMEDOUT (-110) when the controller does not acknowledge a mode
 * request within MN_POLL_LIMIT reads, MN_EBUSY (-16) when no transmit mailbox is
 * empty, MN_EINVAL (-22) for a mailbox, FIFO or bank number out of range.
 */
#ifndef MN_BXCAN_H
#define MN_BXCAN_H

#include <stdint.h>
#include "stm32f107Regs.h"
#include "../can/canFrame.h"

#define BXCAN_MAILBOXES 3
#define BXCAN_FIFOS 2
#define BXCAN_BANKS 28

/* Leaves sleep mode and enters initialisation mode: SLEEP=0, INRQ=1, then waits
 * for INAK=1 and SLAK=0 (RM0008 24.4.1). 0 or MN_ETIMEDOUT. */
int bxcan_enter_init(bxcan_regs_t *can);
/* INRQ=0, waits for INAK=0: the controller has seen 11 recessive bits and joined
 * the bus. 0 or MN_ETIMEDOUT (bus stuck dominant, or no transceiver). */
int bxcan_leave_init(bxcan_regs_t *can);
/* Requests sleep (after a stop): INRQ=0, SLEEP=1, waits for SLAK=1. 0 or MN_ETIMEDOUT. */
int bxcan_enter_sleep(bxcan_regs_t *can);
/* Operating options; only valid in initialisation mode. abom: automatic bus-off
 * recovery; txfp: 1 = transmit in request order, 0 = by identifier priority. */
void bxcan_set_options(bxcan_regs_t *can, int abom, int txfp);
/* BTR from can/canBitTiming.h; only valid in initialisation mode. */
void bxcan_set_bit_timing(bxcan_regs_t *can, uint32_t btr);
void bxcan_enable_irq(bxcan_regs_t *can, uint32_t ierBits);
void bxcan_disable_irq(bxcan_regs_t *can, uint32_t ierBits);

/* Number (0..2) of an empty mailbox, or MN_EBUSY when all three are pending. */
int bxcan_free_mailbox(bxcan_regs_t *can);
/* Loads an empty mailbox and requests transmission (TXRQ written last).
 * 0, MN_EINVAL (mailbox number) or MN_EBUSY (the mailbox is not empty). */
int bxcan_transmit(bxcan_regs_t *can, int mailbox, const mn_can_frame_t *f);
/* Completed requests: clears RQCPx of every finished mailbox and returns the
 * mask of those that finished with TXOK in bits 0..2 and of failed ones
 * (arbitration lost or error, with NART=1 or after an abort) in bits 4..6. */
uint32_t bxcan_take_tx_done(bxcan_regs_t *can);
/* Aborts every pending request (used by stop). */
void bxcan_abort_all(bxcan_regs_t *can);

/* Messages pending in receive FIFO `fifo` (FMP, 0..3). */
unsigned bxcan_fifo_pending(bxcan_regs_t *can, int fifo);
/* Copies the FIFO's output mailbox into *f and releases it (RFOM=1, FMP-1).
 * Call only when bxcan_fifo_pending() > 0. */
void bxcan_fifo_read_release(bxcan_regs_t *can, int fifo, mn_can_frame_t *f);
/* 1 if the FIFO overran (FOVR: a message was lost) since the last call, which
 * clears the flag; else 0. */
int bxcan_fifo_take_overrun(bxcan_regs_t *can, int fifo);

/* Error status: TEC, REC and the EWGF/EPVF/BOFF flags of ESR. */
typedef struct {
  uint8_t tec, rec;
  uint8_t warning, passive, busOff;
  uint8_t lastErrorCode; /* LEC 0..7 */
} bxcan_error_status_t;
void bxcan_read_error_status(bxcan_regs_t *can, bxcan_error_status_t *out);
/* LEC values (RM0008 24.9.2, CAN_ESR). 7 is never written by the hardware. */
#define BXCAN_LEC_NONE 0u
#define BXCAN_LEC_STUFF 1u
#define BXCAN_LEC_FORM 2u
#define BXCAN_LEC_ACK 3u
#define BXCAN_LEC_BIT_RECESSIVE 4u
#define BXCAN_LEC_BIT_DOMINANT 5u
#define BXCAN_LEC_CRC 6u
#define BXCAN_LEC_SEEN 7u
/* The code of a bus error the hardware recorded since the previous call
 * (BXCAN_LEC_STUFF..BXCAN_LEC_CRC), else BXCAN_LEC_NONE; marks it seen by
 * writing LEC = 7, which the hardware overwrites at its next error (or with 0
 * after an error-free frame), so an old code is never reported twice. */
unsigned bxcan_take_last_error(bxcan_regs_t *can);
/* Clears MSR.ERRI, which holds the status-change interrupt pending. */
void bxcan_clear_error_irq(bxcan_regs_t *can);

/* One filter bank as the hardware holds it (see can/canFilter.h). */
typedef struct {
  uint8_t list;    /* FM1R: 1 identifier list, 0 identifier mask */
  uint8_t scale32; /* FS1R: 1 single 32-bit, 0 dual 16-bit */
  uint8_t fifo;    /* FFA1R: 0 or 1 */
  uint32_t fr1, fr2;
} bxcan_bank_cfg_t;
/* Enters / leaves filter initialisation mode (FMR.FINIT). Reception through
 * the filters pauses while FINIT=1. */
void bxcan_filter_init_begin(bxcan_regs_t *can);
void bxcan_filter_init_end(bxcan_regs_t *can);
/* First bank of CAN2 (FMR.CAN2SB, 1..27); CAN1 owns 0..n-1. Call between
 * begin and end. 0 or MN_EINVAL. */
int bxcan_filter_set_can2_start(bxcan_regs_t *can, unsigned firstCan2Bank);
/* Writes and activates one bank (deactivated while written, RM0008 24.7.4).
 * Call between begin and end. 0 or MN_EINVAL. */
int bxcan_filter_set_bank(bxcan_regs_t *can, unsigned bank, const bxcan_bank_cfg_t *cfg);
/* Deactivates one bank. Call between begin and end. 0 or MN_EINVAL. */
int bxcan_filter_disable_bank(bxcan_regs_t *can, unsigned bank);

#endif
