/*
 * The OTA C (ota/): SHA-256 against FIPS 180-2's examples, ISO 15765-2 framing
 * (single, first, consecutive and flow-control frames, block size, STmin, WAIT,
 * overflow, sequence errors, timeouts), the manifest's checks cause by cause under
 * per-meter keys, and the receiver: chunks in any order with losses and duplicates,
 * repair runs from the status report, the staged image's hash, resume and restart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../ota/isotp.h"
#include "../ota/otaBoot.h"
#include "../ota/otaManifest.h"
#include "../ota/otaReceiver.h"
#include "../ota/otaSender.h"
#include "../ota/otaSha256.h"
#include "../secoc/cmac.h"

#include "testHex.h"

/* The receiver's bitmap and the NOR page buffer are lent per transfer (otaMeterLink.c, jswrap_ota.c). */
static uint8_t testBitmap[MN_OTA_BITMAP_BYTES];
static uint8_t testBitmaps[64][MN_OTA_BITMAP_BYTES];

static void sha256_fips180_examples(void **state) {
  (void)state;
  uint8_t d[32];
  mn_sha256_t *h = mn_sha256_start();
  mn_sha256_update(h, (const uint8_t *)"abc", 3);
  mn_sha256_finish(h, d);
  assert_hex(d, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  h = mn_sha256_start();
  mn_sha256_update(h, (const uint8_t *)two, 20); /* in pieces: the receiver hashes in blocks */
  mn_sha256_update(h, (const uint8_t *)two + 20, strlen(two) - 20);
  mn_sha256_finish(h, d);
  assert_hex(d, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* ---- ISO 15765-2 ---- */

typedef struct {
  uint8_t f[600][8];
  int n;
  int refuse; /* refuse sends while > 0 */
} wire_t;

static int capture(void *ctx, const uint8_t frame[8]) {
  wire_t *w = ctx;
  if (w->refuse > 0) { w->refuse--; return -1; }
  memcpy(w->f[w->n++], frame, 8);
  return 0;
}

static void isotp_single_frame(void **state) {
  (void)state;
  wire_t w = {0};
  uint8_t buf[64];
  mn_isotp_t t;
  mn_isotp_init(&t, buf, sizeof buf, 0, 0, capture, &w);
  const uint8_t msg[3] = {0x02, 0xAA, 0xBB};
  assert_int_equal(mn_isotp_send(&t, msg, 3, 0), 1);
  assert_int_equal(w.n, 1);
  assert_hex(w.f[0], 8, "0302aabbcccccccc"); /* PCI 0x03, padded with 0xCC */
  assert_int_equal(mn_isotp_rx(&t, w.f[0], 8, 0), 3);
  assert_memory_equal(buf, msg, 3);
  const uint8_t zero[8] = {0x00, 1, 2, 3, 4, 5, 6, 7}, eight[8] = {0x08, 1, 2, 3, 4, 5, 6, 7}, shortDlc[3] = {0x05, 1, 2};
  assert_int_equal(mn_isotp_rx(&t, zero, 8, 0), MN_ISOTP_E_FRAME);
  assert_int_equal(mn_isotp_rx(&t, eight, 8, 0), MN_ISOTP_E_FRAME);
  assert_int_equal(mn_isotp_rx(&t, shortDlc, 3, 0), MN_ISOTP_E_FRAME);
  assert_int_equal(t.errors[-MN_ISOTP_E_FRAME - 1], 3);
}

/* Two channels wired back to back: what one sends, the other receives. */
static void pump(mn_isotp_t *a, wire_t *wa, int *fromA, mn_isotp_t *b, wire_t *wb, int *fromB, uint32_t now, int *gotB) {
  while (*fromA < wa->n || *fromB < wb->n) {
    while (*fromA < wa->n) {
      int r = mn_isotp_rx(b, wa->f[(*fromA)++], 8, now);
      if (r > 0) *gotB = r;
    }
    while (*fromB < wb->n) mn_isotp_rx(a, wb->f[(*fromB)++], 8, now);
    mn_isotp_poll(a, now);
  }
}

static void isotp_multi_frame_with_block_size_and_wrap(void **state) {
  (void)state;
  static wire_t wa, wb;
  memset(&wa, 0, sizeof wa);
  memset(&wb, 0, sizeof wb);
  uint8_t bufA[16], bufB[400], msg[300];
  for (unsigned i = 0; i < sizeof msg; i++) msg[i] = (uint8_t)(i * 7 + 1);
  mn_isotp_t a, b;
  mn_isotp_init(&a, bufA, sizeof bufA, 0, 0, capture, &wa);
  mn_isotp_init(&b, bufB, sizeof bufB, 4, 0, capture, &wb); /* FC every 4 consecutive frames */
  assert_int_equal(mn_isotp_send(&a, msg, 300, 0), 0);
  assert_hex(wa.f[0], 8, "112c01080f161d24"); /* FF: 0x1 | length 0x12C, then 6 bytes */
  int fromA = 0, fromB = 0, got = 0;
  pump(&a, &wa, &fromA, &b, &wb, &fromB, 0, &got);
  assert_int_equal(got, 300);
  assert_memory_equal(bufB, msg, 300);
  /* 1 FF + ceil(294/7) = 42 CFs; the receiver sent FC after the FF and after every 4 CFs but the last block */
  assert_int_equal(wa.n, 43);
  assert_int_equal(wb.n, 1 + 41 / 4);
  assert_int_equal(wa.f[16][0], 0x20); /* the 16th CF's sequence number wrapped to 0 */
  assert_int_equal(wa.f[15][0], 0x2F);
}

static void isotp_errors_sequence_overflow_timeout(void **state) {
  (void)state;
  wire_t w = {0};
  uint8_t buf[20];
  mn_isotp_t t;
  mn_isotp_init(&t, buf, sizeof buf, 0, 0, capture, &w);
  const uint8_t ff[8] = {0x10, 20, 1, 2, 3, 4, 5, 6}, cf1[8] = {0x21, 7, 8, 9, 10, 11, 12, 13}, cf3[8] = {0x23, 0, 0, 0, 0, 0, 0, 0};
  assert_int_equal(mn_isotp_rx(&t, ff, 8, 0), 0);
  assert_hex(w.f[0], 8, "300000cccccccccc"); /* FC CTS, BS 0, STmin 0 */
  assert_int_equal(mn_isotp_rx(&t, cf1, 8, 5), 0);
  assert_int_equal(mn_isotp_rx(&t, cf3, 8, 6), MN_ISOTP_E_SN);
  assert_int_equal(mn_isotp_rx(&t, cf1, 8, 7), MN_ISOTP_E_UNEXPECTED); /* dropped: no message in progress */
  const uint8_t big[8] = {0x10, 21, 1, 2, 3, 4, 5, 6};
  assert_int_equal(mn_isotp_rx(&t, big, 8, 10), MN_ISOTP_E_OVERFLOW);
  assert_hex(w.f[1], 8, "320000cccccccccc"); /* FC overflow */
  assert_int_equal(mn_isotp_rx(&t, ff, 8, 100), 0);
  mn_isotp_poll(&t, 100 + MN_ISOTP_TIMEOUT_MS + 1); /* N_Cr expires */
  assert_int_equal(t.errors[-MN_ISOTP_E_TIMEOUT - 1], 1);
  assert_int_equal(mn_isotp_rx(&t, cf1, 8, 1200), MN_ISOTP_E_UNEXPECTED);
}

static void isotp_sender_wait_stmin_overflow_and_timeout(void **state) {
  (void)state;
  static wire_t w;
  memset(&w, 0, sizeof w);
  uint8_t buf[8], msg[30] = {0};
  mn_isotp_t t;
  mn_isotp_init(&t, buf, sizeof buf, 0, 0, capture, &w);
  assert_int_equal(mn_isotp_send(&t, msg, 30, 0), 0);
  assert_int_equal(mn_isotp_send(&t, msg, 30, 0), MN_ISOTP_E_BUSY);
  const uint8_t wait[3] = {0x31, 0, 0}, cts[3] = {0x30, 0, 10}, ovf[3] = {0x32, 0, 0};
  assert_int_equal(mn_isotp_rx(&t, wait, 3, 500), 0);
  assert_int_equal(mn_isotp_poll(&t, 1400), 0); /* WAIT renewed N_Bs from 500 */
  assert_int_equal(mn_isotp_rx(&t, cts, 3, 1400), 0);
  assert_int_equal(mn_isotp_poll(&t, 1400), 0);
  assert_int_equal(w.n, 2); /* FF, CF1; STmin 10 ms holds CF2 */
  assert_int_equal(mn_isotp_poll(&t, 1409), 0);
  assert_int_equal(w.n, 2);
  w.refuse = 1; /* mailbox full: kept for the next poll, not lost */
  assert_int_equal(mn_isotp_poll(&t, 1410), 0);
  assert_int_equal(w.n, 2);
  assert_int_equal(mn_isotp_poll(&t, 1411), 0);
  assert_int_equal(w.n, 3);
  assert_int_equal(mn_isotp_poll(&t, 1421), 0); /* CF3, 10 ms after the late CF2 */
  assert_int_equal(w.n, 4);
  assert_int_equal(mn_isotp_poll(&t, 1431), 1); /* 30 = 6 + 7 + 7 + 7 + 3: CF4 ends it */
  assert_int_equal(w.n, 5);
  assert_int_equal(w.f[4][0], 0x24);
  assert_int_equal(mn_isotp_send(&t, msg, 30, 2000), 0);
  assert_int_equal(mn_isotp_rx(&t, ovf, 3, 2000), MN_ISOTP_E_PEER);
  assert_int_equal(mn_isotp_send(&t, msg, 30, 3000), 0);
  assert_int_equal(mn_isotp_poll(&t, 3000 + MN_ISOTP_TIMEOUT_MS + 1), MN_ISOTP_E_TIMEOUT);
  assert_int_equal(mn_isotp_stmin_ms(0xF3), 1);
  assert_int_equal(mn_isotp_stmin_ms(0x80), 127);
}

/* ---- manifest ---- */

static uint8_t master[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static mn_ota_manifest_t goodManifest(uint8_t address, uint32_t counter, uint32_t size) {
  mn_ota_manifest_t m = {0};
  m.image = MN_OTA_IMAGE_METER50;
  m.chunkBytes = MN_OTA_CHUNK_BYTES;
  m.tag = 0x5A;
  m.address = address;
  m.version = 7;
  m.counter = counter;
  m.sizeBytes = size;
  return m;
}

static void manifest_checks_each_cause(void **state) {
  (void)state;
  uint8_t k3[16], k4[16], w[MN_OTA_MANIFEST_BYTES], bad[MN_OTA_MANIFEST_BYTES];
  mn_secoc_meter_key(master, 3, k3);
  mn_secoc_meter_key(master, 4, k4);
  mn_ota_manifest_t m = goodManifest(3, 10, 1000), got;
  memset(m.sha256, 0xAB, 32);
  assert_int_equal(mn_ota_manifest_make(&m, k3, w), 0);
  assert_int_equal(mn_ota_manifest_check(w, sizeof w, k3, 3, MN_OTA_IMAGE_METER50, 9, 20480, &got), MN_OTA_OK);
  assert_memory_equal(&got, &m, sizeof m);
  assert_int_equal(mn_ota_manifest_check(w, sizeof w - 1, k3, 3, 1, 9, 20480, &got), MN_OTA_R_FORMAT);
  memcpy(bad, w, sizeof w); bad[0] = 'X';
  assert_int_equal(mn_ota_manifest_check(bad, sizeof w, k3, 3, 1, 9, 20480, &got), MN_OTA_R_FORMAT);
  memcpy(bad, w, sizeof w); bad[30] ^= 1; /* one bit of the digest */
  assert_int_equal(mn_ota_manifest_check(bad, sizeof w, k3, 3, 1, 9, 20480, &got), MN_OTA_R_MAC);
  /* meter 4 cannot use meter 3's manifest, and meter 3's key cannot sign for meter 4 */
  assert_int_equal(mn_ota_manifest_check(w, sizeof w, k4, 4, 1, 9, 20480, &got), MN_OTA_R_MAC);
  mn_ota_manifest_t for4 = goodManifest(4, 10, 1000);
  assert_int_equal(mn_ota_manifest_make(&for4, k3, w), 0);
  assert_int_equal(mn_ota_manifest_check(w, sizeof w, k4, 4, 1, 9, 20480, &got), MN_OTA_R_MAC);
  assert_int_equal(mn_ota_manifest_check(w, sizeof w, k3, 3, 1, 9, 20480, &got), MN_OTA_R_ADDRESS);
  assert_int_equal(mn_ota_manifest_make(&m, k3, w), 0);
  assert_int_equal(mn_ota_manifest_check(w, sizeof w, k3, 3, 1, 10, 20480, &got), MN_OTA_R_ROLLBACK);
  assert_int_equal(mn_ota_manifest_check(w, sizeof w, k3, 3, MN_OTA_IMAGE_METER60, 9, 20480, &got), MN_OTA_R_IMAGE);
  assert_int_equal(mn_ota_manifest_check(w, sizeof w, k3, 3, 1, 9, 999, &got), MN_OTA_R_SIZE);
  m.sizeBytes = 0;
  assert_int_equal(mn_ota_manifest_make(&m, k3, w), 0);
  assert_int_equal(mn_ota_manifest_check(w, sizeof w, k3, 3, 1, 9, 20480, &got), MN_OTA_R_SIZE);
}

/* ---- receiver over a staging space in RAM ---- */

typedef struct {
  uint8_t mem[MN_OTA_MAX_BYTES];
  int failWrites;
  unsigned erases, writes;
} flash_t;

static int fErase(void *c, uint32_t n) { flash_t *f = c; f->erases++; memset(f->mem, 0xFF, n); return 0; }
static int fWrite(void *c, uint32_t off, const uint8_t *d, uint32_t n) {
  flash_t *f = c;
  if (f->failWrites > 0) { f->failWrites--; return -1; }
  for (uint32_t i = 0; i < n; i++) assert_int_equal(f->mem[off + i], 0xFF); /* flash: each byte programmed once after erase */
  memcpy(f->mem + off, d, n);
  f->writes++;
  return 0;
}
static int fRead(void *c, uint32_t off, uint8_t *d, uint32_t n) { flash_t *f = c; memcpy(d, f->mem + off, n); return 0; }

static uint32_t rng = 12345;
static uint32_t next(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static void chunkFrame(const uint8_t *image, uint32_t size, unsigned index, uint8_t tag, uint16_t *id, uint8_t d[8]) {
  *id = (uint16_t)(MN_OTA_CHUNK_ID_BASE | (index & 0x3F));
  d[0] = (uint8_t)(index >> 6);
  d[1] = tag;
  memset(d + 2, 0xEE, 6);
  uint32_t off = index * MN_OTA_CHUNK_BYTES;
  memcpy(d + 2, image + off, size - off < 6 ? size - off : 6);
}

static void receiver_broadcast_with_losses_then_repair(void **state) {
  (void)state;
  static flash_t fl;
  static uint8_t image[20000];
  memset(&fl, 0, sizeof fl);
  for (unsigned i = 0; i < sizeof image; i++) image[i] = (uint8_t)next();
  const uint32_t size = 19997; /* a partial last chunk */
  mn_ota_staging_t st = {fErase, fWrite, fRead, &fl, 20480};
  uint8_t k[16], w[MN_OTA_MANIFEST_BYTES];
  mn_secoc_meter_key(master, 9, k);
  mn_ota_manifest_t m = goodManifest(9, 3, size);
  mn_sha256_t *h = mn_sha256_start();
  mn_sha256_update(h, image, size);
  mn_sha256_finish(h, m.sha256);
  mn_ota_manifest_make(&m, k, w);
  static mn_ota_rx_t r;
  mn_ota_rx_init(&r, k, 9, MN_OTA_IMAGE_METER50, 2, &st);
  r.bitmap = testBitmap; /* lent, as otaMeterLink.c lends it */
  uint16_t id;
  uint8_t d[8];
  chunkFrame(image, size, 0, 0x5A, &id, d);
  assert_int_equal(mn_ota_rx_chunk(&r, id, d, 8), -1); /* before any manifest: stray */
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_OK);
  assert_int_equal(r.storedCounter, 3);
  assert_int_equal(r.total, 3333);
  /* one broadcast pass in order with 5 % lost, plus a stray of another transfer */
  for (unsigned i = 0; i < r.total; i++) {
    if (next() % 100 < 5) continue;
    chunkFrame(image, size, i, 0x5A, &id, d);
    assert_int_equal(mn_ota_rx_chunk(&r, id, d, 8), 0);
  }
  chunkFrame(image, size, 5, 0x77, &id, d);
  assert_int_equal(mn_ota_rx_chunk(&r, id, d, 8), -1);
  assert_int_equal(r.state, MN_OTA_RECEIVING);
  /* repair rounds: read the runs from the status report, resend them in reverse order twice (duplicates) */
  int rounds = 0, done = 0;
  while (!done && rounds < 10) {
    uint8_t s[256];
    size_t n = mn_ota_rx_status(&r, s, sizeof s);
    assert_int_equal(s[0], MN_OTA_RECEIVING);
    assert_true(n >= 12 && (n - 12) / 4 == s[10]);
    rounds++;
    for (int k2 = s[10] - 1; k2 >= 0 && !done; k2--) {
      unsigned first = ((unsigned)s[12 + 4 * k2] << 8) | s[13 + 4 * k2], count = ((unsigned)s[14 + 4 * k2] << 8) | s[15 + 4 * k2];
      for (unsigned i = first; i < first + count && !done; i++) {
        chunkFrame(image, size, i, 0x5A, &id, d);
        int v = mn_ota_rx_chunk(&r, id, d, 8);
        assert_true(v == 0 || v == 1);
        if (v == 1) done = 1;
        else assert_int_equal(mn_ota_rx_chunk(&r, id, d, 8), 2);
      }
    }
  }
  assert_true(done);
  assert_true(rounds >= 2); /* a 256-byte report holds 61 runs: 5 % lost needs more than one round */
  assert_int_equal(r.state, MN_OTA_VERIFIED);
  assert_memory_equal(fl.mem, image, size);
  assert_true(r.duplicates > 0);
  uint8_t s[16];
  assert_int_equal(mn_ota_rx_status(&r, s, sizeof s), 12);
  assert_hex(s, 12, "0200000000030d050d050000"); /* VERIFIED, no cause, counter 3, 3333 of 3333, no runs */
}

/* Without the bitmap lent for a transfer (otaMeterLink.c found no memory for it) an
 * authentic manifest is refused "staging", counted, and its counter is not consumed:
 * the same manifest is accepted once the bitmap is there. */
static void receiver_without_transfer_memory_keeps_the_counter(void **state) {
  (void)state;
  static flash_t fl;
  memset(&fl, 0, sizeof fl);
  mn_ota_staging_t st = {fErase, fWrite, fRead, &fl, 20480};
  uint8_t k[16], w[MN_OTA_MANIFEST_BYTES];
  mn_secoc_meter_key(master, 1, k);
  mn_ota_manifest_t m = goodManifest(1, 5, 100);
  mn_ota_manifest_make(&m, k, w);
  static mn_ota_rx_t r;
  mn_ota_rx_init(&r, k, 1, MN_OTA_IMAGE_METER50, 4, &st);
  assert_null(r.bitmap);
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_R_STAGING);
  assert_int_equal(r.refused[MN_OTA_R_STAGING], 1);
  assert_int_equal(r.storedCounter, 4);
  assert_int_equal(r.state, MN_OTA_IDLE);
  assert_int_equal(fl.erases, 0);
  r.bitmap = testBitmap;
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_OK);
  assert_int_equal(r.storedCounter, 5);
  assert_int_equal(r.state, MN_OTA_RECEIVING);
}

static void receiver_hash_resume_restart_and_staging_failure(void **state) {
  (void)state;
  static flash_t fl;
  memset(&fl, 0, sizeof fl);
  uint8_t image[100];
  for (unsigned i = 0; i < sizeof image; i++) image[i] = (uint8_t)i;
  mn_ota_staging_t st = {fErase, fWrite, fRead, &fl, 20480};
  uint8_t k[16], w[MN_OTA_MANIFEST_BYTES], w2[MN_OTA_MANIFEST_BYTES];
  mn_secoc_meter_key(master, 1, k);
  mn_ota_manifest_t m = goodManifest(1, 5, sizeof image);
  mn_sha256_t *h = mn_sha256_start();
  mn_sha256_update(h, image, sizeof image);
  mn_sha256_finish(h, m.sha256);
  mn_ota_manifest_make(&m, k, w);
  static mn_ota_rx_t r;
  mn_ota_rx_init(&r, k, 1, MN_OTA_IMAGE_METER50, 4, &st);
  r.bitmap = testBitmap; /* lent, as otaMeterLink.c lends it */
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_OK);
  uint16_t id;
  uint8_t d[8];
  for (unsigned i = 0; i < 10; i++) { chunkFrame(image, sizeof image, i, 0x5A, &id, d); mn_ota_rx_chunk(&r, id, d, 8); }
  /* the same manifest again resumes: nothing erased, the 10 chunks kept */
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_OK);
  assert_int_equal(fl.erases, 1);
  assert_int_equal(r.have, 10);
  /* a flash write that fails leaves the chunk missing, counted */
  fl.failWrites = 1;
  chunkFrame(image, sizeof image, 10, 0x5A, &id, d);
  assert_int_equal(mn_ota_rx_chunk(&r, id, d, 8), -2);
  assert_int_equal(r.refused[MN_OTA_R_STAGING], 1);
  assert_int_equal(r.have, 10);
  /* a corrupted chunk: the image completes and fails its hash */
  chunkFrame(image, sizeof image, 10, 0x5A, &id, d);
  d[4] ^= 0x40;
  assert_int_equal(mn_ota_rx_chunk(&r, id, d, 8), 0);
  for (unsigned i = 11; i < 17; i++) { chunkFrame(image, sizeof image, i, 0x5A, &id, d); assert_int_equal(mn_ota_rx_chunk(&r, id, d, 8), i == 16 ? 1 : 0); }
  assert_int_equal(r.state, MN_OTA_FAILED);
  assert_int_equal(r.lastCause, MN_OTA_R_HASH);
  /* the replayed old manifest is refused now; a new one (higher counter) starts over */
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_OK); /* same transfer: resume (reports FAILED) */
  assert_int_equal(r.state, MN_OTA_FAILED);
  m.counter = 6;
  mn_ota_manifest_make(&m, k, w2);
  assert_int_equal(mn_ota_rx_manifest(&r, w2, sizeof w2), MN_OTA_OK);
  assert_int_equal(r.state, MN_OTA_RECEIVING);
  assert_int_equal(r.have, 0);
  assert_int_equal(fl.erases, 2);
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_R_ROLLBACK);
  for (unsigned i = 0; i < 17; i++) { chunkFrame(image, sizeof image, i, 0x5A, &id, d); mn_ota_rx_chunk(&r, id, d, 8); }
  assert_int_equal(r.state, MN_OTA_VERIFIED);
  /* chunks beyond the image, of a wrong length or outside the bulk class are strays */
  uint32_t stray = r.stray;
  chunkFrame(image, sizeof image, 0, 0x5A, &id, d);
  assert_int_equal(mn_ota_rx_chunk(&r, id, d, 7), -1);
  assert_int_equal(mn_ota_rx_chunk(&r, 0x180, d, 8), -1);
  assert_int_equal(r.stray, stray + 2);
}

/* ---- sender and receivers: one broadcast, per-meter manifests, repair rounds ---- */

#define METERS 64
static flash_t meterFlash[METERS];
static mn_ota_rx_t meters[METERS];
static flash_t source;

/* Runs a whole transfer of size bytes to n meters, meter m losing lossPct[m] % of chunk
 * frames; returns the chunk frames sent, *rounds the rounds. Every meter must verify. */
static uint32_t broadcast(unsigned n, uint32_t size, const unsigned *lossPct, unsigned *rounds) {
  for (unsigned i = 0; i < size; i++) source.mem[i] = (uint8_t)next();
  mn_ota_staging_t src = {fErase, fWrite, fRead, &source, 20480};
  static mn_ota_staging_t st[METERS];
  mn_ota_manifest_t m = goodManifest(0, 1, size);
  mn_sha256_t *h = mn_sha256_start();
  mn_sha256_update(h, source.mem, size);
  mn_sha256_finish(h, m.sha256);
  for (unsigned a = 0; a < n; a++) {
    uint8_t k[16], w[MN_OTA_MANIFEST_BYTES];
    mn_secoc_meter_key(master, a, k);
    st[a] = (mn_ota_staging_t){fErase, fWrite, fRead, &meterFlash[a], 20480};
    mn_ota_rx_init(&meters[a], k, (uint8_t)a, MN_OTA_IMAGE_METER50, 0, &st[a]);
    meters[a].bitmap = testBitmaps[a]; /* lent, as otaMeterLink.c lends it */
    m.address = (uint8_t)a;
    mn_ota_manifest_make(&m, k, w); /* each meter's own manifest */
    assert_int_equal(mn_ota_rx_manifest(&meters[a], w, sizeof w), MN_OTA_OK);
  }
  static mn_ota_tx_t tx;
  assert_int_equal(mn_ota_tx_init(&tx, &src, size, 0x5A), 0);
  *rounds = 0;
  for (;;) {
    uint16_t id;
    uint8_t d[8];
    int r;
    while ((r = mn_ota_tx_next(&tx, &id, d)) == 1)
      for (unsigned a = 0; a < n; a++)
        if (next() % 1000 >= lossPct[a] * 10) mn_ota_rx_chunk(&meters[a], id, d, 8);
    assert_int_equal(r, 0);
    (*rounds)++;
    for (unsigned a = 0; a < n; a++) {
      uint8_t rep[256];
      size_t len = mn_ota_rx_status(&meters[a], rep, sizeof rep);
      assert_true(mn_ota_tx_repair(&tx, rep, len) >= 0);
    }
    if (mn_ota_tx_round(&tx) == 0) break;
    assert_true(*rounds < 20);
  }
  for (unsigned a = 0; a < n; a++) {
    assert_int_equal(meters[a].state, MN_OTA_VERIFIED);
    assert_memory_equal(meterFlash[a].mem, source.mem, size);
  }
  return tx.frames;
}

/* A meter that lacks scattered chunks beyond what runs can list (it joined late, or lost
 * many): with room for the bitmap the report carries it, and the sender's next round is
 * exactly what the meter lacks, in one round. */
static void status_falls_back_to_the_bitmap(void **state) {
  (void)state;
  static flash_t fl;
  static uint8_t image[20000];
  memset(&fl, 0, sizeof fl);
  for (unsigned i = 0; i < sizeof image; i++) image[i] = (uint8_t)next();
  mn_ota_staging_t st = {fErase, fWrite, fRead, &fl, 20480};
  uint8_t k[16], w[MN_OTA_MANIFEST_BYTES];
  mn_secoc_meter_key(master, 9, k);
  mn_ota_manifest_t m = goodManifest(9, 3, sizeof image);
  mn_ota_manifest_make(&m, k, w);
  static mn_ota_rx_t r;
  mn_ota_rx_init(&r, k, 9, MN_OTA_IMAGE_METER50, 2, &st);
  r.bitmap = testBitmap; /* lent, as otaMeterLink.c lends it */
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_OK);
  uint16_t id;
  uint8_t d[8];
  unsigned lacking = 0;
  for (unsigned i = 0; i < r.total; i++) { /* every third chunk lost: 1 111 runs */
    if (i % 3 == 1) { lacking++; continue; }
    chunkFrame(image, sizeof image, i, 0x5A, &id, d);
    mn_ota_rx_chunk(&r, id, d, 8);
  }
  static uint8_t s[12 + 470];
  /* 256 bytes: runs, as many as fit, "more" set */
  size_t n = mn_ota_rx_status(&r, s, 256);
  assert_int_equal(s[10], 61);
  assert_int_equal(s[11], 1);
  assert_int_equal(n, 12 + 4 * 61);
  /* room for the bitmap: the bitmap */
  n = mn_ota_rx_status(&r, s, sizeof s);
  assert_int_equal(s[10], MN_OTA_RUNS_BITMAP);
  assert_int_equal(n, 12 + (r.total + 7) / 8);
  static mn_ota_tx_t t;
  mn_ota_staging_t img = {fErase, fWrite, fRead, &fl, 20480};
  assert_int_equal(mn_ota_tx_init(&t, &img, sizeof image, 0x5A), 0);
  assert_int_equal(mn_ota_tx_repair(&t, s, n), (int)lacking);
  assert_int_equal(mn_ota_tx_repair(&t, s, n - 1), -1); /* a bitmap cut short is not a report */
  assert_int_equal(mn_ota_tx_round(&t), lacking);
  while (mn_ota_tx_next(&t, &id, d) == 1) {
    unsigned index = ((unsigned)d[0] << 6) | (id & 0x3F);
    assert_int_equal(index % 3, 1);
  }
}

static void broadcast_to_64_meters_costs_about_one_copy(void **state) {
  (void)state;
  static unsigned loss[METERS];
  unsigned rounds;
  const uint32_t size = 20160; /* build/meter.js today */
  const uint32_t copy = (size + 5) / 6;
  memset(loss, 0, sizeof loss);
  assert_int_equal(broadcast(64, size, loss, &rounds), copy); /* no loss: one copy, one round */
  assert_int_equal(rounds, 1);
  for (unsigned a = 0; a < 8; a++) loss[a] = 1; /* 1 % lost on 8 meters */
  uint32_t f1 = broadcast(64, size, loss, &rounds);
  print_message("64 meters, 1 %% lost on 8: %u frames = %.3f copies, %u rounds\n", f1, (double)f1 / copy, rounds);
  assert_true(f1 < copy * 11 / 10);
  for (unsigned a = 0; a < METERS; a++) loss[a] = 5; /* 5 % lost on every meter */
  uint32_t f5 = broadcast(64, size, loss, &rounds);
  print_message("64 meters, 5 %% lost on each: %u frames = %.3f copies, %u rounds\n", f5, (double)f5 / copy, rounds);
  assert_true(f5 < copy * 25 / 10); /* each chunk until the unluckiest of 64 has it: about 1 + 0.96 + 0.26 + ... */
  assert_true(rounds <= 8);
}

static void sender_rejects_bad_reports_and_oversize(void **state) {
  (void)state;
  mn_ota_staging_t src = {fErase, fWrite, fRead, &source, 20480};
  static mn_ota_tx_t tx;
  assert_int_equal(mn_ota_tx_init(&tx, &src, MN_OTA_MAX_BYTES + 1, 1), -22);
  assert_int_equal(mn_ota_tx_init(&tx, &src, 600, 1), 0);
  uint8_t r[16] = {MN_OTA_RECEIVING, 0, 0, 0, 0, 1, 0, 0, 0, 100, 1, 0, 0, 99, 0, 2};
  assert_int_equal(mn_ota_tx_repair(&tx, r, 16), -1); /* run 99..100 beyond 100 chunks */
  assert_int_equal(mn_ota_tx_repair(&tx, r, 11), -1);
  r[15] = 1;
  assert_int_equal(mn_ota_tx_repair(&tx, r, 16), 1);
  assert_int_equal(mn_ota_tx_repair(&tx, r, 16), 1); /* a second meter lacking the same chunk */
  uint16_t id;
  uint8_t d[8];
  while (mn_ota_tx_next(&tx, &id, d) == 1) {}
  assert_int_equal(mn_ota_tx_round(&tx), 1); /* sent once for both */
  assert_int_equal(mn_ota_tx_next(&tx, &id, d), 1);
  assert_int_equal(id, MN_OTA_CHUNK_ID_BASE | (99 & 0x3F));
  assert_int_equal(d[0], 1);
  assert_int_equal(mn_ota_tx_next(&tx, &id, d), 0);
}

/* ---- the boot record under power cuts ---- */

enum { EMPTY, V1, V2, GARBAGE };
typedef struct {
  uint8_t fram[2 * MN_BOOT_RECORD_BYTES];
  long budget; /* bytes that may still be written before the power goes; < 0: no cut */
  int dead;
  int slot[2]; /* what each slot holds */
  long written;
} dev_t;

static int framRead(void *c, uint32_t off, uint8_t *d, uint32_t n) { dev_t *v = c; memcpy(d, v->fram + off, n); return 0; }
static int framWrite(void *c, uint32_t off, const uint8_t *d, uint32_t n) {
  dev_t *v = c;
  for (uint32_t i = 0; i < n; i++) {
    if (v->dead || v->budget == 0) { v->dead = 1; return -1; } /* the rest of the write never happens */
    v->fram[off + i] = d[i];
    v->written++;
    if (v->budget > 0) v->budget--;
  }
  return 0;
}

/* The whole update as the meter lives it, stopping where the power goes. crash: the
 * new script crashes in its trial (watchdog) instead of confirming. */
static void update(dev_t *v, mn_boot_store_t *s, int crash) {
  mn_boot_record_t r;
  assert_int_equal(mn_boot_load(s, &r), 0);
  if (mn_boot_begin_staging(s, &r) != 0 || v->dead) return;
  v->slot[1] = GARBAGE; /* erased and half written */
  if (v->budget == 0) { v->dead = 1; return; } /* a cut while staging */
  v->slot[1] = V2;     /* the receiver verified it (otaReceiver.c) */
  if (mn_boot_staged(s, &r) != 0 || v->dead) return;
  if (mn_boot_switch(s, &r) != 0 || v->dead) return;
  int slot = mn_boot_decide(s, &r, MN_RESET_POWER); /* the switch restarts the chip; a reset it asks for is not a crash */
  if (v->dead) return;
  assert_int_equal(slot, 1);
  if (crash) { (void)mn_boot_decide(s, &r, MN_RESET_WATCHDOG); return; }
  (void)mn_boot_confirm(s, &r);
}

static void factory(dev_t *v, mn_boot_store_t *s) {
  memset(v, 0, sizeof *v);
  v->budget = -1;
  v->slot[0] = V1;
  *s = (mn_boot_store_t){framRead, framWrite, v};
  mn_boot_record_t r = {0};
  r.active = 0;
  r.flags = MN_BOOT_F_VALID_A;
  assert_int_equal(mn_boot_save(s, &r), 0);
}

static void boot_record_survives_a_cut_at_every_byte(void **state) {
  (void)state;
  static dev_t v;
  mn_boot_store_t s;
  for (int crash = 0; crash < 2; crash++) {
    factory(&v, &s);
    long before = v.written;
    update(&v, &s, crash);
    long total = v.written - before; /* record bytes one uninterrupted update writes */
    assert_true(total >= 5 * (long)MN_BOOT_RECORD_BYTES);
    int cuts = 0;
    for (long cut = 0; cut <= total; cut++) {
      factory(&v, &s);
      v.budget = cut;
      update(&v, &s, crash);
      /* power comes back */
      v.dead = 0;
      v.budget = -1;
      mn_boot_record_t r;
      assert_int_equal(mn_boot_load(&s, &r), 0);
      int slot = mn_boot_decide(&s, &r, MN_RESET_POWER);
      assert_true(slot == 0 || slot == 1);
      assert_true(v.slot[slot] == V1 || v.slot[slot] == V2); /* a complete, verified script: never a half-staged one */
      /* the aggregator finishes what it started: the meter ends on V2, or on V1 with a reason when V2 crashed */
      if (r.flags & MN_BOOT_F_TRIAL) {
        if (crash) slot = mn_boot_decide(&s, &r, MN_RESET_WATCHDOG);
        else mn_boot_confirm(&s, &r);
      } else if (v.slot[slot] == V1) {
        update(&v, &s, crash);
        assert_int_equal(mn_boot_load(&s, &r), 0);
        slot = mn_boot_decide(&s, &r, MN_RESET_POWER);
      }
      assert_int_equal(v.slot[slot], crash ? V1 : V2);
      assert_false(r.flags & MN_BOOT_F_TRIAL);
      if (crash) assert_int_equal(r.reverted, MN_REVERT_CRASH);
      cuts++;
    }
    print_message("boot record: %d cut points (%s), each boots a whole script\n", cuts, crash ? "the new script crashes" : "the new script confirms");
  }
}

static void boot_trial_reverts_when_unconfirmed_and_record_checks(void **state) {
  (void)state;
  static dev_t v;
  mn_boot_store_t s;
  factory(&v, &s);
  mn_boot_record_t r;
  mn_boot_load(&s, &r);
  assert_int_equal(mn_boot_switch(&s, &r), -1); /* nothing staged */
  mn_boot_begin_staging(&s, &r);
  mn_boot_staged(&s, &r);
  assert_int_equal(mn_boot_switch(&s, &r), 0);
  assert_int_equal(mn_boot_begin_staging(&s, &r), -1); /* a trial's fallback is kept */
  for (unsigned i = 0; i < MN_BOOT_TRIAL_BOOTS; i++) assert_int_equal(mn_boot_decide(&s, &r, MN_RESET_POWER), 1);
  assert_int_equal(mn_boot_decide(&s, &r, MN_RESET_POWER), 0); /* power-cycled through every trial boot, never confirmed */
  assert_int_equal(r.reverted, MN_REVERT_UNCONFIRMED);
  mn_boot_switch(&s, &r);
  assert_int_equal(mn_boot_fail(&s, &r, MN_REVERT_DEADLINE), 0);
  mn_boot_record_t back;
  assert_int_equal(mn_boot_load(&s, &back), 0);
  assert_int_equal(back.active, 0);
  assert_int_equal(back.reverted, MN_REVERT_DEADLINE);
  v.fram[3] ^= 0x01; v.fram[16 + 3] ^= 0x01; /* both copies damaged: no record */
  assert_int_equal(mn_boot_load(&s, &back), -1);
  const uint8_t check[9] = "123456789";
  assert_int_equal(mn_crc32(check, 9), 0xCBF43926u);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(sha256_fips180_examples),
    cmocka_unit_test(isotp_single_frame),
    cmocka_unit_test(isotp_multi_frame_with_block_size_and_wrap),
    cmocka_unit_test(isotp_errors_sequence_overflow_timeout),
    cmocka_unit_test(isotp_sender_wait_stmin_overflow_and_timeout),
    cmocka_unit_test(manifest_checks_each_cause),
    cmocka_unit_test(receiver_broadcast_with_losses_then_repair),
    cmocka_unit_test(receiver_hash_resume_restart_and_staging_failure),
    cmocka_unit_test(receiver_without_transfer_memory_keeps_the_counter),
    cmocka_unit_test(status_falls_back_to_the_bitmap),
    cmocka_unit_test(broadcast_to_64_meters_costs_about_one_copy),
    cmocka_unit_test(sender_rejects_bad_reports_and_oversize),
    cmocka_unit_test(boot_record_survives_a_cut_at_every_byte),
    cmocka_unit_test(boot_trial_reverts_when_unconfirmed_and_record_checks),
  };
  return cmocka_run_group_tests_name("OTA", tests, NULL, NULL);
}
