/* ADC register operations; see adc.h. Written from RM0008 chapter 11. */
#include "adc.h"

static int wait_clear(mn_reg_t *reg, uint32_t bit) {
  for (uint32_t n = 0; n < MN_POLL_LIMIT; n++)
    if (!(MN_RD(*reg) & bit)) return MN_OK;
  return MN_ETIMEDOUT;
}

/* Every CR2 change goes through here. RM0008 11.12.3: writing ADON = 1 while
 * it is 1 starts a conversion unless another bit changes in the same write,
 * so a write that would change nothing is not made. */
static void cr2_update(adc_regs_t *adc, uint32_t clear, uint32_t set) {
  uint32_t cr2 = MN_RD(adc->CR2);
  uint32_t next = (cr2 & ~clear) | set;
  if (next != cr2) MN_WR(adc->CR2, next);
}

void adc_power_on(adc_regs_t *adc) {
  /* Writing ADON when it is already 1 would start a conversion: only from 0. */
  uint32_t cr2 = MN_RD(adc->CR2);
  if (cr2 & MN_ADC_CR2_ADON) return;
  MN_WR(adc->CR2, cr2 | MN_ADC_CR2_ADON);
  /* tSTAB is 1 us: 64 register reads take well over that at 72 MHz. */
  for (int n = 0; n < 64; n++) (void)MN_RD(adc->SR);
}

void adc_power_off(adc_regs_t *adc) { cr2_update(adc, MN_ADC_CR2_ADON, 0); }

int adc_calibrate(adc_regs_t *adc) {
  cr2_update(adc, 0, MN_ADC_CR2_RSTCAL); /* changes RSTCAL: never a conversion */
  if (wait_clear(&adc->CR2, MN_ADC_CR2_RSTCAL) != MN_OK) return MN_ETIMEDOUT;
  cr2_update(adc, 0, MN_ADC_CR2_CAL);
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
  cr2_update(adc, MN_ADC_CR2_EXTSEL_MASK | MN_ADC_CR2_CONT | MN_ADC_CR2_ALIGN, (extsel << MN_ADC_CR2_EXTSEL_SHIFT) | MN_ADC_CR2_EXTTRIG);
  return MN_OK;
}

void adc_disable_external_trigger(adc_regs_t *adc) { cr2_update(adc, MN_ADC_CR2_EXTTRIG, 0); }
void adc_enable_dma(adc_regs_t *adc) { cr2_update(adc, 0, MN_ADC_CR2_DMA); }
void adc_disable_dma(adc_regs_t *adc) { cr2_update(adc, MN_ADC_CR2_DMA, 0); }
