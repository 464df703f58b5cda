/* Timer register operations; see tim.h. Written from RM0008 chapter 15. */
#include "tim.h"

int tim_setup_trgo_on_update(tim_regs_t *tim, uint32_t psc, uint32_t arr) {
  if (psc > 0xFFFFu || arr > 0xFFFFu || arr == 0u) return MN_EINVAL;
  MN_CLR(tim->CR1, MN_TIM_CR1_CEN);
  MN_WR(tim->CR1, MN_TIM_CR1_ARPE | MN_TIM_CR1_URS);
  /* UG below is an update event: with MMS = update (a restart) or MMS = reset
   * (the reset value: UG itself is TRGO) it would pulse TRGO and start a
   * conversion. During UG, TRGO follows the stopped counter's enable (0). */
  uint32_t cr2 = MN_RD(tim->CR2) & ~MN_TIM_CR2_MMS_MASK;
  MN_WR(tim->CR2, cr2 | (MN_TIM_MMS_ENABLE << MN_TIM_CR2_MMS_SHIFT));
  MN_WR(tim->DIER, 0);
  MN_WR(tim->PSC, psc);
  MN_WR(tim->ARR, arr);
  MN_WR(tim->CNT, 0);
  MN_WR(tim->EGR, MN_TIM_EGR_UG); /* loads the PSC and ARR shadow registers now */
  MN_WR(tim->SR, 0);
  MN_WR(tim->CR2, cr2 | (MN_TIM_MMS_UPDATE << MN_TIM_CR2_MMS_SHIFT)); /* TRGO = update from the first overflow on */
  return MN_OK;
}

void tim_start(tim_regs_t *tim) { MN_SET(tim->CR1, MN_TIM_CR1_CEN); }
void tim_stop(tim_regs_t *tim) { MN_CLR(tim->CR1, MN_TIM_CR1_CEN); }

int tim_preload_period(tim_regs_t *tim, uint32_t arr) {
  if (arr > 0xFFFFu || arr == 0u) return MN_EINVAL;
  MN_WR(tim->ARR, arr);
  return MN_OK;
}
