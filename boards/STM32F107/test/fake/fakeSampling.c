/* ADC / DMA / timer models; see fakeSampling.h. */
#include "fakeSampling.h"

#include <stddef.h>
#include <string.h>

static volatile uint32_t *reg_at(volatile void *base, size_t off) { return (volatile uint32_t *)((volatile uint8_t *)base + off); }

/* ---- ADC ---- */
static uint32_t adc_read(fake_region_t *r, size_t off) {
  fake_sampling_t *f = r->model;
  int k = (r == &f->rAdc2);
  adc_regs_t *a = k ? &f->adc2 : &f->adc1;
  if (off == offsetof(adc_regs_t, CR2) && (a->CR2 & (MN_ADC_CR2_CAL | MN_ADC_CR2_RSTCAL)) && !f->calNever) {
    if (f->calCountdown[k] > 0) f->calCountdown[k]--;
    else {
      if (a->CR2 & MN_ADC_CR2_CAL) f->calibrations++;
      a->CR2 &= ~(MN_ADC_CR2_CAL | MN_ADC_CR2_RSTCAL);
    }
  }
  return *reg_at(a, off);
}

static int dma_move(fake_sampling_t *f);
static int trgo(fake_sampling_t *f, uint16_t v, uint16_t i);

static void adc_write(fake_region_t *r, size_t off, uint32_t v) {
  fake_sampling_t *f = r->model;
  int k = (r == &f->rAdc2);
  adc_regs_t *a = k ? &f->adc2 : &f->adc1;
  if (off == offsetof(adc_regs_t, CR2)) {
    /* CAL and RSTCAL are set by software, cleared by hardware only */
    uint32_t old = a->CR2;
    uint32_t keep = old & (MN_ADC_CR2_CAL | MN_ADC_CR2_RSTCAL);
    if ((v & (MN_ADC_CR2_CAL | MN_ADC_CR2_RSTCAL)) & ~keep) f->calCountdown[k] = f->calReads;
    a->CR2 = v | keep;
    /* RM0008 11.12.3: ADON written 1 while it holds 1, with no other bit
     * changed, starts a conversion (the master's goes to the DMA) */
    if ((old & MN_ADC_CR2_ADON) && (v & MN_ADC_CR2_ADON) && !(((v | keep) ^ old) & ~MN_ADC_CR2_ADON)) {
      f->strayConversions++;
      if (k == 0) (void)dma_move(f);
    }
    return;
  }
  *reg_at(a, off) = v;
}

/* ---- DMA (channel 1 modelled; others plain memory) ---- */
static uint32_t dma_read(fake_region_t *r, size_t off) {
  fake_sampling_t *f = r->model;
  if (off == offsetof(dma_regs_t, ISR)) {
    f->isrReads++;
    if (f->injectAtRead && f->isrReads == f->injectAtRead) f->dma.ISR |= f->injectBits | MN_DMA_GIF(1);
    return f->dma.ISR;
  }
  if (off == offsetof(dma_regs_t, CH[0].CNDTR)) return f->enabled ? f->remaining : f->ndtr;
  return *reg_at(&f->dma, off);
}

static void dma_write(fake_region_t *r, size_t off, uint32_t v) {
  fake_sampling_t *f = r->model;
  if (off == offsetof(dma_regs_t, ISR)) return; /* read-only */
  if (off == offsetof(dma_regs_t, IFCR)) {
    for (unsigned ch = 1; ch <= 7; ch++) {
      if (v & MN_DMA_GIF(ch)) f->dma.ISR &= ~(MN_DMA_GIF(ch) | MN_DMA_TCIF(ch) | MN_DMA_HTIF(ch) | MN_DMA_TEIF(ch));
      f->dma.ISR &= ~(v & (MN_DMA_TCIF(ch) | MN_DMA_HTIF(ch) | MN_DMA_TEIF(ch)));
      if (!(f->dma.ISR & (MN_DMA_TCIF(ch) | MN_DMA_HTIF(ch) | MN_DMA_TEIF(ch)))) f->dma.ISR &= ~MN_DMA_GIF(ch);
    }
    return;
  }
  if (off == offsetof(dma_regs_t, CH[0].CCR)) {
    int was = f->enabled;
    f->dma.CH[0].CCR = v;
    f->enabled = (v & MN_DMA_CCR_EN) != 0;
    if (f->enabled && !was) {
      f->remaining = f->ndtr;
      f->position = 0;
    }
    return;
  }
  if (off == offsetof(dma_regs_t, CH[0].CNDTR) || off == offsetof(dma_regs_t, CH[0].CPAR) ||
      off == offsetof(dma_regs_t, CH[0].CMAR)) {
    if (f->enabled) return; /* read-only while the channel is enabled */
    if (off == offsetof(dma_regs_t, CH[0].CNDTR)) f->ndtr = v & 0xFFFFu;
    *reg_at(&f->dma, off) = v;
    return;
  }
  *reg_at(&f->dma, off) = v;
}

/* ---- timer ---- */
static uint32_t tim_read(fake_region_t *r, size_t off) {
  fake_sampling_t *f = r->model;
  return *reg_at(&f->tim, off);
}

static void tim_write(fake_region_t *r, size_t off, uint32_t v) {
  fake_sampling_t *f = r->model;
  if (off == offsetof(tim_regs_t, EGR)) {
    if (v & MN_TIM_EGR_UG) {
      f->arrShadow = f->tim.ARR;
      f->pscShadow = f->tim.PSC;
      f->tim.CNT = 0;
      /* UG is an update event: TRGO pulses with MMS = 010 (update) and with
       * MMS = 000 (reset: UG itself is TRGO), RM0008 15.4.2 */
      uint32_t mms = (f->tim.CR2 & MN_TIM_CR2_MMS_MASK) >> MN_TIM_CR2_MMS_SHIFT;
      if ((mms == MN_TIM_MMS_UPDATE || mms == 0u) && trgo(f, 0, 0)) f->strayConversions++;
    }
    return; /* EGR bits read as 0 */
  }
  *reg_at(&f->tim, off) = v;
  if (off == offsetof(tim_regs_t, ARR) && !(f->tim.CR1 & MN_TIM_CR1_ARPE)) f->arrShadow = v;
}

static void add(fake_sampling_t *f, fake_region_t *r, volatile void *base, size_t size, uint32_t (*rd)(fake_region_t *, size_t),
                void (*wr)(fake_region_t *, size_t, uint32_t)) {
  r->base = base;
  r->size = size;
  r->read = rd;
  r->write = wr;
  r->model = f;
  fake_regs_add(r);
}

void fake_sampling_init(fake_sampling_t *f) {
  memset(f, 0, sizeof(*f));
  f->calReads = 3;
  add(f, &f->rAdc1, &f->adc1, sizeof(f->adc1), adc_read, adc_write);
  add(f, &f->rAdc2, &f->adc2, sizeof(f->adc2), adc_read, adc_write);
  add(f, &f->rDma, &f->dma, sizeof(f->dma), dma_read, dma_write);
  add(f, &f->rTim, &f->tim, sizeof(f->tim), tim_read, tim_write);
}

int fake_sampling_tick(fake_sampling_t *f, uint16_t v, uint16_t i) {
  if (!(f->tim.CR1 & MN_TIM_CR1_CEN)) return 0;
  /* this update ends a period of (PSC+1)(ARR+1) ticks, then the preload is taken */
  f->ticks += (uint64_t)(f->pscShadow + 1u) * (f->arrShadow + 1u);
  f->updates++;
  f->arrShadow = f->tim.ARR;
  f->pscShadow = f->tim.PSC;
  if (((f->tim.CR2 & MN_TIM_CR2_MMS_MASK) >> MN_TIM_CR2_MMS_SHIFT) != MN_TIM_MMS_UPDATE) return 0;
  return trgo(f, v, i);
}

/* A TRGO pulse: the pair is converted and moved if the chain is wired. */
static int trgo(fake_sampling_t *f, uint16_t v, uint16_t i) {
  uint32_t c1 = f->adc1.CR2, c2 = f->adc2.CR2;
  int wired = (c1 & MN_ADC_CR2_ADON) && (c2 & MN_ADC_CR2_ADON) && (c1 & MN_ADC_CR2_EXTTRIG) &&
              ((c1 & MN_ADC_CR2_EXTSEL_MASK) >> MN_ADC_CR2_EXTSEL_SHIFT) == MN_ADC_EXTSEL_TIM3_TRGO && (c2 & MN_ADC_CR2_EXTTRIG) &&
              ((c2 & MN_ADC_CR2_EXTSEL_MASK) >> MN_ADC_CR2_EXTSEL_SHIFT) == MN_ADC_EXTSEL_SWSTART &&
              ((f->adc1.CR1 & MN_ADC_CR1_DUALMOD_MASK) >> MN_ADC_CR1_DUALMOD_SHIFT) == MN_ADC_DUALMOD_REG_SIMULT;
  if (!wired) return 0;
  f->adc1.DR = (uint32_t)v | ((uint32_t)i << 16);
  f->adc1.SR |= MN_ADC_SR_EOC;
  return dma_move(f);
}

/* ADC1's DMA request: one word of ADC1_DR to memory. 1 if moved. */
static int dma_move(fake_sampling_t *f) {
  if (!(f->adc1.CR2 & MN_ADC_CR2_DMA) || !f->enabled) return 0;
  uint32_t ccr = f->dma.CH[0].CCR;
  uint32_t *mem = f->memory && (uint32_t)(uintptr_t)f->memory == f->dma.CH[0].CMAR ? f->memory : fake_bus_to_host(f->dma.CH[0].CMAR);
  mem[f->position] = f->adc1.DR;
  if (ccr & MN_DMA_CCR_MINC) f->position++;
  f->remaining--;
  if (f->remaining == f->ndtr / 2u) f->dma.ISR |= MN_DMA_HTIF(1) | MN_DMA_GIF(1);
  if (f->remaining == 0) {
    f->dma.ISR |= MN_DMA_TCIF(1) | MN_DMA_GIF(1);
    if (ccr & MN_DMA_CCR_CIRC) {
      f->remaining = f->ndtr;
      f->position = 0;
    } else {
      f->enabled = 0;
    }
  }
  return 1;
}

void fake_sampling_dma_error(fake_sampling_t *f) {
  f->dma.ISR |= MN_DMA_TEIF(1) | MN_DMA_GIF(1);
  f->dma.CH[0].CCR &= ~MN_DMA_CCR_EN;
  f->enabled = 0;
}

int fake_sampling_irq_dma(fake_sampling_t *f) {
  uint32_t ccr = f->dma.CH[0].CCR, isr = f->dma.ISR;
  return ((isr & MN_DMA_HTIF(1)) && (ccr & MN_DMA_CCR_HTIE)) || ((isr & MN_DMA_TCIF(1)) && (ccr & MN_DMA_CCR_TCIE)) ||
         ((isr & MN_DMA_TEIF(1)) && (ccr & MN_DMA_CCR_TEIE));
}
