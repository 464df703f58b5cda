/* bxCAN register operations; see bxcan.h. Written from RM0008 chapter 24. */
#include "bxcan.h"

#include <stddef.h>

/* Polls until (MN_RD(reg) & mask) == want, at most MN_POLL_LIMIT reads. */
static int wait_bits(mn_reg_t *reg, uint32_t mask, uint32_t want) {
  for (uint32_t n = 0; n < MN_POLL_LIMIT; n++) {
    if ((MN_RD(*reg) & mask) == want) return MN_OK;
  }
  return MN_ETIMEDOUT;
}

int bxcan_enter_init(bxcan_regs_t *can) {
  uint32_t mcr = MN_RD(can->MCR);
  MN_WR(can->MCR, (mcr & ~MN_CAN_MCR_SLEEP) | MN_CAN_MCR_INRQ);
  return wait_bits(&can->MSR, MN_CAN_MSR_INAK | MN_CAN_MSR_SLAK, MN_CAN_MSR_INAK);
}

int bxcan_leave_init(bxcan_regs_t *can) {
  MN_CLR(can->MCR, MN_CAN_MCR_INRQ);
  return wait_bits(&can->MSR, MN_CAN_MSR_INAK, 0);
}

int bxcan_enter_sleep(bxcan_regs_t *can) {
  uint32_t mcr = MN_RD(can->MCR);
  MN_WR(can->MCR, (mcr & ~MN_CAN_MCR_INRQ) | MN_CAN_MCR_SLEEP);
  return wait_bits(&can->MSR, MN_CAN_MSR_SLAK | MN_CAN_MSR_INAK, MN_CAN_MSR_SLAK);
}

void bxcan_set_options(bxcan_regs_t *can, int abom, int txfp) {
  uint32_t mcr = MN_RD(can->MCR);
  /* Time-triggered mode, automatic wake-up and FIFO lock stay off; automatic
   * retransmission stays on (NART=0): a frame that lost arbitration or hit an
   * error is retried by the hardware, as ISO 11898-1 expects. */
  mcr &= ~(MN_CAN_MCR_TTCM | MN_CAN_MCR_AWUM | MN_CAN_MCR_NART | MN_CAN_MCR_RFLM | MN_CAN_MCR_ABOM | MN_CAN_MCR_TXFP | MN_CAN_MCR_DBF);
  if (abom) mcr |= MN_CAN_MCR_ABOM;
  if (txfp) mcr |= MN_CAN_MCR_TXFP;
  MN_WR(can->MCR, mcr);
}

void bxcan_set_bit_timing(bxcan_regs_t *can, uint32_t btr) {
  MN_WR(can->BTR, btr & ~(MN_CAN_BTR_LBKM | MN_CAN_BTR_SILM));
}

void bxcan_enable_irq(bxcan_regs_t *can, uint32_t ierBits) { MN_SET(can->IER, ierBits); }
void bxcan_disable_irq(bxcan_regs_t *can, uint32_t ierBits) { MN_CLR(can->IER, ierBits); }

int bxcan_free_mailbox(bxcan_regs_t *can) {
  uint32_t tsr = MN_RD(can->TSR);
  if ((tsr & MN_CAN_TSR_TME_ALL) == 0) return MN_EBUSY;
  /* CODE holds the number of the next empty mailbox when at least one is empty. */
  return (int)((tsr & MN_CAN_TSR_CODE_MASK) >> MN_CAN_TSR_CODE_SHIFT);
}

int bxcan_transmit(bxcan_regs_t *can, int mailbox, const mn_can_frame_t *f) {
  if (mailbox < 0 || mailbox >= BXCAN_MAILBOXES || f == NULL) return MN_EINVAL;
  if ((MN_RD(can->TSR) & MN_CAN_TSR_TME((uint32_t)mailbox)) == 0) return MN_EBUSY;
  bxcan_txmb_t *mb = &can->TX[mailbox];
  uint32_t ir = (f->flags & MN_CAN_FLAG_EXT) ? ((f->id << MN_CAN_IR_EXID_SHIFT) | MN_CAN_IR_IDE) : (f->id << MN_CAN_IR_STID_SHIFT);
  if (f->flags & MN_CAN_FLAG_RTR) ir |= MN_CAN_IR_RTR;
  MN_WR(mb->TIR, ir);
  MN_WR(mb->TDTR, f->dlc & MN_CAN_DTR_DLC_MASK);
  MN_WR(mb->TDLR, (uint32_t)f->data[0] | ((uint32_t)f->data[1] << 8) | ((uint32_t)f->data[2] << 16) | ((uint32_t)f->data[3] << 24));
  MN_WR(mb->TDHR, (uint32_t)f->data[4] | ((uint32_t)f->data[5] << 8) | ((uint32_t)f->data[6] << 16) | ((uint32_t)f->data[7] << 24));
  MN_WR(mb->TIR, ir | MN_CAN_IR_TXRQ);
  return MN_OK;
}

uint32_t bxcan_take_tx_done(bxcan_regs_t *can) {
  uint32_t tsr = MN_RD(can->TSR);
  uint32_t clear = 0, result = 0;
  for (uint32_t m = 0; m < BXCAN_MAILBOXES; m++) {
    if (!(tsr & MN_CAN_TSR_RQCP(m))) continue;
    clear |= MN_CAN_TSR_RQCP(m); /* rc_w1: writing 1 clears RQCP, TXOK, ALST and TERR */
    result |= (tsr & MN_CAN_TSR_TXOK(m)) ? (1u << m) : (1u << (4u + m));
  }
  if (clear) MN_WR(can->TSR, clear);
  return result;
}

void bxcan_abort_all(bxcan_regs_t *can) {
  MN_WR(can->TSR, MN_CAN_TSR_ABRQ(0) | MN_CAN_TSR_ABRQ(1) | MN_CAN_TSR_ABRQ(2));
}

unsigned bxcan_fifo_pending(bxcan_regs_t *can, int fifo) {
  if (fifo < 0 || fifo >= BXCAN_FIFOS) return 0;
  return MN_RD(can->RFR[fifo]) & MN_CAN_RFR_FMP_MASK;
}

void bxcan_fifo_read_release(bxcan_regs_t *can, int fifo, mn_can_frame_t *f) {
  bxcan_rxfifo_t *rx = &can->RX[fifo];
  uint32_t ir = MN_RD(rx->RIR), dtr = MN_RD(rx->RDTR);
  uint32_t lo = MN_RD(rx->RDLR), hi = MN_RD(rx->RDHR);
  MN_WR(can->RFR[fifo], MN_CAN_RFR_RFOM); /* FULL/FOVR written 0: left alone */
  f->flags = 0;
  if (ir & MN_CAN_IR_IDE) {
    f->flags |= MN_CAN_FLAG_EXT;
    f->id = ir >> MN_CAN_IR_EXID_SHIFT;
  } else {
    f->id = ir >> MN_CAN_IR_STID_SHIFT;
  }
  if (ir & MN_CAN_IR_RTR) f->flags |= MN_CAN_FLAG_RTR;
  f->dlc = (uint8_t)(dtr & MN_CAN_DTR_DLC_MASK);
  if (f->dlc > 8) f->dlc = 8; /* DLC 9..15 means 8 bytes (ISO 11898-1) */
  f->fifo = (uint8_t)fifo;
  f->filter = (uint8_t)(dtr >> MN_CAN_RDTR_FMI_SHIFT);
  for (int b = 0; b < 4; b++) {
    f->data[b] = (uint8_t)(lo >> (8 * b));
    f->data[4 + b] = (uint8_t)(hi >> (8 * b));
  }
}

int bxcan_fifo_take_overrun(bxcan_regs_t *can, int fifo) {
  if (fifo < 0 || fifo >= BXCAN_FIFOS) return 0;
  if (!(MN_RD(can->RFR[fifo]) & MN_CAN_RFR_FOVR)) return 0;
  MN_WR(can->RFR[fifo], MN_CAN_RFR_FOVR | MN_CAN_RFR_FULL); /* rc_w1 */
  return 1;
}

void bxcan_read_error_status(bxcan_regs_t *can, bxcan_error_status_t *out) {
  uint32_t esr = MN_RD(can->ESR);
  out->tec = (uint8_t)(esr >> MN_CAN_ESR_TEC_SHIFT);
  out->rec = (uint8_t)(esr >> MN_CAN_ESR_REC_SHIFT);
  out->warning = (esr & MN_CAN_ESR_EWGF) ? 1 : 0;
  out->passive = (esr & MN_CAN_ESR_EPVF) ? 1 : 0;
  out->busOff = (esr & MN_CAN_ESR_BOFF) ? 1 : 0;
  out->lastErrorCode = (uint8_t)((esr >> MN_CAN_ESR_LEC_SHIFT) & 7u);
}

unsigned bxcan_take_last_error(bxcan_regs_t *can) {
  unsigned lec = (MN_RD(can->ESR) >> MN_CAN_ESR_LEC_SHIFT) & 7u;
  if (lec == BXCAN_LEC_NONE || lec == BXCAN_LEC_SEEN) return BXCAN_LEC_NONE;
  MN_WR(can->ESR, BXCAN_LEC_SEEN << MN_CAN_ESR_LEC_SHIFT); /* only LEC is writable (rw) */
  return lec;
}

void bxcan_clear_error_irq(bxcan_regs_t *can) { MN_WR(can->MSR, MN_CAN_MSR_ERRI); }

void bxcan_filter_init_begin(bxcan_regs_t *can) { MN_SET(can->FMR, MN_CAN_FMR_FINIT); }
void bxcan_filter_init_end(bxcan_regs_t *can) { MN_CLR(can->FMR, MN_CAN_FMR_FINIT); }

int bxcan_filter_set_can2_start(bxcan_regs_t *can, unsigned firstCan2Bank) {
  if (firstCan2Bank < 1 || firstCan2Bank >= BXCAN_BANKS) return MN_EINVAL;
  uint32_t fmr = MN_RD(can->FMR) & ~(0x3Fu << MN_CAN_FMR_CAN2SB_SHIFT);
  MN_WR(can->FMR, fmr | (firstCan2Bank << MN_CAN_FMR_CAN2SB_SHIFT));
  return MN_OK;
}

static void write_bit(mn_reg_t *reg, uint32_t bit, int on) {
  uint32_t v = MN_RD(*reg);
  MN_WR(*reg, on ? (v | bit) : (v & ~bit));
}

int bxcan_filter_set_bank(bxcan_regs_t *can, unsigned bank, const bxcan_bank_cfg_t *cfg) {
  if (bank >= BXCAN_BANKS || cfg == NULL || cfg->fifo > 1) return MN_EINVAL;
  uint32_t bit = 1u << bank;
  MN_CLR(can->FA1R, bit);
  write_bit(&can->FM1R, bit, cfg->list);
  write_bit(&can->FS1R, bit, cfg->scale32);
  write_bit(&can->FFA1R, bit, cfg->fifo);
  MN_WR(can->FB[bank].FR1, cfg->fr1);
  MN_WR(can->FB[bank].FR2, cfg->fr2);
  MN_SET(can->FA1R, bit);
  return MN_OK;
}

int bxcan_filter_disable_bank(bxcan_regs_t *can, unsigned bank) {
  if (bank >= BXCAN_BANKS) return MN_EINVAL;
  MN_CLR(can->FA1R, 1u << bank);
  return MN_OK;
}
