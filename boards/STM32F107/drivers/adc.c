/* ADC register operations; see adc.h. Written from RM0008 chapter 11. */
#include "adc.h"

static int wait_clear(mn_reg_t *reg, uint32_t bit) {
  for (uint32_t n = 0; n < MN_POLL_LIMIT; n++)
    if (!(MN_RD(*reg) & bit)) return MN_OK;
  return MN_ETIMEDOUT;
}

void adc_power_on(adc_regs_t *adc) {
  /* Writing ADON when it is already 1 would start a conversion: only from 0. */
  uint32_t cr2 = MN_RD(adc->CR2);
  if (cr2 & MN_ADC_CR2_ADON) return;
  MN_WR(adc->CR2, cr2 | MN_ADC_CR2_ADON);
  /* tSTAB is 1 us: 64 register reads take well over that at 72 MHz. */
  for (int n = 0; n < 64; n++) (void)MN_RD(adc->SR);
}

void adc_power_off(adc_regs_t *adc) { MN_CLR(adc->CR2, MN_ADC_CR2_ADON); }

int adc_calibrate(adc_regs_t *adc) {
  MN_SET(adc->CR2, MN_ADC_CR2_RSTCAL);
  if (wait_clear(&adc->CR2, MN_ADC_CR2_RSTCAL) != MN_OK) return MN_ETIMEDOUT;
  MN_SET(adc->CR2, MN_ADC_CR2_CAL);
  return wait_clear(&adc->CR2, MN_ADC_CR2_CAL);
}

int adc_set_single_regular_channel(adc_regs_t *adc, unsigned channel, unsigned smpCode) {
  if (channel > MN_ADC_CHANNEL_MAX || smpCode > 7u) return MN_EINVAL;
  MN_CLR(adc->SQR1, 0xFu << MN_ADC_SQR1_L_SHIFT); /* L = 0: one conversion */
  MN_WR(adc->SQR3, channel);                    /* SQ1 */
  if (channel >= 10u) {
    unsigned shift = 3u * (channel - 10u);
    MN_WR(adc->SMPR1, (MN_RD(adc->SMPR1) & ~(7u << shift)) | (smpCode << shift));
  } else {
    unsigned shift = 3u * channel;
    MN_WR(adc->SMPR2, (MN_RD(adc->SMPR2) & ~(7u << shift)) | (smpCode << shift));
  }
  MN_CLR(adc->CR1, MN_ADC_CR1_SCAN);
  return MN_OK;
}

void adc_set_dual_mode(adc_regs_t *master, unsigned dualMod) {
  MN_WR(master->CR1, (MN_RD(master->CR1) & ~MN_ADC_CR1_DUALMOD_MASK) | ((dualMod & 0xFu) << MN_ADC_CR1_DUALMOD_SHIFT));
}

int adc_enable_external_trigger(adc_regs_t *adc, unsigned extsel) {
  if (extsel > 7u) return MN_EINVAL;
  uint32_t cr2 = MN_RD(adc->CR2) & ~(MN_ADC_CR2_EXTSEL_MASK | MN_ADC_CR2_CONT | MN_ADC_CR2_ALIGN);
  MN_WR(adc->CR2, cr2 | (extsel << MN_ADC_CR2_EXTSEL_SHIFT) | MN_ADC_CR2_EXTTRIG);
  return MN_OK;
}

void adc_disable_external_trigger(adc_regs_t *adc) { MN_CLR(adc->CR2, MN_ADC_CR2_EXTTRIG); }
void adc_enable_dma(adc_regs_t *adc) { MN_SET(adc->CR2, MN_ADC_CR2_DMA); }
void adc_disable_dma(adc_regs_t *adc) { MN_CLR(adc->CR2, MN_ADC_CR2_DMA); }
