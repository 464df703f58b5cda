/* AES-128-CMAC and the meter-key KDF (cmac.h). */
#include <string.h>

#include "cmac.h"
#include "secocAes.h"

#define RB 0x87u

/* out = b << 1, XOR Rb into the last byte when the top bit fell out. */
static void double_block(const uint8_t b[16], uint8_t out[16]) {
  uint8_t carry = 0;
  for (int i = 15; i >= 0; i--) {
    uint8_t v = b[i];
    out[i] = (uint8_t)((v << 1) | carry);
    carry = (uint8_t)(v >> 7);
  }
  if (b[0] & 0x80u) out[15] ^= RB;
}

int mn_cmac_subkeys(const uint8_t key[16], uint8_t k1[16], uint8_t k2[16]) {
  uint8_t l[16] = {0};
  if (mn_aes128_encrypt(key, l, l) != 0) return -1;
  double_block(l, k1);
  double_block(k1, k2);
  return 0;
}

int mn_cmac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t tag[16]) {
  uint8_t k1[16], k2[16], x[16] = {0};
  if (mn_cmac_subkeys(key, k1, k2) != 0) return -1;
  size_t n = len == 0 ? 1 : (len + 15) / 16;
  int lastComplete = len > 0 && len % 16 == 0;
  for (size_t blk = 0; blk < n; blk++) {
    size_t base = blk * 16;
    int isLast = blk == n - 1;
    for (size_t i = 0; i < 16; i++) {
      size_t p = base + i;
      uint8_t m = p < len ? msg[p] : (p == len ? 0x80u : 0u);
      if (isLast) m ^= lastComplete ? k1[i] : k2[i];
      x[i] ^= m;
    }
    if (mn_aes128_encrypt(key, x, x) != 0) return -1;
  }
  memcpy(tag, x, 16);
  return 0;
}

int mn_cmac_short(const uint8_t key[16], const uint8_t k2[16], const uint8_t *msg, size_t len, uint8_t tag[16]) {
  uint8_t x[16];
  if (len >= 16) return -1;
  for (size_t i = 0; i < 16; i++) x[i] = (uint8_t)((i < len ? msg[i] : (i == len ? 0x80u : 0u)) ^ k2[i]);
  return mn_aes128_encrypt(key, x, tag);
}

static const char LABEL[] = "meternet-meter-key";

int mn_secoc_meter_key(const uint8_t master[16], unsigned address, uint8_t key[16]) {
  if (address > 63) return -22;
  uint8_t in[4 + sizeof LABEL - 1 + 1 + 1 + 4] = {0};
  size_t n = sizeof LABEL - 1;
  in[3] = 1; /* i = 1, big-endian */
  memcpy(in + 4, LABEL, n);
  /* in[4 + n] = 0x00: the separator */
  in[5 + n] = (uint8_t)address; /* context: one byte */
  in[6 + n + 3] = 0x80;         /* L = 128 bits, big-endian */
  return mn_cmac(master, in, sizeof in, key);
}
