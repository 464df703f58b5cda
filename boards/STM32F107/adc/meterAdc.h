/*
 * Dual-ADC sampling for the measurement kernel (kernel/meterKernel.h).
 *
 * TIM3's update event (TRGO) starts ADC1 (voltage) and ADC2 (current) together
 * in regular simultaneous mode; ADC1_DR then holds both codes (V in 15:0, I in
 * 31:16: the kernel's packed format) and DMA1 channel 1 moves each word into a
 * circular buffer of 2 x halfPairs words. The half-transfer and
 * transfer-complete interrupts hand the finished half to mk_feed_packed while
 * the DMA fills the other one.
 *
 * Never silent:
 *   missedBlocks  half-buffers overwritten before they were read: both flags
 *                 were set when the interrupt ran. CNDTR says which half the
 *                 DMA is writing (the other is the newest complete one, the
 *                 only one read) and, with timerTicksNow, how many halves went
 *                 by, so `pairs` stays the true count. The kernel is restarted
 *                 (sample continuity is gone), kernelRestarts counts it, the
 *                 next window carries the kernel's FIRST flag.
 *   lateBlocks    the next half completed while this one was being processed
 *                 (e.g. a window's FFT ran long): one more and data is lost.
 *   dmaErrors     a DMA transfer error; the hardware disables the channel and
 *                 sampling stops (running = 0) until the next start; notify is
 *                 called and mn_adc_take_error reports it once (the binding
 *                 emits an 'error' event).
 *   windowsDropped  windows the kernel dropped because its queue was full (the
 *                 interpreter did not take them in time), from droppedBefore.
 * The F1 ADC has no overrun flag (unlike the F4's OVR): with DMA a result is
 * moved before the next trigger (7 us conversion, 78 us period at 12.8 kHz), so
 * the only loss is a half overwritten before it is read, counted above.
 *
 * Retuning: mn_adc_set_rate writes the new period into ARR's preload register
 * from the next DMA interrupt; it takes effect at the following update event.
 * A history of (first pair, ticks per pair) lets each window report the mean
 * rate of its own samples and the rate step inside it (mn_adc_window_info_t), which
 * the metering chain uses to turn samples into seconds.
 *
 * Contexts: mn_adc_isr_dma runs in the DMA1 channel 1 interrupt (lowest of our
 * priorities: it may run a window's FFT, some milliseconds, and must not delay
 * the CAN auto-replies); the rest runs on the main loop, which holds off only
 * the DMA interrupt (BASEPRI at dmaIrqPriority) while it shares data with it.
 */
#ifndef MN_METER_ADC_H
#define MN_METER_ADC_H

#include <stdint.h>

#include "../drivers/stm32f107Regs.h"
#include "../kernel/meterKernel.h"

#define MN_ADC_RATE_HISTORY 8

typedef struct {
  adc_regs_t *adc1, *adc2;
  dma_regs_t *dma;
  uint8_t dmaChannel;    /* 1: ADC1's request line */
  tim_regs_t *tim;       /* TIM3: ADC1/2 EXTSEL 100 = TIM3_TRGO */
  uint32_t timerClkHz;   /* 72 MHz */
  uint8_t vChannel, iChannel, sampleTimeCode;
  uint32_t *buffer;      /* 2 * halfPairs words */
  uint16_t halfPairs;
  mk_kernel_t *kernel;
  /* Called from the interrupt when a window is ready and no earlier call is
   * still unanswered (mn_adc_take_window answers it), and on a DMA error.
   * Returns nonzero when the main loop will hear of it (Espruino: the event
   * was queued); 0 (queue full) and the next half-buffer calls again, so a
   * dropped event does not stop delivery for good. */
  int (*notify)(void *ctx);
  void *notifyCtx;
  /* Free-running count of timer-clock ticks, wrapping at 2^32 (the board: the
   * Cortex-M3 DWT cycle counter, SYSCLK = TIM3's 72 MHz): lets the interrupt
   * count every half-buffer lost while it was held off. NULL: from the flags
   * and CNDTR alone, which tell 2 lost halves from 1 but not 3 from 1. */
  uint32_t (*timerTicksNow)(void);
  /* NVIC priority of the DMA interrupt (0..15, MN_BOARD_PRIO_DMA): the main loop
   * holds off only that interrupt and less urgent ones (BASEPRI) while it takes
   * a window, so CAN's stays live. 0: every interrupt is masked instead. */
  uint8_t dmaIrqPriority;
} mn_adc_config_t;

typedef struct {
  uint32_t blocks, missedBlocks, lateBlocks, dmaErrors, kernelRestarts;
  uint32_t windowsDelivered, windowsDropped;
} mn_adc_stats_t;

typedef struct {
  uint64_t fromPair; /* first pair whose interval (to the next pair) uses `ticks` */
  uint32_t ticks;    /* (PSC+1)(ARR+1) */
} mn_adc_rate_step_t;

typedef struct {
  const mn_adc_config_t *cfg;
  mk_config_t kcfg;
  volatile uint8_t running;
  volatile uint8_t notifyPending;
  volatile uint8_t errorPending; /* a DMA error not yet taken by mn_adc_take_error */
  uint32_t psc, arr;
  volatile uint32_t pendingArr; /* 0: none */
  uint64_t pairs;               /* pairs the DMA has written since start, lost ones included */
  uint64_t kernelBase;          /* value of `pairs` at the last kernel (re)start */
  uint64_t dmaPos;              /* pairs written by the DMA when last seen (CNDTR) ... */
  uint32_t dmaPosTicks;         /* ... at this timerTicksNow() */
  mn_adc_rate_step_t rates[MN_ADC_RATE_HISTORY];
  volatile uint32_t rateHead;
  mn_adc_stats_t s;
  int lastKernelError;
  /* Code of 0 V from the calibration, used as the kernel's vMidLsb when the
   * start config leaves it 0 (types/meterAdc.d.ts setCalibration). */
  uint16_t vZeroLsb, iZeroLsb;
} mn_adc_t;

/* What a window needs beyond mk_window_t: its samples' rate as this driver made it. */
typedef struct {
  double sampleRateHz;   /* mean rate over the window's samples */
  uint64_t firstPair;    /* window start counted from mn_adc_start, lost pairs included */
  /* The rate step inside the window, told as it happened (the metering chain regrids on
   * it, metering/mtRetune.h, instead of rebuilding it from the mean): the first stepPair
   * intervals use ticksBefore timer ticks each, the rest ticksAfter. No step: stepPair is
   * the window's pair count and both are equal. One retune is in flight at a time, so a
   * window holds at most one step (with more, the newest is told, the mean stays exact). */
  uint32_t ticksBefore, ticksAfter, stepPair;
} mn_adc_window_info_t;

/* Longest window this build's kernel can make, cycles: 12 (IEC 61000-4-7 on 60 Hz
 * mains) needs 2048 resampled points, i.e. the firmware built with
 * -DMK_FFT_N_MAX=2048 (board METERNET_F107_60HZ); the 50 Hz image (METERNET_F107,
 * 1024 points, 4 KB less RAM) stops at 10. */
#define MN_ADC_MAX_CYCLES (MK_FFT_N_MAX >= 2048 ? 12u : 10u)

/* MeterADC.start()'s integer properties as the binding reads them (a negative
 * value arrives as 0xFFFFFFFF, absent as 0). */
typedef struct {
  uint32_t sampleRateHz, nominalHz, cycles, fitHalfWidth, vMidLsb, hysteresisLsb;
} mn_adc_start_args_t;

/* Narrows the properties into the kernel's config, each checked against its
 * field first (a cast made nominalHz 306 into 50 and cycles 266 into 10).
 * 0, or MN_EINVAL with *why naming the property and its range (static text). */
int mn_adc_kernel_config(const mn_adc_start_args_t *a, mk_config_t *k, const char **why);

/* 0 or MN_EINVAL (missing buffer, kernel or registers, halfPairs 0). */
int mn_adc_init(mn_adc_t *dev, const mn_adc_config_t *cfg);
/* Starts the kernel with k and sampling at k->sampleRateHz. 0, MN_EALREADY
 * (running), MN_EINVAL (kernel rejected k: lastKernelError holds the MK_E_*
 * code, mk_error_text explains it; or the rate does not fit the timer),
 * MN_ETIMEDOUT (ADC calibration did not finish), MN_ENETDOWN (never initialised). */
int mn_adc_start(mn_adc_t *dev, const mk_config_t *k);
/* Why mn_adc_start(dev, k) returned rc, in words a user can act on: for windows
 * longer than MN_ADC_MAX_CYCLES (60 Hz on the 50 Hz image), which firmware to
 * flash; otherwise the kernel's text (mk_error_text) or the driver's. Static
 * strings; rc MN_OK gives "ok". */
const char *mn_adc_start_error_text(const mn_adc_t *dev, const mk_config_t *k, int rc);
/* Stops sampling; windows still queued in the kernel are discarded. */
void mn_adc_stop(mn_adc_t *dev);
/* Zero codes from the calibration; the voltage one seeds the kernel's crossing
 * detection at the next start (it then tracks each window's mean). 0 or
 * MN_EINVAL (a code above 4095). */
int mn_adc_set_zero_codes(mn_adc_t *dev, uint32_t vZeroLsb, uint32_t iZeroLsb);
/* New rate (mHz) from the next half on, same prescaler. Returns 0 and the rate
 * actually produced in *achievedMilliHz, MN_ENETDOWN (not running) or
 * MN_EINVAL (rate outside what the start prescaler allows). */
int mn_adc_set_rate(mn_adc_t *dev, uint32_t rateMilliHz, uint32_t *achievedMilliHz);
/* Main loop: next finished window; 1, or 0 when none waits. */
int mn_adc_take_window(mn_adc_t *dev, mk_window_t *w, mn_adc_window_info_t *info);
/* Main loop: 1 once after a DMA transfer error stopped sampling, else 0. */
int mn_adc_take_error(mn_adc_t *dev);
/* A consistent copy (the DMA interrupt is masked while it is taken). */
void mn_adc_get_stats(const mn_adc_t *dev, mn_adc_stats_t *out);
/* Current rate in mHz (0 when stopped). */
uint32_t mn_adc_rate_mhz(const mn_adc_t *dev);

void mn_adc_isr_dma(mn_adc_t *dev);

#endif
