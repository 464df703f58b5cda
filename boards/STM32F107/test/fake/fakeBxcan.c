/* bxCAN model; see fakeBxcan.h. */
#include "fakeBxcan.h"

#include <stddef.h>
#include <string.h>

#include "../../can/canFilter.h"

#define OFF(member) offsetof(bxcan_regs_t, member)

static void update_mode_request(fake_bxcan_t *f) {
  uint32_t mcr = f->regs.MCR;
  f->target = (mcr & MN_CAN_MCR_INRQ) ? FAKE_CAN_INIT : (mcr & MN_CAN_MCR_SLEEP) ? FAKE_CAN_SLEEP : FAKE_CAN_NORMAL;
  f->countdown = f->ackReads;
}

static uint32_t esr_value(const fake_bxcan_t *f) {
  uint32_t esr = 0;
  if (f->tec >= 96 || f->rec >= 96) esr |= MN_CAN_ESR_EWGF;
  if (f->tec > 127 || f->rec > 127) esr |= MN_CAN_ESR_EPVF;
  if (f->busOff) esr |= MN_CAN_ESR_BOFF;
  esr |= (f->lec & 7u) << MN_CAN_ESR_LEC_SHIFT;
  esr |= ((f->tec > 255 ? 255u : f->tec) << MN_CAN_ESR_TEC_SHIFT) | ((f->rec > 255 ? 255u : f->rec) << MN_CAN_ESR_REC_SHIFT);
  return esr;
}

static uint32_t encode_ir(const mn_can_frame_t *fr) {
  uint32_t ir = (fr->flags & MN_CAN_FLAG_EXT) ? ((fr->id << 3) | MN_CAN_IR_IDE) : (fr->id << 21);
  return ir | ((fr->flags & MN_CAN_FLAG_RTR) ? MN_CAN_IR_RTR : 0u);
}

static uint32_t can_read(fake_region_t *r, size_t off) {
  fake_bxcan_t *f = r->model;
  if (off == OFF(MSR)) {
    f->msrReads++;
    if (f->mode != f->target && !f->neverAck) {
      if (f->countdown > 0) f->countdown--;
      else f->mode = f->target;
    }
    return (f->mode == FAKE_CAN_INIT ? MN_CAN_MSR_INAK : 0u) | (f->mode == FAKE_CAN_SLEEP ? MN_CAN_MSR_SLAK : 0u) |
           (f->erri ? MN_CAN_MSR_ERRI : 0u);
  }
  if (off == OFF(TSR)) {
    uint32_t tsr = f->tsrFlags;
    int code = -1;
    for (int m = 0; m < 3; m++)
      if (!f->pending[m]) {
        tsr |= MN_CAN_TSR_TME((uint32_t)m);
        if (code < 0) code = m;
      }
    return tsr | ((uint32_t)(code < 0 ? 0 : code) << MN_CAN_TSR_CODE_SHIFT);
  }
  for (int k = 0; k < 2; k++) {
    if (off == OFF(RFR[k]))
      return f->count[k] | (f->full[k] ? MN_CAN_RFR_FULL : 0u) | (f->overrun[k] ? MN_CAN_RFR_FOVR : 0u);
    if (off >= OFF(RX[k]) && off < OFF(RX[k]) + sizeof(bxcan_rxfifo_t)) {
      if (f->count[k] == 0) return 0;
      const mn_can_frame_t *fr = &f->fifo[k][0];
      switch (off - OFF(RX[k])) {
        case 0: return encode_ir(fr);
        case 4: return fr->dlc | ((uint32_t)fr->filter << MN_CAN_RDTR_FMI_SHIFT);
        case 8: return (uint32_t)fr->data[0] | (uint32_t)fr->data[1] << 8 | (uint32_t)fr->data[2] << 16 | (uint32_t)fr->data[3] << 24;
        default: return (uint32_t)fr->data[4] | (uint32_t)fr->data[5] << 8 | (uint32_t)fr->data[6] << 16 | (uint32_t)fr->data[7] << 24;
      }
    }
  }
  if (off == OFF(ESR)) return esr_value(f);
  return *(volatile uint32_t *)((volatile uint8_t *)&f->regs + off);
}

static void can_write(fake_region_t *r, size_t off, uint32_t v) {
  fake_bxcan_t *f = r->model;
  volatile uint32_t *reg = (volatile uint32_t *)((volatile uint8_t *)&f->regs + off);
  if (off == OFF(MCR)) {
    f->regs.MCR = v & ~MN_CAN_MCR_RESET;
    update_mode_request(f);
    return;
  }
  if (off == OFF(MSR)) {
    if (v & MN_CAN_MSR_ERRI) f->erri = 0;
    return;
  }
  if (off == OFF(TSR)) {
    for (uint32_t m = 0; m < 3; m++) {
      if (v & MN_CAN_TSR_RQCP(m)) f->tsrFlags &= ~(MN_CAN_TSR_RQCP(m) | MN_CAN_TSR_TXOK(m) | MN_CAN_TSR_ALST(m) | MN_CAN_TSR_TERR(m));
      if ((v & MN_CAN_TSR_ABRQ(m)) && f->pending[m]) {
        f->pending[m] = 0;
        f->tsrFlags |= MN_CAN_TSR_RQCP(m); /* aborted: RQCP=1, TXOK=0 */
      }
    }
    return;
  }
  for (int k = 0; k < 2; k++) {
    if (off == OFF(RFR[k])) {
      if ((v & MN_CAN_RFR_RFOM) && f->count[k] > 0) {
        memmove(&f->fifo[k][0], &f->fifo[k][1], 2 * sizeof(mn_can_frame_t));
        f->count[k]--;
      }
      if (v & MN_CAN_RFR_FULL) f->full[k] = 0;
      if (v & MN_CAN_RFR_FOVR) f->overrun[k] = 0;
      if (f->count[k] < 3) f->full[k] = 0;
      return;
    }
  }
  for (int m = 0; m < 3; m++) {
    if (off >= OFF(TX[m]) && off < OFF(TX[m]) + sizeof(bxcan_txmb_t)) {
      if (f->pending[m]) return; /* write-protected while not empty */
      *reg = v;
      if (off == OFF(TX[m]) && (v & MN_CAN_IR_TXRQ)) {
        f->pending[m] = 1;
        f->seq[m] = ++f->seqCounter;
        f->tsrFlags &= ~(MN_CAN_TSR_RQCP((uint32_t)m) | MN_CAN_TSR_TXOK((uint32_t)m));
      }
      return;
    }
  }
  if (off == OFF(ESR)) {
    f->lec = (v >> MN_CAN_ESR_LEC_SHIFT) & 7u; /* only LEC is writable */
    return;
  }
  *reg = v;
}

void fake_bxcan_init(fake_bxcan_t *f) {
  memset(f, 0, sizeof(*f));
  f->regs.MCR = 0x00010002u; /* reset: SLEEP, DBF */
  f->regs.BTR = 0x01230000u;
  f->regs.FMR = 0x2A1C0E01u; /* FINIT=1, CAN2SB=14 */
  f->mode = f->target = FAKE_CAN_SLEEP;
  f->ackReads = 2;
  f->region.base = &f->regs;
  f->region.size = sizeof(f->regs);
  f->region.read = can_read;
  f->region.write = can_write;
  f->region.model = f;
  fake_regs_add(&f->region);
}

static uint32_t arbitration_key(uint32_t tir) {
  uint32_t base = tir >> 21, rtr = (tir & MN_CAN_IR_RTR) ? 1u : 0u;
  if (!(tir & MN_CAN_IR_IDE)) return (base << 21) | (rtr << 20); /* then IDE dominant (0) */
  uint32_t low18 = (tir >> 3) & 0x3FFFFu;
  return (base << 21) | (1u << 20) | (1u << 19) | (low18 << 1) | rtr; /* SRR, IDE recessive */
}

int fake_bxcan_pending_mailboxes(const fake_bxcan_t *f) { return f->pending[0] + f->pending[1] + f->pending[2]; }

int fake_bxcan_complete_tx(fake_bxcan_t *f, mn_can_frame_t *out) {
  if (f->mode != FAKE_CAN_NORMAL) return 0;
  int pick = -1;
  for (int m = 0; m < 3; m++) {
    if (!f->pending[m]) continue;
    if (pick < 0) { pick = m; continue; }
    if (f->regs.MCR & MN_CAN_MCR_TXFP) {
      if (f->seq[m] < f->seq[pick]) pick = m;
    } else if (arbitration_key(f->regs.TX[m].TIR) < arbitration_key(f->regs.TX[pick].TIR)) {
      pick = m;
    }
  }
  if (pick < 0) return 0;
  const bxcan_txmb_t *mb = &f->regs.TX[pick];
  memset(out, 0, sizeof(*out));
  uint32_t tir = mb->TIR;
  out->flags = ((tir & MN_CAN_IR_IDE) ? MN_CAN_FLAG_EXT : 0u) | ((tir & MN_CAN_IR_RTR) ? MN_CAN_FLAG_RTR : 0u);
  out->id = (tir & MN_CAN_IR_IDE) ? tir >> 3 : tir >> 21;
  out->dlc = (uint8_t)(mb->TDTR & 0xFu);
  for (int b = 0; b < 4; b++) {
    out->data[b] = (uint8_t)(mb->TDLR >> (8 * b));
    out->data[4 + b] = (uint8_t)(mb->TDHR >> (8 * b));
  }
  f->pending[pick] = 0;
  f->tsrFlags |= MN_CAN_TSR_RQCP((uint32_t)pick) | MN_CAN_TSR_TXOK((uint32_t)pick);
  if (f->tec > 0 && !f->busOff) f->tec--;
  f->lec = 0;
  return 1;
}

static void bank_cfg(const fake_bxcan_t *f, unsigned b, bxcan_bank_cfg_t *c) {
  c->list = (f->regs.FM1R >> b) & 1u;
  c->scale32 = (f->regs.FS1R >> b) & 1u;
  c->fifo = (f->regs.FFA1R >> b) & 1u;
  c->fr1 = f->regs.FB[b].FR1;
  c->fr2 = f->regs.FB[b].FR2;
}

static unsigned numbers_in_bank(const bxcan_bank_cfg_t *c) { return (c->scale32 ? 1u : 2u) * (c->list ? 2u : 1u); }

int fake_bxcan_receive(fake_bxcan_t *f, const mn_can_frame_t *frame) {
  if (f->mode != FAKE_CAN_NORMAL || (f->regs.FMR & MN_CAN_FMR_FINIT)) return -2;
  /* received without error, whether a filter takes it or not */
  if (f->rec > 0) f->rec = f->rec > 127 ? 119 : f->rec - 1; /* ISO 11898-1 12.1.4.2 rule 8 */
  f->lec = 0;
  unsigned can2sb = (f->regs.FMR >> MN_CAN_FMR_CAN2SB_SHIFT) & 0x3Fu;
  int best = -1, bestRank = 99;
  for (unsigned b = 0; b < can2sb && b < 28; b++) {
    if (!((f->regs.FA1R >> b) & 1u)) continue;
    bxcan_bank_cfg_t c;
    bank_cfg(f, b, &c);
    if (!mn_can_bank_accepts(&c, frame->id, frame->flags)) continue;
    int rank = (c.scale32 ? 0 : 2) + (c.list ? 0 : 1); /* RM0008 24.7.4 filter priority rules */
    if (rank < bestRank) {
      bestRank = rank;
      best = (int)b;
    }
  }
  if (best < 0) return -1;
  bxcan_bank_cfg_t c;
  bank_cfg(f, (unsigned)best, &c);
  int k = c.fifo;
  unsigned fmi = 0; /* filter numbers of lower banks assigned to the same FIFO */
  for (unsigned b = 0; b < (unsigned)best; b++) {
    bxcan_bank_cfg_t o;
    bank_cfg(f, b, &o);
    if (o.fifo == c.fifo) fmi += numbers_in_bank(&o);
  }
  mn_can_frame_t stored = *frame;
  stored.filter = (uint8_t)fmi;
  if (stored.flags & MN_CAN_FLAG_RTR) memset(stored.data, 0, 8);
  if (f->count[k] < 3) {
    f->fifo[k][f->count[k]++] = stored;
    if (f->count[k] == 3) f->full[k] = 1;
  } else {
    f->overrun[k] = 1;
    if (!(f->regs.MCR & MN_CAN_MCR_RFLM)) f->fifo[k][2] = stored;
  }
  return k;
}

/* ERRI for ESR flags newly raised (before -> now) whose interrupt is enabled. */
static void raise_erri(fake_bxcan_t *f, uint32_t before) {
  uint32_t ier = f->regs.IER;
  uint32_t raised = (esr_value(f) & 7u) & ~before;
  if (((raised & MN_CAN_ESR_EWGF) && (ier & MN_CAN_IER_EWGIE)) || ((raised & MN_CAN_ESR_EPVF) && (ier & MN_CAN_IER_EPVIE)) ||
      ((raised & MN_CAN_ESR_BOFF) && (ier & MN_CAN_IER_BOFIE)))
    f->erri = 1;
}

void fake_bxcan_set_errors(fake_bxcan_t *f, unsigned tec, unsigned rec) {
  uint32_t before = esr_value(f) & 7u;
  f->tec = tec;
  f->rec = rec;
  if (tec > 255) f->busOff = 1;
  raise_erri(f, before);
}

int fake_bxcan_bus_error(fake_bxcan_t *f, unsigned lec, int transmitting) {
  if (transmitting && fake_bxcan_pending_mailboxes(f) == 0) return 0;
  uint32_t before = esr_value(f) & 7u;
  if (transmitting) {
    int passive = (esr_value(f) & MN_CAN_ESR_EPVF) != 0;
    if (!(lec == 3u && passive)) f->tec += 8; /* LEC 3: acknowledgment error */
    if (f->tec > 255) f->busOff = 1;
  } else if (f->rec < 255) {
    f->rec++;
  }
  f->lec = lec & 7u;
  raise_erri(f, before);
  if (f->regs.IER & MN_CAN_IER_LECIE) f->erri = 1;
  return 1;
}

int fake_bxcan_recover(fake_bxcan_t *f) {
  if (!f->busOff || !(f->regs.MCR & MN_CAN_MCR_ABOM)) return 0;
  f->busOff = 0;
  f->tec = f->rec = 0;
  return 1;
}

int fake_bxcan_irq_tx(fake_bxcan_t *f) {
  uint32_t rq = f->tsrFlags & (MN_CAN_TSR_RQCP(0) | MN_CAN_TSR_RQCP(1) | MN_CAN_TSR_RQCP(2));
  return rq && (f->regs.IER & MN_CAN_IER_TMEIE);
}

int fake_bxcan_irq_rx(fake_bxcan_t *f, int k) {
  uint32_t ier = f->regs.IER;
  uint32_t fmpie = k ? MN_CAN_IER_FMPIE1 : MN_CAN_IER_FMPIE0, fovie = k ? MN_CAN_IER_FOVIE1 : MN_CAN_IER_FOVIE0;
  return (f->count[k] && (ier & fmpie)) || (f->overrun[k] && (ier & fovie));
}

int fake_bxcan_irq_sce(fake_bxcan_t *f) { return f->erri && (f->regs.IER & MN_CAN_IER_ERRIE); }
