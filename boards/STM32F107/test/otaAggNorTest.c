/*
 * The aggregator's sender over its NOR (ota/otaNorImage.c): the upload staged piece by
 * piece into the "staged" area of a byte-level W25Q model (test/fake/fakeW25q.c), read
 * back and hashed there, the sender's chunks read from the NOR; the refusals (area too
 * small, out of order, a client digest that differs, a NOR copy changed after staging);
 * a power cut before or in the middle of every erase and program of the staging, after
 * which no manifest and no chunk can go out for the half image; and the summary kept
 * once the sender's state is freed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../ota/otaAggLink.h"
#include "../ota/otaNorImage.h"
#include "../ota/otaSha256.h"
#include "../ota/w25q.h"
#include "fake/fakeW25q.h"

#define NOR_BYTES (128u * 1024u)
#define AREA_AT 0u
#define AREA_BYTES (64u * 1024u) /* flashMap.ts norAreas("aggregator") "staged" */
#define IMAGE_BYTES 20805u      /* the size of build/meter.js the README's figures use */
#define PIECE 1024u             /* modules/ota/aggregatorOta.ts OTA_PIECE */

static uint8_t norMem[NOR_BYTES];
static fake_w25q_t part;
static mn_w25q_t nor;
static mn_nor_image_t im;
static mn_ota_agg_t agg;
static uint8_t image[IMAGE_BYTES];
static const uint8_t master[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t addresses[3] = {1, 2, 3};

static long ops, cutAt = -1;
static int torn;
static int powerStep(void *ctx) {
  (void)ctx;
  return ops++ == cutAt ? (torn ? 1 : 2) : 0;
}

static void fresh(void) {
  memset(norMem, 0x5A, sizeof norMem); /* not erased: what an earlier image left */
  fake_w25q_init(&part, norMem, NOR_BYTES, 2, 5);
  part.step = powerStep;
  ops = 0;
  cutAt = -1;
  mn_w25q_init(&nor, fake_w25q_xfer, &part, NOR_BYTES);
  mn_nor_image_init(&im, &nor);
  uint32_t r = 4242;
  for (unsigned i = 0; i < IMAGE_BYTES; i++) {
    r = r * 1103515245u + 12345u;
    image[i] = (uint8_t)(r >> 16);
  }
}

static void sha(const uint8_t *d, uint32_t n, uint8_t out[32]) {
  mn_sha256_t *h = mn_sha256_start();
  mn_sha256_update(h, d, n);
  mn_sha256_finish(h, out);
}

/* The upload: begin, then the pieces in order; the last code. */
static int upload(const uint8_t *expect) {
  int r = mn_nor_image_begin(&im, AREA_AT, AREA_BYTES, IMAGE_BYTES, expect);
  if (r != 0) return r;
  for (uint32_t off = 0; off < IMAGE_BYTES; off += PIECE) {
    uint32_t n = IMAGE_BYTES - off < PIECE ? IMAGE_BYTES - off : PIECE;
    r = mn_nor_image_write(&im, off, image + off, n);
    if (r < 0) return r;
  }
  return r;
}

static mn_ota_manifest_t manifest(void) {
  mn_ota_manifest_t m;
  memset(&m, 0, sizeof m);
  m.version = 7;
  m.counter = 29700540;
  m.image = MN_OTA_IMAGE_METER50;
  m.tag = 0x5C;
  return m;
}

static int send(void) {
  mn_ota_manifest_t m = manifest();
  return mn_nor_image_send(&im, &agg, AREA_AT, IMAGE_BYTES, &m, master, addresses, 3, 1, 0);
}

/* Nothing of an update on the bus: no manifest body, no chunk, no control frame, however long it runs. */
static void assertSilent(void) {
  uint16_t id;
  uint8_t d[8];
  for (uint32_t t = 0; t < 5000; t += 5) {
    mn_ota_agg_tick(&agg, t);
    assert_int_equal(mn_ota_agg_chunk(&agg, &id, d), 0);
    assert_int_equal(agg.q.count, 0);
  }
  assert_int_equal(agg.phase, MN_OTA_PH_IDLE);
}

static void staging_writes_reads_back_and_hashes_the_nor_copy(void **state) {
  (void)state;
  fresh();
  uint8_t want[32];
  sha(image, IMAGE_BYTES, want);
  assert_int_equal(upload(want), (int)IMAGE_BYTES);
  assert_int_equal(im.state, MN_NIMG_VERIFIED);
  assert_memory_equal(im.sha256, want, 32);
  assert_memory_equal(norMem + AREA_AT, image, IMAGE_BYTES);
  /* 6 sectors erased as the pieces reached them; 1 KB pieces at 1 KB offsets: 82 page programs */
  assert_int_equal(im.erases, (IMAGE_BYTES + 4095) / 4096);
  assert_int_equal(im.programs, (IMAGE_BYTES + 255) / 256);
  assert_int_equal(part.ignoredWhileBusy, 0);
  assert_int_equal(part.withoutWriteEnable, 0);
  /* what lies past the image's last sector is untouched */
  assert_int_equal(norMem[6 * 4096], 0x5A);
  printf("staging %u B: %u erases, %u programs, %u bytes on the SPI wire\n", IMAGE_BYTES, im.erases, im.programs, part.bytesOnWire);
}

static void sender_reads_its_chunks_from_the_nor(void **state) {
  (void)state;
  fresh();
  assert_int_equal(upload(0), (int)IMAGE_BYTES);
  assert_int_equal(send(), 0);
  assert_int_equal(agg.phase, MN_OTA_PH_MANIFESTS);
  uint8_t want[32];
  sha(image, IMAGE_BYTES, want);
  assert_memory_equal(agg.m.sha256, want, 32);
  /* round 0, pulled as the CAN service pulls it: every chunk's bytes from the NOR */
  static uint8_t got[IMAGE_BYTES + 6];
  uint16_t id;
  uint8_t d[8];
  unsigned frames = 0;
  while (mn_ota_tx_next(&agg.tx, &id, d) == 1) {
    unsigned i = ((unsigned)d[0] << 6) | (id & 0x3Fu);
    assert_int_equal(i, frames);
    assert_int_equal(d[1], 0x5C);
    memcpy(got + 6 * i, d + 2, 6);
    frames++;
  }
  assert_int_equal(frames, (IMAGE_BYTES + 5) / 6);
  assert_memory_equal(got, image, IMAGE_BYTES);
}

static void refusals_name_their_cause(void **state) {
  (void)state;
  fresh();
  assert_int_equal(mn_nor_image_begin(&im, AREA_AT, 16384, IMAGE_BYTES, 0), -27);   /* the area is too small */
  assert_int_equal(mn_nor_image_begin(&im, AREA_AT, AREA_BYTES, 0, 0), -27);          /* empty */
  assert_int_equal(mn_nor_image_begin(&im, AREA_AT, AREA_BYTES, MN_OTA_MAX_BYTES + 1, 0), -27); /* over a meter's slot */
  assert_int_equal(mn_nor_image_begin(&im, 100, AREA_BYTES, IMAGE_BYTES, 0), -22);    /* not a sector */
  assert_int_equal(mn_nor_image_begin(&im, NOR_BYTES - 4096, AREA_BYTES, IMAGE_BYTES, 0), -22); /* past the part */
  assert_int_equal(mn_nor_image_write(&im, 0, image, PIECE), -22);                   /* nothing begun */
  assert_int_equal(mn_nor_image_begin(&im, AREA_AT, AREA_BYTES, IMAGE_BYTES, 0), 0);
  assert_int_equal(mn_nor_image_write(&im, PIECE, image + PIECE, PIECE), -22);       /* out of order */
  assert_int_equal(mn_nor_image_write(&im, 0, image, PIECE), (int)PIECE);
  assert_int_equal(mn_nor_image_write(&im, PIECE, image, IMAGE_BYTES), -22);         /* beyond the size */
  assert_int_equal(send(), -5);                                                      /* incomplete */
  assertSilent();
  /* a client digest the NOR copy does not have */
  uint8_t other[32];
  sha(image, IMAGE_BYTES - 1, other);
  assert_int_equal(upload(other), -74);
  assert_int_equal(im.state, MN_NIMG_FAILED);
  assert_int_equal(send(), -5);
  assertSilent();
  /* no part on the bus */
  fake_w25q_t none;
  static uint8_t blank[4096];
  fake_w25q_init(&none, blank, sizeof blank, 1, 1);
  none.off = 1;
  mn_w25q_t dead;
  mn_w25q_init(&dead, fake_w25q_xfer, &none, NOR_BYTES);
  mn_nor_image_init(&im, &dead);
  assert_int_equal(mn_nor_image_begin(&im, AREA_AT, AREA_BYTES, IMAGE_BYTES, 0), -19);
}

static void a_nor_copy_changed_after_staging_sends_nothing(void **state) {
  (void)state;
  fresh();
  assert_int_equal(upload(0), (int)IMAGE_BYTES);
  norMem[AREA_AT + 12345] &= 0x0F; /* bits cleared since: another writer in the area, a disturbed cell */
  assert_int_equal(send(), -74);
  assert_int_equal(im.state, MN_NIMG_FAILED);
  assertSilent();
  assert_int_equal(send(), -5); /* and it stays refused until the image is uploaded again */
}

/* A byte the program cannot set (a worn cell, or bits cleared in the erased sector
 * before the program): the read back catches it, the write fails. */
static void a_write_the_nor_does_not_hold_fails(void **state) {
  (void)state;
  fresh();
  image[PIECE + 3] = 0xA5;
  assert_int_equal(mn_nor_image_begin(&im, AREA_AT, AREA_BYTES, IMAGE_BYTES, 0), 0);
  assert_int_equal(mn_nor_image_write(&im, 0, image, PIECE), (int)PIECE); /* sector 0 erased */
  norMem[AREA_AT + PIECE + 3] = 0x00;
  int r = mn_nor_image_write(&im, PIECE, image + PIECE, PIECE);
  assert_int_equal(r, -5);
  assert_int_equal(im.state, MN_NIMG_FAILED);
  assert_int_equal(im.failures, 1);
  assert_int_equal(send(), -5);
  assertSilent();
}

/* Every erase and program of the staging: the power goes before it, or in its middle. */
static void a_power_cut_while_staging_sends_no_manifest(void **state) {
  (void)state;
  fresh();
  assert_int_equal(upload(0), (int)IMAGE_BYTES);
  long total = ops, cuts = 0;
  assert_int_equal(total, (long)(im.erases + im.programs));
  for (long k = 0; k < total; k++) {
    for (torn = 0; torn < 2; torn++) {
      fresh();
      cutAt = k;
      assert_int_equal(upload(0), -5); /* the write that lost power fails */
      assert_int_equal(part.off, 1);
      /* power again: the aggregator restarts, its RAM (the staging state) is gone */
      part.off = 0;
      part.busy = 0;
      part.inTx = 0;
      part.step = 0;
      mn_nor_image_init(&im, &nor);
      assert_int_equal(send(), -5);
      assertSilent();
      /* a begin again without every piece: still nothing */
      assert_int_equal(mn_nor_image_begin(&im, AREA_AT, AREA_BYTES, IMAGE_BYTES, 0), 0);
      assert_int_equal(send(), -5);
      cuts++;
    }
  }
  printf("staging power cuts: %ld cut points (%ld operations, before and torn), no manifest for a half image\n", cuts, total);
  assert_int_equal(cuts, 2 * total);
}

static void the_summary_outlives_the_state(void **state) {
  (void)state;
  fresh();
  assert_int_equal(upload(0), (int)IMAGE_BYTES);
  assert_int_equal(send(), 0);
  agg.t[0].state = MN_OTA_T_SWITCHED;
  agg.t[1].state = MN_OTA_T_FAILED;
  agg.t[1].cause = MN_OTA_F_NO_ANSWER;
  agg.t[2].state = MN_OTA_T_RECEIVING;
  agg.t[2].have = 300;
  assert_int_equal(mn_ota_agg_finished(&agg), 0); /* still running */
  agg.phase = MN_OTA_PH_DONE;
  assert_int_equal(mn_ota_agg_finished(&agg), 1);
  agg.autoCommit = 0;
  agg.t[2].state = MN_OTA_T_VERIFIED; /* waits for the operator's commit: not over */
  assert_int_equal(mn_ota_agg_finished(&agg), 0);
  agg.t[2].state = MN_OTA_T_RECEIVING;
  assert_int_equal(mn_ota_agg_finished(&agg), 1);
  agg.q.count = 1; /* an answer still to go out */
  assert_int_equal(mn_ota_agg_finished(&agg), 0);
  agg.q.count = 0;
  uint8_t s[MN_OTA_SUMMARY_BYTES(3)];
  mn_ota_agg_summary(&agg, s);
  unsigned total = (IMAGE_BYTES + 5) / 6;
  const uint8_t want[] = {MN_OTA_PH_DONE, 3, (uint8_t)(total >> 8), (uint8_t)total,
                          1, MN_OTA_T_SWITCHED, 0, (uint8_t)(total >> 8), (uint8_t)total,
                          2, MN_OTA_T_FAILED, MN_OTA_F_NO_ANSWER, 0, 0,
                          3, MN_OTA_T_RECEIVING, 0, 1, 44};
  assert_memory_equal(s, want, sizeof want);
  printf("sender state %u B while an update runs; kept after it: %u B for 3 meters, %u B for 64\n", (unsigned)sizeof(mn_ota_agg_t),
         MN_OTA_SUMMARY_BYTES(3), MN_OTA_SUMMARY_BYTES(64));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(staging_writes_reads_back_and_hashes_the_nor_copy),
      cmocka_unit_test(sender_reads_its_chunks_from_the_nor),
      cmocka_unit_test(refusals_name_their_cause),
      cmocka_unit_test(a_nor_copy_changed_after_staging_sends_nothing),
      cmocka_unit_test(a_write_the_nor_does_not_hold_fails),
      cmocka_unit_test(a_power_cut_while_staging_sends_no_manifest),
      cmocka_unit_test(the_summary_outlives_the_state),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
