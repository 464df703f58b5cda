/* Signal encoding (secocCodec.h). */
#include <math.h>

#include "secocCodec.h"

static const double POW10[4] = {1, 10, 100, 1000};

int64_t mn_signal_phys_to_raw(const mn_signal_t *s, double phys) {
  if (phys != phys) return 0; /* NaN: no reading */
  double factor = 1 / POW10[s->kind & 3u]; /* the same double as messages.ts's 1 / Math.pow(10, d) */
  double r = floor(phys / factor + 0.5);
  double span = (double)(1ull << s->length); /* 2^length exactly (length 1..32), without libm's ldexp (336 bytes of the meter image) */
  double lo = (s->kind & MN_SIG_SIGNED) ? -span / 2 : 0;
  double hi = ((s->kind & MN_SIG_SIGNED) ? span / 2 : span) - 1;
  return (int64_t)(r < lo ? lo : r > hi ? hi : r);
}

double mn_signal_decode(const uint8_t bytes[4], const mn_signal_t *s) {
  uint64_t u = 0;
  unsigned pos = s->startBit;
  for (unsigned k = 0; k < s->length; k++) {
    unsigned bit = (s->kind & MN_SIG_MOTOROLA) ? s->length - 1 - k : k;
    if (pos < 32 && (bytes[pos / 8] >> (pos % 8)) & 1u) u |= 1ull << bit;
    if (s->kind & MN_SIG_MOTOROLA) pos = pos % 8 == 0 ? pos + 15 : pos - 1;
    else pos++;
  }
  int64_t raw = (int64_t)u;
  if ((s->kind & MN_SIG_SIGNED) && (u >> (s->length - 1)) & 1u) raw -= (int64_t)1 << s->length;
  return (double)raw * (1 / POW10[s->kind & 3u]); /* raw * factor, as rawToPhys */
}

void mn_signal_pack(uint8_t bytes[4], const mn_signal_t *s, int64_t raw) {
  uint64_t u = (uint64_t)raw & ((1ull << s->length) - 1);
  unsigned pos = s->startBit;
  for (unsigned k = 0; k < s->length; k++) {
    /* Intel: bit k of u at pos, pos rising; Motorola: the most significant bit first,
     * pos falling within a byte and jumping to bit 7 of the next byte. */
    unsigned bit = (s->kind & MN_SIG_MOTOROLA) ? s->length - 1 - k : k;
    if (pos < 32) {
      uint8_t m = (uint8_t)(1u << (pos % 8));
      if ((u >> bit) & 1u) bytes[pos / 8] |= m;
      else bytes[pos / 8] &= (uint8_t)~m;
    }
    if (s->kind & MN_SIG_MOTOROLA) pos = pos % 8 == 0 ? pos + 15 : pos - 1;
    else pos++;
  }
}
