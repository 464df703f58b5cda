/* bxCAN bit-timing search; see canBitTiming.h. Integer only (no FPU). */
#include "canBitTiming.h"

#include "../drivers/mnReg.h"

#define TQ_MIN 8u
#define TQ_MAX 25u
#define BS1_MAX 16u
#define BS2_MAX 8u
#define BRP_MAX 1024u

static uint32_t abs_diff(uint32_t a, uint32_t b) { return a > b ? a - b : b - a; }

/* Rate error in ppm, signed, rounded toward zero. */
static int32_t rate_error_ppm(uint32_t pclkHz, uint32_t brp, uint32_t tq, uint32_t bitrateHz) {
  uint64_t divisor = (uint64_t)brp * tq * bitrateHz;
  int64_t diff = (int64_t)pclkHz - (int64_t)divisor; /* achieved/requested - 1 = diff / divisor */
  return (int32_t)(diff * 1000000 / (int64_t)divisor);
}

int mn_can_timing_compute(uint32_t pclkHz, uint32_t bitrateHz, uint16_t samplePointPermille, uint32_t maxErrorPpm,
                          mn_can_timing_t *out) {
  if (out == 0 || pclkHz == 0 || bitrateHz == 0 || bitrateHz > 1000000u || samplePointPermille < 500 || samplePointPermille > 950) return MN_EINVAL;
  int found = 0;
  uint32_t bestRateErr = 0, bestSpErr = 0;
  for (uint32_t tq = TQ_MAX; tq >= TQ_MIN; tq--) {
    uint64_t perBit = (uint64_t)bitrateHz * tq;
    uint32_t brp = (uint32_t)(((uint64_t)pclkHz + perBit / 2) / perBit);
    if (brp < 1 || brp > BRP_MAX) continue;
    int32_t errPpm = rate_error_ppm(pclkHz, brp, tq, bitrateHz);
    uint32_t rateErr = (uint32_t)(errPpm < 0 ? -errPpm : errPpm);
    if (rateErr > maxErrorPpm) continue;
    /* Best BS1 for the target: (1 + bs1) / tq nearest samplePoint / 1000. */
    for (uint32_t bs2 = 1; bs2 <= BS2_MAX; bs2++) {
      uint32_t bs1 = tq - 1u - bs2;
      if (bs1 < 1 || bs1 > BS1_MAX) continue;
      /* sample point error scaled by 1000 * tq, compared across tq by scaling to ppm */
      uint32_t spErr = abs_diff((1u + bs1) * 1000000u / tq, (uint32_t)samplePointPermille * 1000u);
      int better = !found || rateErr < bestRateErr || (rateErr == bestRateErr && spErr < bestSpErr);
      /* equal errors: the larger tq came first (descending loop) and is kept */
      if (!better) continue;
      found = 1;
      bestRateErr = rateErr;
      bestSpErr = spErr;
      out->brp = brp;
      out->tqPerBit = (uint8_t)tq;
      out->bs1 = (uint8_t)bs1;
      out->bs2 = (uint8_t)bs2;
      out->sjw = (uint8_t)(bs2 < 4 ? bs2 : 4);
      out->errorPpm = errPpm;
    }
  }
  if (!found) return MN_EINVAL;
  out->btr = ((uint32_t)(out->sjw - 1u) << 24) | ((uint32_t)(out->bs2 - 1u) << 20) | ((uint32_t)(out->bs1 - 1u) << 16) |
             (out->brp - 1u);
  mn_can_timing_from_btr(pclkHz, out->btr, &out->bitrateHz, &out->samplePointPermille);
  return MN_OK;
}

void mn_can_timing_from_btr(uint32_t pclkHz, uint32_t btr, uint32_t *bitrateHz, uint16_t *samplePointPermille) {
  uint32_t brp = (btr & 0x3FFu) + 1u;
  uint32_t tbs1 = ((btr >> 16) & 0xFu) + 1u;
  uint32_t tbs2 = ((btr >> 20) & 0x7u) + 1u;
  uint32_t tqPerBit = 1u + tbs1 + tbs2;
  uint32_t div = brp * tqPerBit;
  *bitrateHz = (pclkHz + div / 2u) / div;
  *samplePointPermille = (uint16_t)(((1u + tbs1) * 1000u + tqPerBit / 2u) / tqPerBit);
}
