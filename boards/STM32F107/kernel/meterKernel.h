/*
 * meterKernel: the per-sample measurement kernel of a meternet meter.
 *
 * Pure C99, no Espruino types, no registers, no allocation: the caller owns one
 * mk_kernel_t (static on the device, heap on Node) and the kernel never touches
 * memory outside it. The same source runs on the STM32F107 (fed from the ADC DMA
 * half/complete interrupts), in the Node addon (host/native) and under
 * qemu-system-arm for its unit tests.
 *
 * What it does, per sample pair (integer only; the Cortex-M3 has no FPU):
 *   - 64-bit sums of v, i, v*v, i*i, v*i and the two one-sample-lagged cross
 *     products (so the metering chain can apply phase compensation exactly at the
 *     fundamental without per-sample work);
 *   - voltage zero crossings with hysteresis on a moving average of 3/16 cycle
 *     (harmonics cannot add crossings; its exact delay is subtracted), each rising
 *     crossing refined by a least-squares line through 2K averaged samples around
 *     it (K = fitHalfWidth) with a correction for the sine's curvature;
 *   - Urms(1/2) (IEC 61000-4-30 5.4.2.1): one-cycle rms refreshed every half cycle,
 *     on the samples between voltage zero crossings;
 *   - synchronous resampling of each window to MK_FFT_N points per window (an
 *     interpolating FIR with a passband flat to 1e-4 up to 0.3 fs, so the result
 *     does not depend on the input rate), then a fixed-point real FFT and the
 *     IEC 61000-4-7 harmonic groups 0..50 of V and I.
 * Per window of `cycles` (10 at 50 Hz, 12 at 60 Hz) fundamental cycles, aligned on
 * rising voltage zero crossings, it queues one mk_window_t.
 *
 * Calibration (gain, offset, phase) is NOT applied here: every output is in ADC
 * codes (LSB) of the raw 12-bit samples; the metering chain (boards/STM32F107/
 * metering, C) converts, once per window. The raw window's JavaScript view (the
 * diagnostic 'window' event) is modules/metering/kernelWindow.ts.
 *
 * Sample format: one "pair" is a simultaneous voltage and current conversion, as
 * the STM32F1 dual-ADC regular-simultaneous mode writes ADC1_DR: a uint32 with the
 * voltage code in bits 0..11 and the current code in bits 16..27. On a
 * little-endian CPU this is the same memory as uint16 {v, i} pairs, so both feed
 * functions read the same buffer.
 *
 * Concurrency: mk_feed_* (producer, e.g. the DMA interrupt) and mk_take_window
 * (consumer, the main loop) may run in different contexts: the window queue is a
 * single-producer single-consumer ring; the producer never overwrites an unread
 * window, it drops the new one and counts it (mk_window_t.droppedBefore).
 *
 * Timing (Cortex-M3, -Os, 12.8 kHz, measured under QEMU, see README.md): about 105
 * instructions per pair (141 with 60 Hz / 2048-point windows); the call in which a window ends also runs two 1024-point
 * FFTs, about 376 k instructions (5..8 ms at 72 MHz): feed from a context that may
 * take that long (DMA half-buffers of 128 pairs or more, or a low-priority IRQ).
 */
#ifndef METER_KERNEL_H
#define METER_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Harmonic groups 0..50 (group 0 is the DC bin alone). */
#define MK_GROUPS 51
/* Largest window: 12 cycles -> 13 rising crossings including both ends. */
#define MK_CROSSINGS_MAX 13
/* Urms(1/2) values kept per window: 2 per cycle plus room for synthetic ones. */
#define MK_URMS_MAX 32
/* Resampled points per window. 1024 covers groups 0..50 on 10 cycles (50 Hz
 * systems: bin 10*50+5 = 505 < 512). 12-cycle (60 Hz) windows need 2048: build
 * with -DMK_FFT_N_MAX=2048 (twice the buffer RAM); mk_init rejects 12 cycles on a
 * 1024 build. The host addon is built with 2048. */
#ifndef MK_FFT_N_MAX
#define MK_FFT_N_MAX 1024
#endif
/* Below this fundamental group (LSB rms) a channel has no THD (MK_FLAG_NO_FUND_*):
 * 1 % of the 12-bit ADC's largest sine (1448 LSB rms). The groups 2..40 of 0.5 LSB
 * rms ADC noise alone add up to about 0.3 LSB (12.8 kHz; more at low rates), i.e.
 * a THD floor of 2 % at this level and 795 % on a DC-only channel. */
#define MK_FUND_MIN_LSB 14u
/* THD is taken over groups 2..40 (IEC 61000-4-7 / -4-30); thdMaxOrder caps it. */
#define MK_THD_ORDER_MAX 40u
/* Finished windows waiting for mk_take_window. */
#ifndef MK_QUEUE_LEN
#define MK_QUEUE_LEN 2
#endif
/* Sample history, a power of two: holds the look-ahead delay, one run of 28 pairs
 * and the interpolator's reach. The delay is a time, about 0.3 of a nominal cycle
 * (the crossing detector's moving average and the wait for a missing crossing, see
 * meterKernel.c), so the ring bounds the sampling rate a build can serve: 128 words
 * (the device: 512 bytes) take up to mk_max_rate_hz() = 14 875 Hz on 50 Hz systems
 * and 17 850 Hz on 60 Hz ones; the Node addon and the host harness build with
 * -DMK_RING=1024 (4 KB) for records up to 102.4 kHz. mk_init refuses a rate the
 * ring cannot serve (MK_E_RING) instead of shortening the look-ahead. */
#ifndef MK_RING
#define MK_RING 128
#endif
/* Ring words repeated after the end for the interpolator's taps (taps - 1). */
#define MK_RING_MIRROR 11

/* Error codes (negative), from mk_init. */
#define MK_OK 0
#define MK_E_RATE (-1)      /* sampleRateHz outside 1000..102400 */
#define MK_E_NOMINAL (-2)   /* nominalHz not 50 or 60 */
#define MK_E_CYCLES (-3)    /* cycles not 0, 10 or 12, or 12 on a MK_FFT_N_MAX=1024 build */
#define MK_E_FIT (-4)       /* fitHalfWidth above 16 */
#define MK_E_RING (-5)      /* sampleRateHz above mk_max_rate_hz(): the build's MK_RING cannot
                               hold the crossing look-ahead (about 0.3 cycle) at that rate */

/* mk_window_t.flags */
#define MK_FLAG_CLIP_V 0x0001      /* a voltage sample was 0 or 4095 (or above: clamped) */
#define MK_FLAG_CLIP_I 0x0002      /* a current sample was 0 or 4095 (or above: clamped) */
#define MK_FLAG_SYNTHETIC 0x0004   /* a crossing was missing (dip/interruption): one or more
                                      crossings were placed at the predicted period; IEC
                                      61000-4-30 flagging applies */
#define MK_FLAG_FIRST 0x0008       /* first window after mk_init (a start or a restart after a
                                      gap). Its values are right: it starts at the first rising
                                      crossing that ends a measured period, so it is resampled
                                      at that period (before issue 13 it started one cycle
                                      earlier at the nominal period: THD 1.3..3.3 pp off away
                                      from 50 Hz). When no period could be measured in the
                                      first three crossings it starts anyway and carries
                                      MK_FLAG_SYNC as well. */
#define MK_FLAG_FREQ_RANGE 0x0010  /* a measured period was outside 0.7..1.4 of nominal and
                                      was clamped for prediction */
#define MK_FLAG_URMS_FULL 0x0020   /* more than MK_URMS_MAX half cycles: extra values lost */
#define MK_FLAG_SYNC 0x0040        /* resampled span differs from the measured span by more
                                      than 0.1 % (frequency changed fast), or a first window
                                      resampled at the nominal period: harmonics leak */
#define MK_FLAG_CYCLE 0x0100       /* a Urms(1/2) span between crossings was not 0.7..1.3 of the
                                      measured period (zero crossings of a distorted voltage
                                      between the fundamental's): its value was dropped */
#define MK_FLAG_NO_FUND_V 0x0200   /* the voltage's fundamental group is below MK_FUND_MIN_LSB
                                      rms (a dead or DC-only channel): its harmonic groups are
                                      noise and it has no THD (the chain must not show one) */
#define MK_FLAG_NO_FUND_I 0x0400   /* the same for the current (a DC-only current read 795 %) */
#define MK_FLAG_PARTIAL 0x0080     /* given by mk_flush: the data ended inside this window.
                                      cycles holds its complete cycles (0..cycles-1), its
                                      sums and Urms(1/2) values are valid, it has no
                                      harmonic groups (all 0) */

typedef struct {
  /* ADC sampling rate of the pairs fed, 1000..102400 Hz (and at most mk_max_rate_hz()
   * of the build; 102400: a window's sample positions are uint16). The meter samples at
   * 12800 Hz (256 pairs per 50 Hz cycle; see boards/STM32F107/kernel/README.md). */
  uint32_t sampleRateHz;
  /* Declared system frequency, 50 or 60. */
  uint8_t nominalHz;
  /* Cycles per window: 0 = IEC default (10 at 50 Hz, 12 at 60 Hz), or 10 / 12. */
  uint8_t cycles;
  /* Half-width K of the least-squares line through each crossing, in samples:
   * 0 = default, about 0.25 rad of the nominal fundamental (K=10 at 12.8 kHz/50 Hz,
   * at least 2); at most 16. */
  uint8_t fitHalfWidth;
  /* Voltage code of 0 V used to find crossings before the first window (the
   * transducer's 1.5 V bias: 1862 with a 3.3 V reference). Each window of steady amplitude then
   * replaces it with its own mean. 0 = 2048. */
  uint16_t vMidLsb;
  /* Crossing hysteresis in LSB: a rising crossing arms only after the voltage went
   * this far below the mid code (and a falling one above), measured on the
   * moving average of the voltage. 0 = default 8 LSB,
   * about 1 % of the 230 V peak with the reference transducer. */
  uint16_t hysteresisLsb;
} mk_config_t;

/* One finished window. All sample positions are in samples relative to
 * startSample (the first sample whose products are in the sums). */
typedef struct {
  uint32_t index;          /* window number since mk_init, 0.. */
  uint64_t startSample;    /* pairs fed since mk_init before this window's first sample */
  uint32_t sampleCount;    /* N: pairs in the sums */
  uint16_t flags;          /* MK_FLAG_* */
  uint16_t droppedBefore;  /* windows dropped (queue full) since the previous one taken */
  uint8_t cycles;          /* fundamental cycles in this window (10 or 12) */
  uint8_t crossingCount;   /* cycles + 1 */
  uint8_t urmsCount;       /* Urms(1/2) values completed in this window */
  uint8_t harmonicMaxOrder;/* highest group order inside the interpolator passband
                              (0.3 fs) and the resampled Nyquist; groups above are
                              attenuated and must not be used (low-rate records) */
  uint16_t vMidLsb;        /* mid code used for crossing detection in this window */
  uint8_t thdMaxOrder;     /* highest group order THD includes: min(40, harmonicMaxOrder)
                              (6 at 1 kHz / 50 Hz, 24 at 4 kHz); 0 in a partial window */
  /* Raw sums over the N samples n = 0..N-1 of the window (v, i are 12-bit codes,
   * offsets included; vp, ip the previous pair, continuous across windows). */
  uint32_t sumV, sumI;
  uint64_t sumVV, sumII, sumVI;
  uint64_t sumVIp;         /* sum v[n] * i[n-1] */
  uint64_t sumVpI;         /* sum v[n-1] * i[n] */
  /* Samples 0, 1, N-2 and N-1 of the window, for the fractional-sample end
   * correction of the sums (see kernelWindow.ts). */
  uint16_t edgeV[4], edgeI[4];
  /* Refined rising zero crossings of the voltage, Q16.16 samples relative to
   * startSample: crossingQ16[0] is the window start (in about (-1, 0]) and
   * crossingQ16[cycles] its end (about N-1 .. N). */
  int32_t crossingQ16[MK_CROSSINGS_MAX];
  /* Urms(1/2): mean square (DC of that cycle removed) of the last full cycle, in
   * LSB^2 * 256, refreshed at each half-cycle boundary; endSample is the first
   * sample after that cycle (relative to startSample, 0..N). */
  uint32_t urmsMsQ8[MK_URMS_MAX];
  uint16_t urmsEndSample[MK_URMS_MAX];
  /* Resampled span minus measured span (crossing[cycles]-crossing[0]), Q16.16 samples. */
  int32_t syncErrorQ16;
  /* Harmonic group rms (IEC 61000-4-7 eq. 8: bins k-C/2..k+C/2 around k = C*n,
   * half weight on the two outer bins, C = cycles), in LSB * 65536. Group 0 is the
   * DC component (sumV / N, ADC offset included). */
  uint32_t hVQ16[MK_GROUPS];
  uint32_t hIQ16[MK_GROUPS];
} mk_window_t;

/* A crossing handed from detection (newest samples) to accumulation (delayed). */
typedef struct {
  uint64_t sample;   /* boundary: first sample of the new half cycle */
  int64_t posQ16;    /* refined position, absolute samples Q16 */
  uint8_t kind;      /* private MK_EV_* bits */
} mk_event_t;

#define MK_EVENTS 16

/* Kernel state. Fields are private; sizeof(mk_kernel_t) is the kernel's whole RAM. */
typedef struct {
  mk_config_t cfg;
  uint32_t fftN;              /* resampled points per window: 1024 (10 cycles) or 2048 (12) */
  uint32_t fftLog2;
  uint16_t K;                 /* least-squares half-width */
  uint16_t hyst;
  uint32_t tNomQ16;           /* nominal period, samples Q16 */
  uint32_t tPredQ16;          /* last measured period, samples Q16 */
  uint32_t marginQ16;         /* wait beyond the predicted half period before a synthetic crossing */
  uint32_t guardQ16;          /* shortest accepted half period */
  uint64_t curvQ40;           /* 4 pi^2 c2: sine-curvature correction of the crossing fit */
  uint64_t synthAt;           /* sample at which a missing crossing becomes synthetic */
  uint32_t lpM;               /* length of the moving average the crossings are found on */
  int32_t lpSum;              /* sum of the last lpM voltage codes */
  uint32_t lpDelayQ16;        /* its delay, (lpM - 1) / 2 samples, Q16 */
  uint32_t delay;             /* samples between detection (head) and accumulation (tail) */
  uint8_t risesBefore;        /* rising crossings before the first window (no period yet) */
  uint64_t tailAt;            /* next sample to accumulate */
  uint64_t head;              /* pairs received */
  /* pairs v | i << 16, codes 0..4095 only (clip marks are in clipMap); words
   * MK_RING.. repeat words 0.. for the resampler's taps (refreshed before use) */
  uint32_t ring[MK_RING + MK_RING_MIRROR];
  /* clipped samples (code 0 or 4095, or clamped): bit n % MK_RING of [0] (voltage)
   * and [1] (current), set by the feed, cleared by the accumulation */
  uint32_t clipMap[2][MK_RING / 32];
  uint32_t clipPending;       /* nonzero while clipMap may hold set bits */
  /* detection, on the newest sample */
  uint8_t expect;             /* 0: seeking the first rising crossing, 1: falling next, 2: rising next */
  uint8_t armed;              /* the signal went past the hysteresis band on the far side */
  uint8_t lastRiseReal;       /* lastRiseQ16 is a measured (not synthetic) crossing */
  uint8_t pendingFit;         /* 1 while waiting for the samples after a rising detection */
  uint16_t vMid, iMid;        /* codes of 0 V / 0 A (previous window's means) */
  uint32_t vMidQ8;            /* the same zero code in 1/256 LSB: Urms(1/2) is taken about it */
  uint64_t pendingDet;
  int64_t lastRiseQ16, lastEventQ16;
  mk_event_t ev[MK_EVENTS];
  uint32_t evHead, evTail;
  /* accumulation, `delay` samples behind */
  uint8_t inWindow, cyclesSeen, halves, firstWindow;
  uint16_t prevV, prevI;
  uint32_t halfN[2];
  uint64_t halfSumV[2], halfSumVV[2];
  uint32_t curHalfN;
  uint64_t curHalfSumV, curHalfSumVV;
  uint32_t windows;
  uint16_t dropped;
  uint8_t freqRangeSeen;
  mk_window_t cur;
  /* resampler: point j = rsNext of the window sits at sample rsAt + (rsFracR - 2^24) / 2^32
   * (rsAt is the absolute sample number modulo 2^32; the fraction carries half a
   * phase step so that its top 7 bits are the nearest phase) */
  uint64_t rsBase;
  uint32_t rsAt, rsFracR;
  uint32_t rsStepInt, rsStepFrac; /* step between points: rsStepInt + rsStepFrac / 2^32 samples */
  uint32_t rsNext;
  uint32_t rsBiasW, rsBiasI;  /* accumulator start values: rounding minus the mid codes (Q14) */
  int16_t bufV[MK_FFT_N_MAX], bufI[MK_FFT_N_MAX];
  /* finished windows */
  mk_window_t queue[MK_QUEUE_LEN];
  volatile uint32_t qHead, qTail;
} mk_kernel_t;

/* Sets up k from cfg (validated, defaults filled). Returns MK_OK or MK_E_*.
 * After this, nothing allocates; k may be re-initialised at any time. */
int mk_init(mk_kernel_t *k, const mk_config_t *cfg);

/* Feeds `pairs` simultaneous samples as interleaved uint16 {v, i, v, i, ...}
 * (12-bit codes; higher values are clamped to 4095 and flagged). Consumes all of
 * them; may finish windows (and run their FFT) inside the call. Returns the
 * number of windows now waiting in the queue. */
int mk_feed_pairs(mk_kernel_t *k, const uint16_t *vi, size_t pairs);

/* Same for packed words: voltage in bits 0..11, current in bits 16..27. */
int mk_feed_packed(mk_kernel_t *k, const uint32_t *words, size_t count);

/* End of data (the end of a record, or sampling about to stop): the samples still
 * held back for the accumulation (the last 88 or more, about 7 ms at 12.8 kHz) are
 * accumulated, and a window that is open is queued as MK_FLAG_PARTIAL, so that the
 * Urms(1/2) values of the last cycles reach the dip detection instead of being lost.
 * Windows that complete in those samples are finished normally first. Returns the
 * number of windows now waiting. Feed nothing more before mk_init. */
int mk_flush(mk_kernel_t *k);

/* Moves the oldest finished window into *out. Returns 1, or 0 if none waits. */
int mk_take_window(mk_kernel_t *k, mk_window_t *out);

/* Highest sampleRateHz this build's MK_RING serves for a nominal frequency of 50 or
 * 60 Hz (at most 102400). */
uint32_t mk_max_rate_hz(uint8_t nominalHz);

/* A sentence for an mk_init error code. */
const char *mk_error_text(int code);

#ifdef __cplusplus
}
#endif

#endif
