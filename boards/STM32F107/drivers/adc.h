/*
 * ADC register operations (RM0008 chapter 11), one function per operation,
 * ADC registers first. Errors: MN_EINVAL (-22) channel above 17, sample-time
 * code above 7 or trigger above 7; MN_ETIMEDOUT (-110) calibration not done
 * within MN_POLL_LIMIT reads.
 */
#ifndef MN_ADC_H
#define MN_ADC_H

#include <stdint.h>
#include "stm32f107Regs.h"

#define MN_ADC_CHANNEL_MAX 17u
/* SMPx codes: 0 = 1.5 cycles ... 6 = 71.5 cycles, 7 = 239.5 cycles */
#define MN_ADC_SAMPLE_71_5 6u

/* ADON=1 from power-down, then waits out tSTAB (1 us, RM0008 11.3.1). */
void adc_power_on(adc_regs_t *adc);
void adc_power_off(adc_regs_t *adc);
/* Resets and runs the self calibration (RSTCAL, then CAL; RM0008 11.4). The ADC
 * must be on and idle. 0 or MN_ETIMEDOUT. */
int adc_calibrate(adc_regs_t *adc);
/* A regular group of one conversion: `channel` with sample time `smpCode`. */
int adc_set_single_regular_channel(adc_regs_t *adc, unsigned channel, unsigned smpCode);
/* DUALMOD of ADC1 (the master): MN_ADC_DUALMOD_REG_SIMULT or MN_ADC_DUALMOD_INDEPENDENT. */
void adc_set_dual_mode(adc_regs_t *master, unsigned dualMod);
/* Regular group started by external event `extsel` (ADC_EXTSEL_*), EXTTRIG=1. */
int adc_enable_external_trigger(adc_regs_t *adc, unsigned extsel);
void adc_disable_external_trigger(adc_regs_t *adc);
void adc_enable_dma(adc_regs_t *adc);
void adc_disable_dma(adc_regs_t *adc);

#endif
