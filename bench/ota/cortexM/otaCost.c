/*
 * Instructions per OTA step on a Cortex-M3 (QEMU lm3s6965evb, -icount shift=0), the C of
 * boards/STM32F107/ota over the AES and SHA-256 of an Espruino tree's mbedtls (sha256.c
 * with MBEDTLS_SHA256_SMALLER, as the meter images build it). The staging space is RAM
 * here: the flash (or NOR) programming time of a chunk is the part's, not counted.
 * Counted with bench/can/cortexM/sysTickCount.h. Prints "<name> <instructions>".
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmac.h"
#include "otaAggLink.h"
#include "otaMeterLink.h"
#include "sysTickCount.h"

#define IMAGE_BYTES 20805u /* build/meter.js of 2026-12-07 */
static uint8_t image[IMAGE_BYTES], staged[MN_OTA_MAX_BYTES];

static int sErase(void *c, uint32_t n) { (void)c; memset(staged, 0xFF, n); return 0; }
static int sWrite(void *c, uint32_t off, const uint8_t *d, uint32_t n) { (void)c; memcpy(staged + off, d, n); return 0; }
static int sRead(void *c, uint32_t off, uint8_t *d, uint32_t n) { (void)c; memcpy(d, staged + off, n); return 0; }
static int iRead(void *c, uint32_t off, uint8_t *d, uint32_t n) { (void)c; memcpy(d, image + off, n); return 0; }
static int noErase(void *c, uint32_t n) { (void)c; (void)n; return -1; }
static int noWrite(void *c, uint32_t off, const uint8_t *d, uint32_t n) { (void)c; (void)off; (void)d; (void)n; return -1; }
static int commit(void *c, const mn_ota_manifest_t *m) { (void)c; (void)m; return 0; }

static mn_ota_meter_t meter;
static mn_ota_agg_t agg;

int main(void) {
  calibrate();
  uint32_t x = 1;
  for (unsigned i = 0; i < IMAGE_BYTES; i++) { x = x * 1103515245u + 12345u; image[i] = (uint8_t)(x >> 24); }
  uint8_t master[16], key[16], wire[MN_OTA_MANIFEST_BYTES];
  for (int i = 0; i < 16; i++) master[i] = (uint8_t)(0x42);
  const mn_ota_staging_t img = {noErase, noWrite, iRead, 0, IMAGE_BYTES};
  const mn_ota_staging_t st = {sErase, sWrite, sRead, 0, MN_OTA_MAX_BYTES};
  mn_ota_manifest_t m;
  memset(&m, 0, sizeof m);
  m.image = MN_OTA_IMAGE_METER50;
  m.tag = 9;
  m.version = 2;
  m.counter = 5;
  uint8_t address = 5;

  /* aggregator: start (SHA-256 of the image), a manifest under a derived key, the chunk frames */
  uint32_t t = now();
  if (mn_ota_agg_start(&agg, &img, IMAGE_BYTES, &m, master, &address, 1, 1, 0) != 0) { printf("start failed\n"); return 1; }
  report("agg_start_with_sha256_of_20805_B", since(t), 1);
  m = agg.m;
  m.address = address;
  t = now();
  mn_secoc_meter_key(master, address, key);
  mn_ota_manifest_make(&m, key, wire);
  report("agg_manifest_for_one_meter_kdf_and_cmac", since(t), 1);

  /* meter: the manifest check (CMAC), then every chunk; the last one verifies the image */
  mn_ota_meter_init(&meter, key, address, MN_OTA_IMAGE_METER50, 4, &st, commit, 0);
  static uint8_t bitmap[MN_OTA_BITMAP_BYTES]; /* lent per transfer (otaMeterLink.c): the receiver is driven directly here */
  meter.rx.bitmap = bitmap;
  t = now();
  int c = mn_ota_rx_manifest(&meter.rx, wire, sizeof wire);
  report("meter_manifest_check_cmac_and_erase_ram", since(t), 1);
  if (c != MN_OTA_OK) { printf("manifest refused %d\n", c); return 1; }

  uint16_t id;
  uint8_t d[8];
  /* one interval per loop (SysTick's tick is many instructions): the aggregator's chunks
   * alone, then the aggregator's and the meter's together; the meter's is the difference */
  agg.phase = MN_OTA_PH_CHUNKS;
  unsigned chunks = 0;
  t = now();
  while (mn_ota_agg_chunk(&agg, &id, d)) chunks++;
  uint32_t aggTicks = since(t);
  agg.tx.cursor = 0;
  agg.phase = MN_OTA_PH_CHUNKS;
  t = now();
  for (unsigned i = 0; i + 1 < chunks; i++) {
    mn_ota_agg_chunk(&agg, &id, d);
    mn_ota_meter_frame(&meter, id, d, 8, 0);
  }
  uint32_t bothTicks = since(t);
  mn_ota_agg_chunk(&agg, &id, d);
  t = now();
  mn_ota_meter_frame(&meter, id, d, 8, 0);
  uint32_t lastTicks = since(t);
  if (meter.rx.state != MN_OTA_VERIFIED) { printf("not verified: state %u cause %u\n", meter.rx.state, meter.rx.lastCause); return 1; }
  report("agg_chunk_frame", aggTicks, chunks);
  report("meter_chunk_frame_taken_and_staged", bothTicks - (double)aggTicks * (chunks - 1) / chunks, chunks - 1);
  report("meter_last_chunk_with_sha256_of_20805_B", lastTicks, 1);
  /* a status report of a meter that lacks scattered chunks: the bitmap form */
  for (unsigned i = 0; i < meter.rx.total; i += 3) meter.rx.bitmap[i >> 3] &= (uint8_t)~(1u << (i & 7));
  meter.rx.state = MN_OTA_RECEIVING;
  static uint8_t rep[12 + 470];
  t = now();
  size_t n = mn_ota_rx_status(&meter.rx, rep, sizeof rep);
  report("meter_status_report_bitmap", since(t), 1);
  t = now();
  mn_ota_tx_repair(&agg.tx, rep, n);
  report("agg_repair_from_bitmap", since(t), 1);
  printf("chunks %u\ncalibration %.2f instructions per tick\n", chunks, perTick);
  return 0;
}
