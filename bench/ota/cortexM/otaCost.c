/*
 * Instructions per OTA step on a Cortex-M3 (QEMU lm3s6965evb, -icount shift=0), the C of
 * boards/STM32F107/ota over the AES and SHA-256 of an Espruino tree's mbedtls (sha256.c
 * with MBEDTLS_SHA256_SMALLER, as the meter images build it). First with the staging
 * space in RAM (the receiver's own path), then the meter's whole C path of a chunk frame
 * as the board runs it:
 *  - the receive interrupt and ring (can/canDriver.c, drivers/bxcan.c) over a register
 *    block in RAM: one frame in FIFO 1 (the bulk class's), read and released (RFOM
 *    clears FMP here as on the part), into the ring, then taken by the main loop;
 *  - the link and the receiver with the NOR staging (ota/otaNorStaging.c over
 *    ota/w25q.c), its SPI transfers given to a stub that counts the bytes and answers
 *    "not busy": the instructions are ours, the bytes are SPI1's (time at its clock,
 *    Espruino's per-byte path: bench/ota/README.md), the part's program time is its own;
 *  - the same with chunks one page apart (a repair round's scattered chunks: a page
 *    programmed per chunk).
 * Not here: Espruino's event dispatch between the interrupt and mn_ota_take (jshPushEvent,
 * the CAN1 and state lookups of jswrap_can.c / jswrap_ota.c): interpreter code.
 * Counted with bench/can/cortexM/sysTickCount.h. Prints "<name> <instructions>".
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "canDriver.h"
#include "cmac.h"
#include "otaAggLink.h"
#include "otaMeterLink.h"
#include "otaNorStaging.h"
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

/* ---- the receive interrupt and the ring, registers in RAM ---- */
static bxcan_regs_t regs;
static unsigned notified;
static int notifyStub(void *c, uint32_t ev) { (void)c; (void)ev; notified++; return 1; }
static const mn_can_config_t canCfg = {&regs, 36000000u, 0, 14, notifyStub, 0};
static mn_can_t can;
/* One standard data frame waiting in FIFO 1's output mailbox (FMP = 1). */
static void arrive(uint16_t id, const uint8_t d[8]) {
  regs.RX[1].RIR = (uint32_t)id << MN_CAN_IR_STID_SHIFT;
  regs.RX[1].RDTR = 8u | (2u << MN_CAN_RDTR_FMI_SHIFT);
  regs.RX[1].RDLR = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
  regs.RX[1].RDHR = (uint32_t)d[4] | (uint32_t)d[5] << 8 | (uint32_t)d[6] << 16 | (uint32_t)d[7] << 24;
  regs.RFR[1] = 1u;
}

/* ---- the NOR staging over an SPI stub that counts ---- */
static uint32_t spiBytes, spiCalls;
static int spiStub(void *c, const uint8_t *tx, uint8_t *rx, uint32_t n, int end) {
  (void)c;
  (void)tx;
  (void)end;
  spiCalls++;
  spiBytes += n;
  if (rx) memset(rx, 0, n); /* status 0: never busy; reads 0 */
  return 0;
}
static int prepareSlotA(void *c) { (void)c; return 0; }
static int hwNone(void *c, uint16_t id, const uint8_t data[8]) { (void)c; (void)id; (void)data; return 1; }

/* The arithmetic of the time stamp jswrap_ota.c takes per frame (ota_now_ms: Espruino's
 * system time from SysTick, 64-bit, then to milliseconds as a double and back to an
 * integer), written here as the same operations (not Espruino's code): soft-float on the M3. */
static volatile int64_t lastTick = 123456789012345LL;
static volatile uint32_t avgTick = 72000u, tickVal = 4567u;
static volatile double ticksPerS = 72000000.0;
static uint32_t nowMsLike(void) {
  int64_t t = lastTick + ((int64_t)tickVal * (int64_t)avgTick) / 0x1000000;
  return (uint32_t)(((double)t) * 1000 / ticksPerS);
}
static mn_w25q_t nor;
static mn_nor_stage_t stage;
static uint8_t pageBuf[MN_W25Q_PAGE_BYTES], bitmap2[MN_OTA_BITMAP_BYTES];
static mn_ota_meter_t meterNor;

/* A meter staging on the NOR stub, its manifest accepted and the slot erased. */
static void norMeter(const uint8_t key[16], uint8_t address, const uint8_t *wire) {
  mn_w25q_init(&nor, spiStub, 0, MN_W25Q32_BYTES);
  mn_nor_stage_init(&stage, &nor, prepareSlotA, 0);
  mn_nor_stage_lend(&stage, pageBuf);
  mn_ota_meter_init(&meterNor, key, address, MN_OTA_IMAGE_METER50, 4, &stage.staging, commit, 0);
  memset(bitmap2, 0, sizeof bitmap2);
  meterNor.rx.bitmap = bitmap2;
  meterNor.progressStep = 0xFFFF; /* (the link sets it on a manifest through its request path) */
  if (mn_ota_rx_manifest(&meterNor.rx, wire, MN_OTA_MANIFEST_BYTES) != MN_OTA_OK) printf("nor manifest refused\n");
  while (mn_nor_stage_service(&stage)) {}
}

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

  /* the receive interrupt with one chunk frame pending, then the main loop's take: minus loading the registers */
  mn_can_init(&can, &canCfg);
  can.state = MN_CAN_ERROR_ACTIVE;
  mn_can_frame_t f;
  const unsigned N = 2000;
  agg.tx.cursor = 0;
  agg.phase = MN_OTA_PH_CHUNKS;
  mn_ota_agg_chunk(&agg, &id, d);
  t = now();
  for (unsigned i = 0; i < N; i++) arrive(id, d);
  uint32_t loadTicks = since(t);
  unsigned taken = 0;
  t = now();
  for (unsigned i = 0; i < N; i++) {
    arrive(id, d);
    mn_can_isr_rx(&can, 1);
    (void)mn_can_take_events(&can);
    taken += (unsigned)mn_can_take_frame(&can, &f);
  }
  uint32_t isrTicks = since(t);
  if (taken != N || notified != N || f.id != id) { printf("ring: %u taken, %u notified\n", taken, notified); return 1; }
  report("meter_rx_interrupt_ring_and_take_one_frame", isrTicks - (double)loadTicks, N);

  /* the chunk frames through the link with the NOR staging (in order: a page programmed every 42.7 chunks) */
  norMeter(key, address, wire);
  agg.tx.cursor = 0;
  agg.phase = MN_OTA_PH_CHUNKS;
  uint32_t eraseBytes = spiBytes;
  spiBytes = spiCalls = 0;
  t = now();
  for (unsigned i = 0; i + 1 < chunks; i++) {
    mn_ota_agg_chunk(&agg, &id, d);
    mn_ota_meter_frame(&meterNor, id, d, 8, 0);
  }
  bothTicks = since(t);
  uint32_t inOrderBytes = spiBytes, inOrderCalls = spiCalls;
  report("meter_chunk_frame_nor_staged_in_order", bothTicks - (double)aggTicks * (chunks - 1) / chunks, chunks - 1);
  printf("spi_bytes_per_chunk_in_order %.2f\nspi_transfers_per_chunk_in_order %.3f\nspi_bytes_erase_slot %lu\n",
         (double)inOrderBytes / (chunks - 1), (double)inOrderCalls / (chunks - 1), (unsigned long)eraseBytes);
  if (meterNor.rx.have != chunks - 1) { printf("nor meter holds %u\n", (unsigned)meterNor.rx.have); return 1; }
  /* the last chunk: the page flushed, the image read back from the NOR (the stub reads 0s: the hash
   * fails, which costs what a match costs) and its SHA-256 */
  mn_ota_agg_chunk(&agg, &id, d);
  spiBytes = 0;
  t = now();
  mn_ota_meter_frame(&meterNor, id, d, 8, 0);
  report("meter_last_chunk_nor_read_back_and_sha256", since(t), 1);
  printf("spi_bytes_last_chunk %lu\n", (unsigned long)spiBytes);

  /* a repair round's scattered chunks: one chunk a page, each programmed alone; minus the
   * same loop feeding none (the aggregator's chunks and the loop itself) */
  unsigned fed = 0;
  uint32_t loopTicks[2];
  for (int feed = 0; feed < 2; feed++) {
    norMeter(key, address, wire);
    agg.tx.cursor = 0;
    agg.phase = MN_OTA_PH_CHUNKS;
    fed = 0;
    spiBytes = spiCalls = 0;
    t = now();
    for (unsigned i = 0; i + 1 < chunks; i++) {
      mn_ota_agg_chunk(&agg, &id, d);
      if (i % 43 == 0) {
        if (feed) mn_ota_meter_frame(&meterNor, id, d, 8, 0);
        fed++;
      }
    }
    loopTicks[feed] = since(t);
  }
  report("meter_chunk_frame_nor_staged_one_per_page", (double)loopTicks[1] - loopTicks[0], fed);
  printf("spi_bytes_per_chunk_one_per_page %.2f\n", (double)spiBytes / fed);
  /* what mn_ota_service does per CAN event while a transfer runs (jswrap_ota.c): the erase's
   * service (none running), the link's tick, its pump (nothing queued), the events (none) */
  uint32_t ev2[2];
  t = now();
  for (unsigned i = 0; i < N; i++) {
    mn_nor_stage_service(&stage);
    mn_ota_meter_tick(&meterNor, 1000);
    mn_ota_meter_pump(&meterNor, hwNone, 0);
    while (mn_ota_meter_event(&meterNor, ev2) != 0) {}
  }
  report("meter_ota_service_per_event", since(t), N);
  volatile uint32_t sink = 0;
  t = now();
  for (unsigned i = 0; i < N; i++) sink += nowMsLike();
  report("time_stamp_arithmetic_per_frame_soft_float", since(t), N);
  printf("chunks %u\ncalibration %.2f instructions per tick\n", chunks, perTick);
  return 0;
}
