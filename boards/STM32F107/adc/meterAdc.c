/* Dual-ADC DMA sampling feeding the kernel; see meterAdc.h. */
#include "meterAdc.h"

#include <stddef.h>
#include <string.h>

#include "../drivers/adc.h"
#include "../drivers/dma.h"
#include "../drivers/tim.h"
#include "sampleClock.h"

#define DMA_PRIORITY_VERY_HIGH 3u

int mn_adc_kernel_config(const mn_adc_start_args_t *a, mk_config_t *k, const char **why) {
  const char *bad = a->sampleRateHz > 0xFFFFFFFEu ? mk_error_text(MK_E_RATE)
                    : a->nominalHz > 0xFFu        ? mk_error_text(MK_E_NOMINAL)
                    : a->cycles > 0xFFu           ? mk_error_text(MK_E_CYCLES)
                    : a->fitHalfWidth > 0xFFu     ? mk_error_text(MK_E_FIT)
                    : a->vMidLsb > 4095u          ? "vMidLsb must be 0..4095 (a 12-bit ADC code)"
                    : a->hysteresisLsb > 4095u    ? "hysteresisLsb must be 0..4095 (12-bit ADC codes)"
                                                  : NULL;
  if (bad) {
    if (why) *why = bad;
    return MN_EINVAL;
  }
  memset(k, 0, sizeof(*k));
  k->sampleRateHz = a->sampleRateHz;
  k->nominalHz = (uint8_t)a->nominalHz;
  k->cycles = (uint8_t)a->cycles;
  k->fitHalfWidth = (uint8_t)a->fitHalfWidth;
  k->vMidLsb = (uint16_t)a->vMidLsb;
  k->hysteresisLsb = (uint16_t)a->hysteresisLsb;
  return MN_OK;
}

int mn_adc_init(mn_adc_t *dev, const mn_adc_config_t *cfg) {
  if (dev == NULL || cfg == NULL || cfg->adc1 == NULL || cfg->adc2 == NULL || cfg->dma == NULL || cfg->tim == NULL ||
      cfg->buffer == NULL || cfg->kernel == NULL || cfg->halfPairs == 0 || cfg->timerClkHz == 0)
    return MN_EINVAL;
  memset(dev, 0, sizeof(*dev));
  dev->cfg = cfg;
  return MN_OK;
}

static void push_rate(mn_adc_t *dev, uint64_t fromPair, uint32_t ticks) {
  mn_adc_rate_step_t *r = &dev->rates[dev->rateHead % MN_ADC_RATE_HISTORY];
  r->fromPair = fromPair;
  r->ticks = ticks;
  dev->rateHead++;
}

static uint32_t ticks_of(uint32_t psc, uint32_t arr) { return (psc + 1u) * (arr + 1u); }

int mn_adc_start(mn_adc_t *dev, const mk_config_t *k) {
  const mn_adc_config_t *c = dev->cfg;
  if (c == NULL) return MN_ENETDOWN; /* never initialised */
  if (dev->running) return MN_EALREADY;
  dev->lastKernelError = MK_OK; /* a timer or calibration failure must not show an older kernel error */
  uint32_t psc, arr;
  if (k == NULL || mn_sample_clock_compute(c->timerClkHz, k->sampleRateHz * 1000u, &psc, &arr) != MN_OK) return MN_EINVAL;
  mk_config_t kc = *k;
  if (kc.vMidLsb == 0) kc.vMidLsb = dev->vZeroLsb; /* 0 stays 0: the kernel's default */
  int kr = mk_init(c->kernel, &kc);
  dev->lastKernelError = kr;
  if (kr != MK_OK) return MN_EINVAL;
  dev->kcfg = kc;
  dev->psc = psc;
  dev->arr = arr;
  dev->pendingArr = 0;
  dev->pairs = 0;
  dev->kernelBase = 0;
  dev->rateHead = 0;
  dev->notifyPending = 0;
  dev->errorPending = 0;
  dev->dmaPos = 0;
  memset(&dev->s, 0, sizeof(dev->s));
  push_rate(dev, 0, ticks_of(psc, arr));

  adc_power_on(c->adc1);
  adc_power_on(c->adc2);
  if (adc_calibrate(c->adc1) != MN_OK || adc_calibrate(c->adc2) != MN_OK) {
    adc_power_off(c->adc1);
    adc_power_off(c->adc2);
    return MN_ETIMEDOUT;
  }
  if (adc_set_single_regular_channel(c->adc1, c->vChannel, c->sampleTimeCode) != MN_OK ||
      adc_set_single_regular_channel(c->adc2, c->iChannel, c->sampleTimeCode) != MN_OK) {
    adc_power_off(c->adc1);
    adc_power_off(c->adc2);
    return MN_EINVAL;
  }
  adc_set_dual_mode(c->adc1, MN_ADC_DUALMOD_REG_SIMULT);
  /* The timer is set up (its UG loads PSC/ARR) before the master's trigger is
   * enabled: no update event may reach the ADC before the first real one. */
  (void)tim_setup_trgo_on_update(c->tim, psc, arr);
  /* RM0008 11.9: the slave's trigger is enabled too, on SWSTART, so that only
   * the master's event starts the pair. */
  (void)adc_enable_external_trigger(c->adc2, MN_ADC_EXTSEL_SWSTART);
  (void)adc_enable_external_trigger(c->adc1, MN_ADC_EXTSEL_TIM3_TRGO);
  adc_enable_dma(c->adc1);
  (void)dma_setup_circular_p2m32(c->dma, c->dmaChannel, (uint32_t)(uintptr_t)&c->adc1->DR, (uint32_t)(uintptr_t)c->buffer,
                                 2u * c->halfPairs, DMA_PRIORITY_VERY_HIGH);
  (void)dma_enable_with_irqs(c->dma, c->dmaChannel);
  dev->running = 1;
  dev->dmaPosTicks = c->timerTicksNow ? c->timerTicksNow() : 0u;
  tim_start(c->tim);
  return MN_OK;
}

const char *mn_adc_start_error_text(const mn_adc_t *dev, const mk_config_t *k, int rc) {
  if (rc == MN_OK) return "ok";
  if (rc == MN_EALREADY) return "already running: call stop() first";
  if (rc == MN_ETIMEDOUT) return "ADC self-calibration did not finish (ADC clock or supply?)";
  if (rc == MN_ENETDOWN) return "the sampler was never initialised (board start-up failed)";
  if (dev->lastKernelError == MK_E_CYCLES && k != NULL) {
    /* the kernel's own default: 10 cycles at 50 Hz, 12 at 60 Hz */
    uint32_t cycles = k->cycles ? k->cycles : (k->nominalHz == 60u ? 12u : 10u);
    if (cycles == 12u && MN_ADC_MAX_CYCLES < 12u)
      return "60 Hz mains needs 12-cycle windows, which this firmware (the 50 Hz meter image METERNET_F107, "
             "1024-point kernel) cannot make: flash the 60 Hz image espruino_*_meternet_f107_60hz.bin "
             "(make BOARD=METERNET_F107_60HZ, boards/STM32F107/README.md), or configure 50 Hz mains";
  }
  if (dev->lastKernelError != MK_OK) return mk_error_text(dev->lastKernelError);
  return "sampleRateHz does not fit the timer";
}

void mn_adc_stop(mn_adc_t *dev) {
  const mn_adc_config_t *c = dev->cfg;
  if (c == NULL) return; /* never initialised (kill hook before init) */
  tim_stop(c->tim);
  adc_disable_external_trigger(c->adc1);
  adc_disable_dma(c->adc1);
  (void)dma_disable(c->dma, c->dmaChannel);
  (void)dma_take_flags(c->dma, c->dmaChannel);
  adc_set_dual_mode(c->adc1, MN_ADC_DUALMOD_INDEPENDENT);
  adc_power_off(c->adc1);
  adc_power_off(c->adc2);
  dev->running = 0;
  /* discard queued windows: a restart of the kernel empties its queue */
  if (dev->kcfg.sampleRateHz) (void)mk_init(c->kernel, &dev->kcfg);
}

int mn_adc_set_zero_codes(mn_adc_t *dev, uint32_t vZeroLsb, uint32_t iZeroLsb) {
  if (vZeroLsb > 4095u || iZeroLsb > 4095u) return MN_EINVAL;
  dev->vZeroLsb = (uint16_t)vZeroLsb;
  dev->iZeroLsb = (uint16_t)iZeroLsb;
  return MN_OK;
}

int mn_adc_set_rate(mn_adc_t *dev, uint32_t rateMilliHz, uint32_t *achievedMilliHz) {
  if (!dev->running) return MN_ENETDOWN;
  uint32_t arr;
  if (mn_sample_clock_arr(dev->cfg->timerClkHz, dev->psc, rateMilliHz, &arr) != MN_OK) return MN_EINVAL;
  dev->pendingArr = arr; /* one aligned word: the interrupt reads it whole */
  if (achievedMilliHz) *achievedMilliHz = mn_sample_clock_rate_mhz(dev->cfg->timerClkHz, dev->psc, arr);
  return MN_OK;
}

uint32_t mn_adc_rate_mhz(const mn_adc_t *dev) {
  return dev->running ? mn_sample_clock_rate_mhz(dev->cfg->timerClkHz, dev->psc, dev->arr) : 0u;
}

static void restart_kernel(mn_adc_t *dev) {
  (void)mk_init(dev->cfg->kernel, &dev->kcfg); /* accepted at start, so accepted now */
  dev->kernelBase = dev->pairs;
  dev->s.kernelRestarts++;
}

/* Both flags were set: at least two halves completed since the last one read.
 * The DMA is writing the half CNDTR points into, so the other one is the
 * newest complete half and the only one still intact (deciding by the order
 * of the flags would read the half being overwritten when the last
 * completion was HT). The absolute DMA position is the one congruent with
 * CNDTR nearest to the timer-tick estimate (a half is 20 ms, far above any
 * estimate's error), at least two halves on. Returns that half (0/1), sets
 * `pairs` to its start and counts the halves lost before it. */
static int skip_lost_halves(mn_adc_t *dev, uint32_t now) {
  const mn_adc_config_t *c = dev->cfg;
  uint64_t n = c->halfPairs, ring = 2u * n;
  uint64_t pos = ring - dma_remaining(c->dma, c->dmaChannel); /* 0 .. ring-1 */
  uint64_t done = dev->pairs / n;                               /* halves read or counted lost */
  uint64_t a = (done + 2u) * n;
  a += (pos + ring - a % ring) % ring; /* smallest congruent position two completions on */
  if (c->timerTicksNow) {
    uint64_t est = dev->dmaPos + (uint32_t)(now - dev->dmaPosTicks) / ticks_of(dev->psc, dev->arr);
    if (est > a) a += (est - a + n) / ring * ring;
  }
  uint64_t newestEnd = a / n * n;
  dev->s.missedBlocks += (uint32_t)(newestEnd / n - done - 1u);
  dev->pairs = newestEnd - n;
  return (int)(newestEnd / n - 1u) & 1;
}

static void notify_main_loop(mn_adc_t *dev) {
  const mn_adc_config_t *c = dev->cfg;
  /* pending only once the event is queued: a dropped one is retried */
  if (c->notify && c->notify(c->notifyCtx)) dev->notifyPending = 1;
}

void mn_adc_isr_dma(mn_adc_t *dev) {
  const mn_adc_config_t *c = dev->cfg;
  uint32_t now = c->timerTicksNow ? c->timerTicksNow() : 0u;
  /* The ARR write comes first: it must land before the next update event
   * (one sample period, 78 us at 12.8 kHz) to take effect where recorded. */
  uint32_t newArr = dev->pendingArr;
  uint32_t flags = dma_take_flags(c->dma, c->dmaChannel);
  if (flags & MN_DMA_FLAG_TE) {
    dev->s.dmaErrors++;
    tim_stop(c->tim);
    dev->running = 0;
    dev->errorPending = 1;
    if (c->notify) (void)c->notify(c->notifyCtx);
    return;
  }
  if (!(flags & (MN_DMA_FLAG_HT | MN_DMA_FLAG_TC)) || !dev->running) return;
  if (newArr) {
    (void)tim_preload_period(c->tim, newArr);
    dev->pendingArr = 0;
  }
  int half;
  if ((flags & MN_DMA_FLAG_HT) && (flags & MN_DMA_FLAG_TC)) {
    half = skip_lost_halves(dev, now);
    restart_kernel(dev);
  } else {
    half = (flags & MN_DMA_FLAG_TC) ? 1 : 0;
  }
  if (newArr) {
    /* This interrupt runs between the trigger of this half's last pair and the
     * next trigger, which loads the preloaded ARR: the interval that starts at
     * the next half's first pair is the first with the new period. */
    push_rate(dev, dev->pairs + c->halfPairs, ticks_of(dev->psc, newArr));
    dev->arr = newArr;
  }
  int queued = mk_feed_packed(c->kernel, c->buffer + (size_t)half * c->halfPairs, c->halfPairs);
  dev->pairs += c->halfPairs;
  dev->s.blocks++;
  /* where the DMA was when this interrupt began: just past the half read */
  uint32_t ring = 2u * c->halfPairs, endPos = half ? 0u : c->halfPairs;
  dev->dmaPos = dev->pairs + (ring - dma_remaining(c->dma, c->dmaChannel) + ring - endPos) % ring;
  dev->dmaPosTicks = now;
  if (dma_peek_flags(c->dma, c->dmaChannel) & (half ? MN_DMA_FLAG_HT : MN_DMA_FLAG_TC)) dev->s.lateBlocks++;
  if (queued > 0 && !dev->notifyPending) notify_main_loop(dev);
}

/* Mean ticks per interval over pairs [a, a+n) from a copy of the rate history
 * (`head` entries pushed in all). */
static double mean_ticks(const mn_adc_rate_step_t *rates, uint32_t head, uint64_t a, uint64_t n) {
  uint32_t count = head < MN_ADC_RATE_HISTORY ? head : MN_ADC_RATE_HISTORY;
  double total = 0;
  uint64_t end = a + n;
  /* walk entries newest to oldest; entry k covers [from_k, from_{k+1}) */
  uint64_t upper = end;
  for (uint32_t k = 0; k < count && upper > a; k++) {
    const mn_adc_rate_step_t *r = &rates[(head - 1u - k) % MN_ADC_RATE_HISTORY];
    uint64_t from = r->fromPair;
    if (from >= upper) continue;
    uint64_t lo = from > a ? from : a;
    total += (double)(upper - lo) * r->ticks;
    upper = lo;
  }
  if (upper > a) total += (double)(upper - a) * rates[(head - count) % MN_ADC_RATE_HISTORY].ticks; /* older than the history */
  return n ? total / (double)n : 0;
}

/* The rate step inside pairs [a, a+n) from the same copy of the history: the newest
 * entry starting at or after a gives ticksAfter and stepPair (0 when it starts at a:
 * the interval before the first pair, where crossing 0 lies, is still the old one), the
 * newest entry starting before a gives ticksBefore. */
static void window_step(const mn_adc_rate_step_t *rates, uint32_t head, uint64_t a, uint64_t n, mn_adc_window_info_t *info) {
  uint32_t count = head < MN_ADC_RATE_HISTORY ? head : MN_ADC_RATE_HISTORY;
  uint32_t before = rates[(head - count) % MN_ADC_RATE_HISTORY].ticks; /* older than the history */
  uint32_t after = 0, step = (uint32_t)n;
  for (uint32_t k = 0; k < count; k++) {
    const mn_adc_rate_step_t *r = &rates[(head - 1u - k) % MN_ADC_RATE_HISTORY];
    if (r->fromPair >= a + n) continue; /* after the window */
    if (r->fromPair >= a) {
      if (!after) {
        after = r->ticks;
        step = (uint32_t)(r->fromPair - a);
      }
      continue;
    }
    before = r->ticks;
    break;
  }
  if (!after || after == before) {
    after = before;
    step = (uint32_t)n; /* no step */
  }
  info->ticksBefore = before;
  info->ticksAfter = after;
  info->stepPair = step;
}

/* Holds off the DMA interrupt (and less urgent ones) on the main loop. With the
 * priority configured, BASEPRI: CAN (more urgent) keeps answering remote frames
 * from its interrupt meanwhile; without, PRIMASK. */
static uint32_t mask_dma_irq(const mn_adc_config_t *c) {
  return c->dmaIrqPriority ? MN_BASEPRI_RAISE((uint32_t)c->dmaIrqPriority << 4) : MN_IRQ_SAVE();
}

static void unmask_dma_irq(const mn_adc_config_t *c, uint32_t saved) {
  if (c->dmaIrqPriority) MN_BASEPRI_RESTORE(saved);
  else MN_IRQ_RESTORE(saved);
}

int mn_adc_take_window(mn_adc_t *dev, mk_window_t *w, mn_adc_window_info_t *info) {
  const mn_adc_config_t *c = dev->cfg;
  if (c == NULL) return 0;
  /* With the DMA interrupt held off, a kernel restart cannot reset the queue
   * under mk_take_window (a 744-byte copy, about 10 us) nor a retune change the
   * rate history being copied. The soft-double arithmetic runs after. */
  mn_adc_rate_step_t rates[MN_ADC_RATE_HISTORY];
  uint32_t saved = mask_dma_irq(c);
  dev->notifyPending = 0;
  int got = mk_take_window(c->kernel, w);
  uint64_t base = dev->kernelBase;
  uint32_t head = dev->rateHead;
  if (got) {
    memcpy(rates, dev->rates, sizeof(rates));
    dev->s.windowsDelivered++;
    dev->s.windowsDropped += w->droppedBefore;
  }
  unmask_dma_irq(c, saved);
  if (!got) return 0;
  if (info) {
    double ticks = mean_ticks(rates, head, base + w->startSample, w->sampleCount);
    info->firstPair = base + w->startSample;
    info->sampleRateHz = ticks > 0 ? (double)c->timerClkHz / ticks : 0;
    window_step(rates, head, base + w->startSample, w->sampleCount, info);
  }
  return 1;
}

int mn_adc_take_error(mn_adc_t *dev) {
  if (dev->cfg == NULL) return 0;
  uint32_t saved = mask_dma_irq(dev->cfg);
  int e = dev->errorPending;
  dev->errorPending = 0;
  unmask_dma_irq(dev->cfg, saved);
  return e;
}

void mn_adc_get_stats(const mn_adc_t *dev, mn_adc_stats_t *out) {
  /* 7 words the DMA interrupt updates: without the mask a copy could mix
   * counters from before and after one interrupt */
  if (dev->cfg == NULL) {
    *out = dev->s;
    return;
  }
  uint32_t saved = mask_dma_irq(dev->cfg);
  *out = dev->s;
  unmask_dma_irq(dev->cfg, saved);
}
