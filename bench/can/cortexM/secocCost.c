/*
 * Instructions per SecOC operation on a Cortex-M3 (QEMU lm3s6965evb, -icount
 * shift=0: one instruction = 1 ns of virtual time), the C of
 * boards/STM32F107/secoc over the AES of Espruino's mbedtls (aes.c from the tree
 * given to run.sh, MBEDTLS_AES_ROM_TABLES as Espruino configures it). SysTick
 * counts virtual time; a loop of known length calibrates instructions per tick.
 * Prints one line per operation: "<name> <instructions per call>".
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmac.h"
#include "secocNode.h"
#include "sysTickCount.h"

static uint8_t agg[7000], met[400];
static uint8_t plan[64], frames[64][8];


int main(void) {
  calibrate();
  uint8_t master[16], key[16], blk[16] = {0}, out[8], data[4] = {1, 2, 3, 4};
  for (int i = 0; i < 16; i++) master[i] = (uint8_t)i;
  int64_t fv;
  uint32_t d, t;
  const unsigned N = 32;

  extern int mn_aes128_encrypt(const uint8_t k[16], const uint8_t in[16], uint8_t out[16]);
  mn_aes128_encrypt(master, blk, blk);
  t = now();
  for (unsigned i = 0; i < N; i++) mn_aes128_encrypt(master, blk, blk);
  report("aes_block_same_key", since(t), N);
  memcpy(key, master, 16);
  t = now();
  for (unsigned i = 0; i < N; i++) { key[0] = (uint8_t)i; mn_aes128_encrypt(key, blk, blk); }
  report("aes_block_new_key", since(t), N);

  /* meter: 1 slot, plan as modules/can/secured.ts builds it */
  memset(plan, 0, sizeof plan);
  plan[1] = 0x10; plan[5] = 0x11; plan[3] = 0x20;
  plan[32 + 0] = 0x10; plan[32 + 2] = 0x11; plan[32 + 4] = 0x30;
  for (int fn = 6; fn <= 12; fn++) plan[32 + fn] = (uint8_t)(0x10 | (fn - 4));
  mn_secoc_node_init(met, sizeof met, 1, 2, 9, plan);
  mn_secoc_node_key(met, 0, 5, master, 1);
  mn_secoc_node_set_epoch(met, 1);
  t = now();
  for (unsigned i = 0; i < N; i++) mn_secoc_node_sign(met, (uint32_t)(0x185 + 64 * (i % 7)), data, -1, out);
  report("meter_sign_answer", since(t), N);

  /* aggregator: 64 meters, each answer from the next meter (a new key every frame) */
  uint8_t ap[64];
  memset(ap, 0, sizeof ap);
  ap[0] = 0x10; ap[2] = 0x11; ap[4] = 0x30;
  for (int fn = 6; fn <= 12; fn++) ap[fn] = (uint8_t)(0x10 | (fn - 4));
  ap[32 + 1] = 0x10; ap[32 + 5] = 0x10; ap[32 + 3] = 0x20;
  mn_secoc_node_init(agg, sizeof agg, 64, 9, 1, ap);
  t = now();
  for (unsigned a = 0; a < 64; a++) mn_secoc_node_key(agg, a, a, master, 1);
  report("agg_derive_key", since(t), 64);
  for (unsigned a = 0; a < 64; a++) {
    uint8_t mk[16];
    mn_secoc_meter_key(master, a, mk);
    mn_secoc_node_key(met, 0, a, mk, 0);
    mn_secoc_node_set_epoch(met, -1); /* a restart, not a renewal */
    mn_secoc_node_set_epoch(met, 3);
    mn_secoc_node_sign(met, 0x180 + a, data, -1, frames[a]);
    mn_secoc_node_set_rx(agg, a, 3 * 65536 - 1);
  }
  t = now();
  for (unsigned a = 0; a < 64; a++) mn_secoc_node_verify(agg, 0x180 + a, 0, 8, frames[a], &fv, &d);
  report("agg_verify_answer_ok", since(t), 64);
  t = now();
  for (unsigned a = 0; a < 64; a++) mn_secoc_node_verify(agg, 0x180 + a, 0, 8, frames[a], &fv, &d);
  report("agg_verify_replay_stale", since(t), 64);
  for (unsigned a = 0; a < 64; a++) frames[a][7] ^= 1;
  t = now();
  for (unsigned a = 0; a < 64; a++) mn_secoc_node_verify(agg, 0x180 + a, 0, 8, frames[a], &fv, &d);
  report("agg_verify_forged_badmac", since(t), 64);
  mn_secoc_node_set_epoch(agg, 9);
  t = now();
  for (unsigned a = 0; a < 64; a++) mn_secoc_node_sign(agg, 0x040 + a, data, -1, out);
  report("agg_sign_command", since(t), 64);
  printf("calibration %.2f instructions per tick\n", perTick);
  return 0;
}
