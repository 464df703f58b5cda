/* RCC / AFIO / GPIO / NVIC models at the real addresses; see fakeBoard.h. */
#include "fakeBoard.h"

#include <stddef.h>
#include <string.h>

static volatile uint32_t *reg_at(volatile void *base, size_t off) { return (volatile uint32_t *)((volatile uint8_t *)base + off); }

static volatile void *model_block(fake_region_t *r) {
  fake_board_t *f = r->model;
  if (r == &f->rRcc) return &f->rcc;
  if (r == &f->rAfio) return &f->afio;
  if (r == &f->rGpioc) return &f->gpioc;
  if (r == &f->rGpiod) return &f->gpiod;
  if (r == &f->rDwt) return f->dwt;
  if (r == &f->rDemcr) return &f->demcr;
  return &f->nvic;
}

static uint32_t plain_read(fake_region_t *r, size_t off) { return *reg_at(model_block(r), off); }
static void plain_write(fake_region_t *r, size_t off, uint32_t v) {
  fake_board_t *f = r->model;
  if (r == &f->rNvic && off < offsetof(nvic_regs_t, reserved0)) { /* ISER: write 1 to set */
    *reg_at(&f->nvic, off) |= v;
    return;
  }
  *reg_at(model_block(r), off) = v;
}

/* RCC_CSR: RMVF reads 0 and, written 1, clears every reset flag (RM0008 8.3.10) */
static uint32_t csr_read(fake_region_t *r, size_t off) {
  (void)off;
  return ((fake_board_t *)r->model)->rccCsr & ~(1u << 24);
}
static void csr_write(fake_region_t *r, size_t off, uint32_t v) {
  fake_board_t *f = r->model;
  (void)off;
  f->rccCsr = (v & (1u << 24)) ? (v & 0x00FFFFFFu & ~(1u << 24)) : ((f->rccCsr & 0xFF000000u) | (v & 0x00FFFFFFu));
}

static uint32_t afio_read(fake_region_t *r, size_t off) {
  fake_board_t *f = r->model;
  if (off == offsetof(afio_regs_t, MAPR)) return f->afio.MAPR & ~MN_AFIO_MAPR_SWJ_MASK; /* SWJ_CFG reads 000 */
  return *reg_at(&f->afio, off);
}

static void afio_write(fake_region_t *r, size_t off, uint32_t v) {
  fake_board_t *f = r->model;
  if (off == offsetof(afio_regs_t, MAPR)) {
    uint32_t swj = (v & MN_AFIO_MAPR_SWJ_MASK) >> 24;
    if (swj == 0u || swj == 1u || swj == 2u || swj == 4u) f->swjCfg = swj; /* others: no effect */
    f->afio.MAPR = v & ~MN_AFIO_MAPR_SWJ_MASK;
    return;
  }
  *reg_at(&f->afio, off) = v;
}

static void add(fake_board_t *f, fake_region_t *r, uintptr_t base, size_t size, uint32_t (*rd)(fake_region_t *, size_t),
                void (*wr)(fake_region_t *, size_t, uint32_t)) {
  r->base = (volatile void *)base;
  r->size = size;
  r->read = rd;
  r->write = wr;
  r->model = f;
  fake_regs_add(r);
}

void fake_board_init(fake_board_t *f) {
  memset(f, 0, sizeof(*f));
  /* reset values (RM0008): GPIO CRL/CRH 0x44444444 = floating inputs */
  f->gpioc.CRL = f->gpioc.CRH = f->gpiod.CRL = f->gpiod.CRH = 0x44444444u;
  add(f, &f->rRcc, MN_RCC_BASE, sizeof(f->rcc), plain_read, plain_write);
  add(f, &f->rAfio, MN_AFIO_BASE, sizeof(f->afio), afio_read, afio_write);
  add(f, &f->rGpioc, MN_GPIOC_BASE, sizeof(f->gpioc), plain_read, plain_write);
  add(f, &f->rGpiod, MN_GPIOD_BASE, sizeof(f->gpiod), plain_read, plain_write);
  add(f, &f->rNvic, MN_NVIC_BASE, sizeof(f->nvic), plain_read, plain_write);
  add(f, &f->rDwt, MN_DWT_CTRL_ADDR, sizeof(f->dwt), plain_read, plain_write);
  add(f, &f->rDemcr, MN_DEMCR_ADDR, sizeof(f->demcr), plain_read, plain_write);
  add(f, &f->rRccCsr, MN_RCC_BASE + 0x24u, sizeof(f->rccCsr), csr_read, csr_write);
}

void fake_board_espruino_reset(fake_board_t *f) {
  /* jshPinSetState(pin, JSHPINSTATE_ADC_IN) on every pin of the ports we use */
  f->gpioc.CRL = f->gpioc.CRH = 0;
  f->gpiod.CRL = f->gpiod.CRH = 0;
}

uint32_t fake_board_gpiod_nibble(const fake_board_t *f, unsigned pin) {
  uint32_t cr = pin < 8u ? f->gpiod.CRL : f->gpiod.CRH;
  return (cr >> (4u * (pin & 7u))) & 0xFu;
}

int fake_board_can_rx_recessive(const fake_board_t *f) {
  uint32_t pd0 = fake_board_gpiod_nibble(f, 0);
  int digitalInput = (pd0 & 3u) == 0u && (pd0 >> 2) != 0u;
  int remapped = ((f->afio.MAPR & MN_AFIO_MAPR_CAN1_REMAP_MASK) >> MN_AFIO_MAPR_CAN1_REMAP_SHIFT) == MN_AFIO_CAN1_REMAP_PD0_PD1;
  int clocks = (f->rcc.APB2ENR & MN_RCC_APB2ENR_AFIOEN) && (f->rcc.APB2ENR & MN_RCC_APB2ENR_IOPDEN) &&
               (f->rcc.APB1ENR & MN_RCC_APB1ENR_CAN1EN);
  return digitalInput && remapped && clocks;
}
