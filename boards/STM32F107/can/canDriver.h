/*
 * The bxCAN controller behind the CanController port (modules/can/controller.ts):
 * bit timing, filters, three transmit mailboxes, both receive FIFOs drained in
 * their interrupts into a ring, auto-reply slots answered from the receive
 * interrupt, fault confinement states with automatic bus-off recovery.
 *
 * Constant configuration (mn_can_config_t) and mutable state (mn_can_t) are two
 * structs, as in Zephyr's can_stm32_bxcan.c. Registers are touched only through
 * drivers/bxcan.h.
 *
 * Contexts: mn_can_isr_* run in the CAN1 TX / RX0 / RX1 / SCE interrupts (one
 * priority, so they never preempt each other); everything else runs on the
 * interpreter's main loop. The receive ring and the state-change queue are
 * single-producer (ISR) single-consumer (main loop). Main-loop functions that
 * load a mailbox or edit an auto-reply slot mask interrupts while they do, so
 * the receive interrupt's auto-reply cannot take the same mailbox or read a
 * half-written slot.
 *
 * Error codes are those of controller.ts: MN_EINVAL (-22) malformed argument,
 * MN_EBUSY (-16) all mailboxes pending, MN_ENETDOWN (-100) stopped, bus-off,
 * never initialised, or the controller did not acknowledge a mode change, MN_ENOSPC (-28) no free
 * filter bank or auto-reply slot.
 */
#ifndef MN_CAN_DRIVER_H
#define MN_CAN_DRIVER_H

#include <stdint.h>

#include "../drivers/bxcan.h"
#include "canBitTiming.h"
#include "canFilter.h"
#include "canFrame.h"

#ifndef MN_CAN_RX_RING
#define MN_CAN_RX_RING 32 /* power of two; 32 frames = 512 bytes, 20 ms of a saturated 125 kbit/s bus */
#endif
#define MN_CAN_AUTOREPLY_SLOTS 16
#define MN_CAN_STATE_QUEUE 8
/* bxCAN samples near 87.5 % (CiA 301); rates must be exact from the clock, as
 * host/canbus/bxcanModel.ts requires (bxcanRateReachable). */
#define MN_CAN_SAMPLE_POINT_PERMILLE 875
#define MN_CAN_MAX_RATE_ERROR_PPM 0

typedef enum {
  MN_CAN_STOPPED = 0,
  MN_CAN_ERROR_ACTIVE,
  MN_CAN_ERROR_WARNING,
  MN_CAN_ERROR_PASSIVE,
  MN_CAN_BUS_OFF
} mn_can_state_t;

/* Events handed to mn_can_config_t.notify (from an interrupt). */
#define MN_CAN_EV_RX 0x1u
#define MN_CAN_EV_STATE 0x2u

typedef struct {
  /* CanCounters of controller.ts */
  uint32_t tec, rec, txFrames, rxFrames, rxOverruns, autoReplies, busOffCount;
  /* more: receive-ring overflows (interpreter too slow), auto-replies that
   * found no free mailbox (the remote frame goes to the app instead), and bus
   * errors from the status-change interrupt (LEC): txErrors while this node
   * transmitted (each failed attempt; the hardware retries it), rxErrors the others */
  uint32_t rxRingOverflows, autoReplyMissed, txErrors, rxErrors;
} mn_can_counters_t;

typedef struct {
  bxcan_regs_t *regs;
  uint32_t pclkHz;   /* APB1: 36 MHz on the meter */
  uint8_t firstBank; /* filter banks this controller may use: CAN1 0..13 */
  uint8_t bankCount;
  /* Called from an interrupt with MN_CAN_EV_* when the main loop has work and
   * had none before (at most once until mn_can_take_events clears it).
   * Returns nonzero when the main loop will hear of it (Espruino: the event
   * was queued); on 0 (queue full) nothing counts as pending, so the next
   * event calls again instead of delivery stopping for good. */
  int (*notify)(void *ctx, uint32_t events);
  void *notifyCtx;
} mn_can_config_t;

typedef struct {
  mn_can_frame_t frame;
  uint8_t used, once;
} mn_can_slot_t;

typedef struct {
  const mn_can_config_t *cfg;
  volatile uint8_t state; /* mn_can_state_t */
  uint32_t bitrateHz;
  mn_can_timing_t timing;
  mn_can_counters_t c;
  /* TEC and txFrames at the last status-change interrupt: a TEC above what the
   * transmissions since then leave is this node's transmit errors (canDriver.c). */
  uint8_t errTec;
  uint32_t errTxFrames;
  mn_can_frame_t ring[MN_CAN_RX_RING];
  volatile uint32_t ringHead, ringTail;
  volatile uint8_t stateQueue[MN_CAN_STATE_QUEUE];
  volatile uint32_t stateHead, stateTail;
  volatile uint32_t pendingEvents;
  /* Set inside the main loop's critical sections: a notification raised there
   * (deferredEvents) is made after the section ends (see canDriver.c). */
  uint8_t deferNotify;
  uint32_t deferredEvents;
  mn_can_slot_t slots[MN_CAN_AUTOREPLY_SLOTS];
  uint8_t bankGroup[28]; /* 0 free, else (first bank of the filter) + 1 */
} mn_can_t;

/* Binds dev to cfg, stopped, no filters, no slots. 0 or MN_EINVAL. */
int mn_can_init(mn_can_t *dev, const mn_can_config_t *cfg);
/* (Re)starts at bitrateHz: initialisation mode, ABOM=1, identifier-priority
 * transmission (TXFP=0), bit timing, interrupts, then joins the bus. Installed
 * filters and slots are kept. 0, MN_EINVAL (rate not exact from pclk with
 * 8..25 tq) or MN_ENETDOWN (no INAK acknowledge; the controller stays stopped). */
int mn_can_start(mn_can_t *dev, uint32_t bitrateHz);
/* Aborts pending transmissions, leaves the bus (initialisation mode), empties
 * the receive ring. State becomes stopped. */
void mn_can_stop(mn_can_t *dev);
/* Stop, then every filter bank of this controller deactivated and every
 * auto-reply slot emptied: the state after an interpreter reset. */
void mn_can_reset(mn_can_t *dev);
/* Loads a free mailbox. 0, MN_EINVAL, MN_EBUSY or MN_ENETDOWN. */
int mn_can_send(mn_can_t *dev, const mn_can_frame_t *f);
/* Installs a filter in one or two consecutive free banks; returns the first
 * bank number (>= firstBank), MN_EINVAL or MN_ENOSPC. */
int mn_can_add_filter(mn_can_t *dev, const mn_can_filter_t *f);
/* Removes the filter whose first bank is `bank` (both banks of a two-bank
 * filter). Unknown banks are ignored, as controller.ts's removeFilter returns nothing. */
void mn_can_remove_filter(mn_can_t *dev, int bank);
/* Auto-reply: a standard data frame sent from the receive interrupt when a
 * remote frame with its identifier arrives. Replaces the slot with the same id.
 * Returns the slot number, MN_EINVAL (extended, remote or malformed frame) or
 * MN_ENOSPC. */
int mn_can_set_auto_reply(mn_can_t *dev, const mn_can_frame_t *f, int once);
void mn_can_clear_auto_reply(mn_can_t *dev, uint32_t id);

/* Main loop: pending MN_CAN_EV_* bits, cleared. Call before draining. */
uint32_t mn_can_take_events(mn_can_t *dev);
/* Main loop: next received frame into *f; 1, or 0 when the ring is empty. */
int mn_can_take_frame(mn_can_t *dev, mn_can_frame_t *f);
/* Main loop: next state change into *state; 1, or 0 when none is queued. */
int mn_can_take_state_change(mn_can_t *dev, mn_can_state_t *state);
/* Re-reads the error status (bus-off recovery raises no interrupt): call from
 * the main loop's idle hook. Returns 1 when the state changed. */
int mn_can_poll_state(mn_can_t *dev);
mn_can_state_t mn_can_get_state(const mn_can_t *dev);
/* Counters with TEC/REC read from the controller now. */
void mn_can_get_counters(mn_can_t *dev, mn_can_counters_t *out);
/* "stopped", "error-active", ... as controller.ts's CanState. */
const char *mn_can_state_name(mn_can_state_t s);

void mn_can_isr_tx(mn_can_t *dev);
void mn_can_isr_rx(mn_can_t *dev, int fifo);
void mn_can_isr_sce(mn_can_t *dev);

#endif
