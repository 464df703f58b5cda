/* bxCAN controller logic; see canDriver.h. */
#include "canDriver.h"

#include <stddef.h>
#include <string.h>

#define IER_RUNNING                                                                                             \
  (MN_CAN_IER_TMEIE | MN_CAN_IER_FMPIE0 | MN_CAN_IER_FOVIE0 | MN_CAN_IER_FMPIE1 | MN_CAN_IER_FOVIE1 | MN_CAN_IER_EWGIE |         \
   MN_CAN_IER_EPVIE | MN_CAN_IER_BOFIE | MN_CAN_IER_LECIE | MN_CAN_IER_ERRIE)

static void notify(mn_can_t *dev, uint32_t ev) {
  if (dev->cfg->notify && !dev->cfg->notify(dev->cfg->notifyCtx, ev))
    dev->pendingEvents = 0; /* refused (event queue full): the next event asks again */
}

static void raise_events(mn_can_t *dev, uint32_t ev) {
  uint32_t before = dev->pendingEvents;
  dev->pendingEvents = before | ev;
  if (before != 0) return;
  if (dev->deferNotify) dev->deferredEvents |= ev;
  else notify(dev, ev);
}

/* Critical sections of the main loop. Espruino's jshPushEvent, behind notify,
 * ends with jshInterruptOn(): called in here it would reopen interrupts half-way
 * through, so a notification raised inside waits for the end. (Interrupt
 * handlers notify at once: they cannot run while this is masked.) */
static uint32_t main_critical_begin(mn_can_t *dev) {
  uint32_t irq = MN_IRQ_SAVE();
  dev->deferNotify = 1;
  return irq;
}

static void main_critical_end(mn_can_t *dev, uint32_t irq) {
  uint32_t ev = dev->deferredEvents;
  dev->deferredEvents = 0;
  dev->deferNotify = 0;
  MN_IRQ_RESTORE(irq);
  if (ev) notify(dev, ev);
}

/* Records a new state (called from an ISR, or from the main loop with
 * interrupts masked) and queues it for the state callback. */
static void set_state(mn_can_t *dev, mn_can_state_t s) {
  if (dev->state == (uint8_t)s) return;
  if (s == MN_CAN_BUS_OFF) dev->c.busOffCount++;
  dev->state = (uint8_t)s;
  if (dev->stateHead - dev->stateTail < MN_CAN_STATE_QUEUE) {
    dev->stateQueue[dev->stateHead % MN_CAN_STATE_QUEUE] = (uint8_t)s;
    dev->stateHead++;
  } else {
    /* queue full: overwrite the newest entry so the last state is never lost */
    dev->stateQueue[(dev->stateHead - 1u) % MN_CAN_STATE_QUEUE] = (uint8_t)s;
  }
  raise_events(dev, MN_CAN_EV_STATE);
}

/* ESR -> state. EWGF/EPVF/BOFF follow TEC/REC thresholds 96 / 128 / 256
 * (RM0008 24.7.6); with ABOM the hardware clears BOFF after 128 x 11 recessive
 * bits, and the next evaluation reports error-active again. */
static int evaluate_state(mn_can_t *dev) {
  if (dev->state == MN_CAN_STOPPED) return 0;
  bxcan_error_status_t es;
  bxcan_read_error_status(dev->cfg->regs, &es);
  mn_can_state_t s = es.busOff    ? MN_CAN_BUS_OFF
                     : es.passive ? MN_CAN_ERROR_PASSIVE
                     : es.warning ? MN_CAN_ERROR_WARNING
                                  : MN_CAN_ERROR_ACTIVE;
  if (s == (mn_can_state_t)dev->state) return 0;
  set_state(dev, s);
  return 1;
}

int mn_can_init(mn_can_t *dev, const mn_can_config_t *cfg) {
  if (dev == NULL || cfg == NULL || cfg->regs == NULL || cfg->pclkHz == 0 || cfg->bankCount == 0 ||
      (unsigned)cfg->firstBank + cfg->bankCount > BXCAN_BANKS)
    return MN_EINVAL;
  memset(dev, 0, sizeof(*dev));
  dev->cfg = cfg;
  dev->state = MN_CAN_STOPPED;
  return MN_OK;
}

int mn_can_start(mn_can_t *dev, uint32_t bitrateHz) {
  mn_can_timing_t t;
  if (dev->cfg == NULL) return MN_ENETDOWN;
  if (mn_can_timing_compute(dev->cfg->pclkHz, bitrateHz, MN_CAN_SAMPLE_POINT_PERMILLE, MN_CAN_MAX_RATE_ERROR_PPM, &t) != MN_OK)
    return MN_EINVAL;
  if (dev->state != MN_CAN_STOPPED) mn_can_stop(dev);
  bxcan_regs_t *can = dev->cfg->regs;
  if (bxcan_enter_init(can) != MN_OK) return MN_ENETDOWN;
  bxcan_set_options(can, 1 /* ABOM */, 0 /* TXFP: identifier priority */);
  bxcan_set_bit_timing(can, t.btr);
  /* CAN1 owns the shared filter block: banks from firstBank+bankCount on go to CAN2. */
  bxcan_filter_init_begin(can);
  bxcan_filter_set_can2_start(can, (unsigned)dev->cfg->firstBank + dev->cfg->bankCount);
  bxcan_filter_init_end(can);
  dev->timing = t;
  dev->bitrateHz = bitrateHz;
  dev->c.tec = dev->c.rec = 0;
  (void)bxcan_take_last_error(can); /* an error from before this start is not ours to count */
  dev->errTec = 0;
  dev->errTxFrames = dev->c.txFrames;
  bxcan_enable_irq(can, IER_RUNNING);
  if (bxcan_leave_init(can) != MN_OK) {
    bxcan_disable_irq(can, IER_RUNNING);
    return MN_ENETDOWN;
  }
  uint32_t irq = main_critical_begin(dev);
  set_state(dev, MN_CAN_ERROR_ACTIVE);
  evaluate_state(dev);
  main_critical_end(dev, irq);
  return MN_OK;
}

void mn_can_stop(mn_can_t *dev) {
  if (dev->cfg == NULL) return; /* never initialised (kill hook before init) */
  bxcan_regs_t *can = dev->cfg->regs;
  bxcan_disable_irq(can, IER_RUNNING);
  bxcan_abort_all(can);
  /* A timeout here leaves the controller as it is; the state is stopped either way
   * and mn_can_send refuses, so nothing more reaches the bus from us. */
  (void)bxcan_enter_init(can);
  (void)bxcan_take_tx_done(can);
  uint32_t irq = main_critical_begin(dev);
  dev->ringTail = dev->ringHead;
  set_state(dev, MN_CAN_STOPPED);
  main_critical_end(dev, irq);
}

void mn_can_reset(mn_can_t *dev) {
  if (dev->cfg == NULL) return;
  mn_can_stop(dev);
  unsigned first = dev->cfg->firstBank, end = first + dev->cfg->bankCount;
  bxcan_filter_init_begin(dev->cfg->regs);
  for (unsigned b = first; b < end; b++) {
    (void)bxcan_filter_disable_bank(dev->cfg->regs, b);
    dev->bankGroup[b] = 0;
  }
  bxcan_filter_init_end(dev->cfg->regs);
  uint32_t irq = MN_IRQ_SAVE();
  memset(dev->slots, 0, sizeof(dev->slots));
  MN_IRQ_RESTORE(irq);
}

int mn_can_send(mn_can_t *dev, const mn_can_frame_t *f) {
  if (mn_can_frame_check(f) != MN_OK) return MN_EINVAL;
  if (dev->cfg == NULL || dev->state == MN_CAN_STOPPED || dev->state == MN_CAN_BUS_OFF) return MN_ENETDOWN;
  uint32_t irq = MN_IRQ_SAVE();
  int mb = bxcan_free_mailbox(dev->cfg->regs);
  int rc = mb < 0 ? MN_EBUSY : bxcan_transmit(dev->cfg->regs, mb, f);
  MN_IRQ_RESTORE(irq);
  return rc;
}

int mn_can_add_filter(mn_can_t *dev, const mn_can_filter_t *f) {
  bxcan_bank_cfg_t banks[MN_CAN_FILTER_MAX_BANKS];
  if (dev->cfg == NULL) return MN_ENETDOWN;
  int n = mn_can_filter_encode(f, banks);
  if (n < 0) return n;
  unsigned first = dev->cfg->firstBank, end = first + dev->cfg->bankCount;
  for (unsigned b = first; b + (unsigned)n <= end; b++) {
    int freeRun = 1;
    for (int k = 0; k < n; k++)
      if (dev->bankGroup[b + (unsigned)k]) freeRun = 0;
    if (!freeRun) continue;
    bxcan_filter_init_begin(dev->cfg->regs);
    for (int k = 0; k < n; k++) {
      (void)bxcan_filter_set_bank(dev->cfg->regs, b + (unsigned)k, &banks[k]);
      dev->bankGroup[b + (unsigned)k] = (uint8_t)(b + 1u);
    }
    bxcan_filter_init_end(dev->cfg->regs);
    return (int)b;
  }
  return MN_ENOSPC;
}

void mn_can_remove_filter(mn_can_t *dev, int bank) {
  if (dev->cfg == NULL) return;
  unsigned first = dev->cfg->firstBank, end = first + dev->cfg->bankCount;
  if (bank < (int)first || bank >= (int)end || dev->bankGroup[bank] != (uint8_t)(bank + 1)) return;
  bxcan_filter_init_begin(dev->cfg->regs);
  for (unsigned b = (unsigned)bank; b < end && dev->bankGroup[b] == (uint8_t)(bank + 1); b++) {
    (void)bxcan_filter_disable_bank(dev->cfg->regs, b);
    dev->bankGroup[b] = 0;
  }
  bxcan_filter_init_end(dev->cfg->regs);
}

int mn_can_set_auto_reply(mn_can_t *dev, const mn_can_frame_t *f, int once) {
  if (mn_can_frame_check(f) != MN_OK || (f->flags & (MN_CAN_FLAG_EXT | MN_CAN_FLAG_RTR))) return MN_EINVAL;
  int target = -1;
  for (int s = 0; s < MN_CAN_AUTOREPLY_SLOTS; s++) {
    if (dev->slots[s].used && dev->slots[s].frame.id == f->id) {
      target = s;
      break;
    }
    if (!dev->slots[s].used && target < 0) target = s;
  }
  if (target < 0) return MN_ENOSPC;
  uint32_t irq = MN_IRQ_SAVE();
  dev->slots[target].frame = *f;
  dev->slots[target].once = once ? 1 : 0;
  dev->slots[target].used = 1;
  MN_IRQ_RESTORE(irq);
  return target;
}

void mn_can_clear_auto_reply(mn_can_t *dev, uint32_t id) {
  uint32_t irq = MN_IRQ_SAVE();
  for (int s = 0; s < MN_CAN_AUTOREPLY_SLOTS; s++)
    if (dev->slots[s].used && dev->slots[s].frame.id == id) dev->slots[s].used = 0;
  MN_IRQ_RESTORE(irq);
}

uint32_t mn_can_take_events(mn_can_t *dev) {
  uint32_t irq = MN_IRQ_SAVE();
  uint32_t ev = dev->pendingEvents;
  dev->pendingEvents = 0;
  MN_IRQ_RESTORE(irq);
  return ev;
}

int mn_can_take_frame(mn_can_t *dev, mn_can_frame_t *f) {
  uint32_t tail = dev->ringTail;
  if (tail == dev->ringHead) return 0;
  *f = dev->ring[tail % MN_CAN_RX_RING];
  dev->ringTail = tail + 1u;
  return 1;
}

int mn_can_take_state_change(mn_can_t *dev, mn_can_state_t *state) {
  uint32_t irq = MN_IRQ_SAVE();
  int got = 0;
  if (dev->stateTail != dev->stateHead) {
    *state = (mn_can_state_t)dev->stateQueue[dev->stateTail % MN_CAN_STATE_QUEUE];
    dev->stateTail++;
    got = 1;
  }
  MN_IRQ_RESTORE(irq);
  return got;
}

int mn_can_poll_state(mn_can_t *dev) {
  uint32_t irq = main_critical_begin(dev);
  int changed = evaluate_state(dev);
  main_critical_end(dev, irq);
  return changed;
}

mn_can_state_t mn_can_get_state(const mn_can_t *dev) { return (mn_can_state_t)dev->state; }

void mn_can_get_counters(mn_can_t *dev, mn_can_counters_t *out) {
  uint32_t irq = MN_IRQ_SAVE();
  if (dev->state != MN_CAN_STOPPED) {
    bxcan_error_status_t es;
    bxcan_read_error_status(dev->cfg->regs, &es);
    dev->c.tec = es.tec;
    dev->c.rec = es.rec;
  }
  *out = dev->c;
  MN_IRQ_RESTORE(irq);
}

const char *mn_can_state_name(mn_can_state_t s) {
  switch (s) {
    case MN_CAN_ERROR_ACTIVE: return "error-active";
    case MN_CAN_ERROR_WARNING: return "error-warning";
    case MN_CAN_ERROR_PASSIVE: return "error-passive";
    case MN_CAN_BUS_OFF: return "bus-off";
    default: return "stopped";
  }
}

/* Completed mailboxes. One that completes without TXOK was aborted (stop):
 * with automatic retransmission (NART=0) a failed attempt is retried, not
 * completed, so failures are counted from the error interrupt instead. */
static void count_tx_done(mn_can_t *dev) {
  uint32_t done = bxcan_take_tx_done(dev->cfg->regs);
  for (uint32_t m = 0; m < BXCAN_MAILBOXES; m++)
    if (done & (1u << m)) dev->c.txFrames++;
}

void mn_can_isr_tx(mn_can_t *dev) {
  count_tx_done(dev);
  evaluate_state(dev);
}

/* Answers a standard remote frame from its slot. 1 when answered (or
 * consumed), 0 when the frame must go to the application. */
static int auto_reply(mn_can_t *dev, const mn_can_frame_t *remote) {
  for (int s = 0; s < MN_CAN_AUTOREPLY_SLOTS; s++) {
    mn_can_slot_t *slot = &dev->slots[s];
    if (!slot->used || slot->frame.id != remote->id) continue;
    int mb = bxcan_free_mailbox(dev->cfg->regs);
    if (mb < 0 || bxcan_transmit(dev->cfg->regs, mb, &slot->frame) != MN_OK) {
      /* all mailboxes pending: the app sees the remote frame and may answer later;
       * a once-slot stays filled, as in host/canbus/bxcanModel.ts */
      dev->c.autoReplyMissed++;
      return 0;
    }
    dev->c.autoReplies++;
    if (slot->once) slot->used = 0;
    return 1;
  }
  return 0;
}

void mn_can_isr_rx(mn_can_t *dev, int fifo) {
  bxcan_regs_t *can = dev->cfg->regs;
  uint32_t ev = 0;
  /* Drain everything pending (at most 3), so one interrupt costs one entry. */
  while (bxcan_fifo_pending(can, fifo) > 0) {
    mn_can_frame_t f;
    bxcan_fifo_read_release(can, fifo, &f);
    dev->c.rxFrames++;
    if ((f.flags & (MN_CAN_FLAG_RTR | MN_CAN_FLAG_EXT)) == MN_CAN_FLAG_RTR && dev->state != MN_CAN_BUS_OFF &&
        auto_reply(dev, &f))
      continue;
    uint32_t head = dev->ringHead;
    if (head - dev->ringTail >= MN_CAN_RX_RING) {
      dev->c.rxRingOverflows++; /* the newest frame is dropped: the ring's contents stay in order */
      continue;
    }
    if (f.flags & MN_CAN_FLAG_RTR) memset(f.data, 0, sizeof(f.data));
    dev->ring[head % MN_CAN_RX_RING] = f;
    dev->ringHead = head + 1u;
    ev |= MN_CAN_EV_RX;
  }
  if (bxcan_fifo_take_overrun(can, fifo)) dev->c.rxOverruns++;
  evaluate_state(dev);
  if (ev) raise_events(dev, ev);
}

/* Bus errors, counted in the status-change interrupt (each error sets ERRI
 * through LECIE). Which were ours while transmitting? LEC alone does not say
 * (stuff, form and CRC errors hit receivers too) and it is cleared again by
 * the next error-free frame, so a retry that succeeded before the interrupt
 * ran leaves LEC 0. TEC says (ISO 11898-1 12.1.4.2): +8 for each transmit
 * error, -1 for each frame sent; receive errors move REC only. So TEC is
 * compared with its value at the previous status-change interrupt less the
 * frames sent since (completions are counted first, so that number is exact):
 * a rise above 4 is (rise + 4) / 8 transmit errors, one each or several when
 * the interrupt was held off across attempts; the margin of 4 absorbs up to 3
 * frames sent between the two register reads. A new LEC with no such rise is
 * an error-passive transmitter's missing acknowledge (its TEC stays, and only
 * a transmitter checks for one), the error that took the node bus-off (TEC's
 * 8 bits stop at 255), or else a receive error. */
static void count_bus_errors(mn_can_t *dev, unsigned lec, const bxcan_error_status_t *es) {
  uint32_t sent = dev->c.txFrames - dev->errTxFrames;
  uint32_t expected = dev->errTec > sent ? dev->errTec - sent : 0u;
  uint32_t tx = es->tec > expected + 4u ? (es->tec - expected + 4u) / 8u : 0u;
  if (lec != BXCAN_LEC_NONE && tx == 0) {
    if (lec == BXCAN_LEC_ACK || es->busOff) tx = 1;
    else dev->c.rxErrors++;
  }
  dev->c.txErrors += tx;
}

void mn_can_isr_sce(mn_can_t *dev) {
  bxcan_regs_t *can = dev->cfg->regs;
  bxcan_clear_error_irq(can);
  count_tx_done(dev);
  unsigned lec = bxcan_take_last_error(can);
  bxcan_error_status_t es;
  bxcan_read_error_status(can, &es);
  if (dev->state != MN_CAN_STOPPED) count_bus_errors(dev, lec, &es);
  dev->errTec = es.tec;
  dev->errTxFrames = dev->c.txFrames;
  evaluate_state(dev);
}
