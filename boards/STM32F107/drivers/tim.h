/*
 * General-purpose timer operations (TIM2..5, RM0008 chapter 15) for a timer
 * that only paces the ADC: update event -> TRGO. Errors: MN_EINVAL (-22) for
 * a prescaler or period above 65535 or of 0 ticks.
 */
#ifndef MN_TIM_H
#define MN_TIM_H

#include <stdint.h>
#include "stm32f107Regs.h"

/* Stopped timer: PSC and ARR loaded at once (UG event, URS so UG raises no
 * interrupt, TRGO held low during it so UG starts no conversion), ARR preload
 * on, then TRGO = update. Period = (psc+1)(arr+1) ticks. */
int tim_setup_trgo_on_update(tim_regs_t *tim, uint32_t psc, uint32_t arr);
void tim_start(tim_regs_t *tim);
void tim_stop(tim_regs_t *tim);
/* Running timer: new ARR taken at the next update event (ARPE=1), so no period
 * is cut short or stretched. */
int tim_preload_period(tim_regs_t *tim, uint32_t arr);

#endif
