/*
 * The data signals of a message into its 4 data bytes, with the DBC semantics of
 * modules/can/signalCodec.ts (bit-identical): physical -> raw = round(phys /
 * factor) (JavaScript's Math.round: floor(x + 0.5)), saturated at the raw range,
 * NaN sent as 0; Intel (least significant bit at startBit) or Motorola (most
 * significant bit at startBit, DBC sawtooth numbering) packing. factor is
 * 1 / 10^(kind & 3), offset 0, as messages.ts encodes the kind.
 */
#ifndef MN_SECOC_CODEC_H
#define MN_SECOC_CODEC_H

#include <stdint.h>

#define MN_SIG_SIGNED 4u
#define MN_SIG_MOTOROLA 8u

/* One signal: DBC start bit, length in bits (1..32), kind (decimals | MN_SIG_*). */
typedef struct {
  uint8_t startBit, length, kind;
} mn_signal_t;

/* The raw value of phys for signal s (two's complement kept as a signed number). */
int64_t mn_signal_phys_to_raw(const mn_signal_t *s, double phys);
/* Writes raw into bytes[0..3] at the signal's bits; other bits are kept. */
void mn_signal_pack(uint8_t bytes[4], const mn_signal_t *s, int64_t raw);
/* The physical value of the signal in bytes[0..3]: raw (sign-extended) * factor. */
double mn_signal_decode(const uint8_t bytes[4], const mn_signal_t *s);

#endif
