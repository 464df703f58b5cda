/*
 * Register-level models of the sampling chain's blocks for what
 * adc/meterAdc.c touches (RM0008 chapters 11, 13, 15):
 *  - ADC: CAL and RSTCAL read back 1 for `calReads` reads of CR2 after being
 *    set, then 0 (never with `calNever`); in dual regular-simultaneous mode a
 *    trigger writes ADC1_DR = V | I << 16;
 *  - DMA channel: CPAR/CMAR/CNDTR latched at enable; each request moves one
 *    word, CNDTR counts down, HTIF at half, TCIF at zero (with GIF), reload in
 *    circular mode; IFCR clears (CGIF clears all four); a transfer error sets
 *    TEIF and clears EN, as the hardware does;
 *  - timer: ARR preload (ARPE) taken at the update event, UG loads PSC/ARR,
 *    TRGO = update when MMS = 010; a UG with MMS = 000 or 010 pulses TRGO;
 *  - ADC: a CR2 write with ADON 1 over ADON 1 and no other bit changed starts
 *    a conversion (strayConversions; ADC1's is moved by the DMA);
 *  - fake_sampling_tick: one timer update; if the chain is wired as RM0008
 *    requires (CEN, MMS=update, ADC1 EXTTRIG on TIM3_TRGO, ADC2 EXTTRIG on
 *    SWSTART, DUALMOD=0110, both ADON, ADC1 DMA, channel enabled) the pair is
 *    converted and moved. Returns 1 if a word was stored.
 */
#ifndef MN_FAKE_SAMPLING_H
#define MN_FAKE_SAMPLING_H

#include "../../drivers/stm32f107Regs.h"
#include "fakeRegs.h"

typedef struct {
  adc_regs_t adc1, adc2;
  dma_regs_t dma;
  tim_regs_t tim;
  fake_region_t rAdc1, rAdc2, rDma, rTim;
  int calReads, calNever;
  int calCountdown[2];
  /* DMA channel 1 live state */
  uint32_t ndtr, remaining, position;
  int enabled;
  /* The buffer CMAR addresses when it is not in static data (the Node addon's
   * per-instance buffers, host/native/meterAdcAddon.cc): CMAR holds only the
   * address's low 32 bits. NULL: fake_bus_to_host. */
  uint32_t *memory;
  /* injected: flags set on the Nth read of DMA ISR (0 = off) */
  unsigned isrReads, injectAtRead;
  uint32_t injectBits;
  /* timer */
  uint32_t arrShadow, pscShadow;
  uint64_t ticks, updates;
  unsigned calibrations;
  /* conversions not started by a timer update: ADON rewritten while on
   * (RM0008 11.12.3), or TRGO pulsed by the UG bit during timer setup */
  unsigned strayConversions;
} fake_sampling_t;

void fake_sampling_init(fake_sampling_t *f);
int fake_sampling_tick(fake_sampling_t *f, uint16_t v, uint16_t i);
void fake_sampling_dma_error(fake_sampling_t *f);
int fake_sampling_irq_dma(fake_sampling_t *f);

#endif
