/*
 * The OTA C on the NOR and at boot: the W25Q driver against a byte-level model of the
 * part (test/fake/fakeW25q.c), the receiver staging into a NOR slot while the slot's
 * erase still runs, and the boot hook (ota/otaBootHook.c) over fakes of the three
 * stores (FRAM record, NOR slots, Storage's .bootcde) with a power cut at every write
 * and erase of each of its paths: provisioning, the copy after a switch, the copy after
 * a revert, the adoption of an uploaded script.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../ota/otaBoot.h"
#include "../ota/otaBootHook.h"
#include "../ota/otaManifest.h"
#include "../ota/otaNorStaging.h"
#include "../ota/otaReceiver.h"
#include "../ota/otaSha256.h"
#include "../ota/otaSwitch.h"
#include "../ota/w25q.h"
#include "../secoc/cmac.h"
#include "fake/fakeW25q.h"

/* The receiver's bitmap and the NOR page buffer are lent per transfer (otaMeterLink.c, jswrap_ota.c). */
static uint8_t testBitmap[MN_OTA_BITMAP_BYTES];
static uint8_t testPage[MN_W25Q_PAGE_BYTES];

#define NOR_BYTES (64u * 1024u) /* the model holds the staged area and a little more */

static uint8_t norMem[NOR_BYTES];
static fake_w25q_t part;
static mn_w25q_t nor;

static void norFresh(uint32_t programPolls, uint32_t erasePolls) {
  memset(norMem, 0xFF, sizeof norMem);
  fake_w25q_init(&part, norMem, NOR_BYTES, programPolls, erasePolls);
  mn_w25q_init(&nor, fake_w25q_xfer, &part, NOR_BYTES);
}

static uint32_t rng = 777;
static uint8_t next(void) { rng = rng * 1103515245u + 12345u; return (uint8_t)(rng >> 16); }

static void sha(const uint8_t *d, uint32_t n, uint8_t out[32]) {
  mn_sha256_t *h = mn_sha256_start();
  mn_sha256_update(h, d, n);
  mn_sha256_finish(h, out);
}

/* ---- the driver ---- */

static void w25q_commands_on_the_wire(void **state) {
  (void)state;
  norFresh(3, 20);
  assert_int_equal(mn_w25q_jedec(&nor), MN_W25Q32_JEDEC);
  uint8_t d[8] = {1, 2, 3, 4, 0xF0, 0x0F, 0xAA, 0x55}, b[8];
  assert_int_equal(mn_w25q_program_start(&nor, 0x1FC, d, 8), MN_W25Q_RANGE); /* crosses 0x200: refused, not wrapped */
  assert_int_equal(mn_w25q_program_start(&nor, 0x1F8, d, 8), MN_W25Q_OK);
  assert_int_equal(mn_w25q_busy(&nor), 1);
  assert_int_equal(mn_w25q_program_start(&nor, 0x300, d, 8), MN_W25Q_BUSY); /* not sent: the part would drop it */
  assert_int_equal(nor.busyRefusals, 1);
  assert_int_equal(mn_w25q_wait(&nor, 10), MN_W25Q_OK);
  assert_int_equal(mn_w25q_read(&nor, 0x1F8, b, 8), MN_W25Q_OK);
  assert_memory_equal(b, d, 8);
  /* a second program only clears bits */
  uint8_t e[2] = {0x0F, 0xFF};
  assert_int_equal(mn_w25q_program_start(&nor, 0x1FC, e, 2), MN_W25Q_OK);
  assert_int_equal(mn_w25q_wait(&nor, 10), MN_W25Q_OK);
  mn_w25q_read(&nor, 0x1FC, b, 2);
  assert_int_equal(b[0], 0xF0 & 0x0F);
  assert_int_equal(b[1], 0x0F);
  /* the sector erase: busy for its polls, then 0xFF */
  assert_int_equal(mn_w25q_erase_start(&nor, 0x100), MN_W25Q_RANGE);
  assert_int_equal(mn_w25q_erase_start(&nor, 0), MN_W25Q_OK);
  assert_int_equal(mn_w25q_wait(&nor, 5), MN_W25Q_BUSY);
  assert_int_equal(mn_w25q_wait(&nor, 100), MN_W25Q_OK);
  mn_w25q_read(&nor, 0x1F8, b, 8);
  for (int i = 0; i < 8; i++) assert_int_equal(b[i], 0xFF);
  assert_int_equal(mn_w25q_read(&nor, NOR_BYTES - 4, b, 8), MN_W25Q_RANGE);
  assert_int_equal(part.ignoredWhileBusy, 0);
  assert_int_equal(part.withoutWriteEnable, 0);
}

/* ---- the receiver staging into a NOR slot ---- */

static int prepared;
static int prepareB(void *ctx) {
  (void)ctx;
  prepared++;
  return 1;
}
static int prepareRefused(void *ctx) {
  (void)ctx;
  return -1;
}

static const uint8_t master[16] = {0x2B, 0x7E, 0x15, 0x16, 0x28, 0xAE, 0xD2, 0xA6, 0xAB, 0xF7, 0x15, 0x88, 0x09, 0xCF, 0x4F, 0x3C};

static void chunk(const uint8_t *image, uint32_t size, unsigned index, uint16_t *id, uint8_t d[8]) {
  *id = (uint16_t)(MN_OTA_CHUNK_ID_BASE | (index & 0x3F));
  d[0] = (uint8_t)(index >> 6);
  d[1] = 0x5A;
  memset(d + 2, 0xEE, 6);
  uint32_t off = index * MN_OTA_CHUNK_BYTES;
  memcpy(d + 2, image + off, size - off < 6 ? size - off : 6);
}

/* Meter 9's key into k and its manifest (version 2, counter 3) for image into w. */
static mn_ota_manifest_t manifestFor(const uint8_t *image, uint32_t size, uint8_t k[16], uint8_t w[MN_OTA_MANIFEST_BYTES]) {
  mn_secoc_meter_key(master, 9, k);
  mn_ota_manifest_t m = {0};
  m.image = MN_OTA_IMAGE_METER50;
  m.chunkBytes = MN_OTA_CHUNK_BYTES;
  m.tag = 0x5A;
  m.address = 9;
  m.version = 2;
  m.counter = 3;
  m.sizeBytes = size;
  sha(image, size, m.sha256);
  mn_ota_manifest_make(&m, k, w);
  return m;
}

/* The page buffer is lent per transfer: a write without it fails (counted), nothing reaches the part. */
static void stage_write_without_a_page_buffer_fails(void **state) {
  (void)state;
  norFresh(1, 45);
  static mn_nor_stage_t st;
  mn_nor_stage_init(&st, &nor, prepareB, 0);
  const uint8_t d[6] = {1, 2, 3, 4, 5, 6};
  assert_int_equal(st.staging.write(st.staging.ctx, 0, d, 6), -1);
  assert_int_equal(st.failures, 1);
  mn_nor_stage_lend(&st, testPage);
  assert_int_equal(st.staging.write(st.staging.ctx, 0, d, 6), 0);
  mn_nor_stage_lend(&st, 0);
  assert_int_equal(st.page, -1);
  assert_int_equal(st.dirty, 0);
}

static void receiver_stages_into_the_nor_slot_while_it_erases(void **state) {
  (void)state;
  /* 45 ms per sector erase against 1 ms per chunk: 45 status polls when polled once a chunk */
  norFresh(1, 45);
  memset(norMem + MN_NOR_SLOT_BASE(1), 0x00, MN_NOR_SLOT_BYTES); /* the old contents of slot B */
  static mn_nor_stage_t st;
  mn_nor_stage_init(&st, &nor, prepareB, 0);
  mn_nor_stage_lend(&st, testPage);
  static uint8_t image[20805];
  const uint32_t size = sizeof image;
  for (uint32_t i = 0; i < size; i++) image[i] = next();
  uint8_t k[16], w[MN_OTA_MANIFEST_BYTES];
  mn_ota_manifest_t m = manifestFor(image, size, k, w);
  static mn_ota_rx_t r;
  mn_ota_rx_init(&r, k, 9, MN_OTA_IMAGE_METER50, 2, &st.staging);
  r.bitmap = testBitmap; /* lent, as otaMeterLink.c lends it */
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_OK);
  assert_int_equal(prepared, 1);
  assert_true(st.erasing);
  /* round 0: every chunk in order, the service called once per chunk (the main loop's pass) */
  unsigned busyRound0 = 0;
  uint16_t id;
  uint8_t d[8];
  int v = 0;
  for (unsigned i = 0; i < r.total; i++) {
    mn_nor_stage_service(&st);
    chunk(image, size, i, &id, d);
    v = mn_ota_rx_chunk(&r, id, d, 8);
    if (v == -3) busyRound0++;
    else assert_int_equal(v, 0);
  }
  assert_false(st.erasing);
  assert_int_equal(st.erases, 6); /* the whole slot: 5 sectors of image and the meta record's */
  /* 6 sectors x 45 polls: the chunks of those polls were answered busy, not refused */
  assert_true(busyRound0 >= 6 * 45 - 6 && busyRound0 <= 6 * 46 + 6);
  assert_int_equal(r.busy, busyRound0);
  assert_int_equal(r.refused[MN_OTA_R_STAGING], 0);
  assert_int_equal(r.have, r.total - busyRound0);
  /* the repair round: what the status lists */
  for (unsigned i = 0; i < r.total && v != 1; i++) {
    if ((r.bitmap[i >> 3] >> (i & 7)) & 1) continue;
    chunk(image, size, i, &id, d);
    v = mn_ota_rx_chunk(&r, id, d, 8);
  }
  assert_int_equal(v, 1);
  assert_int_equal(r.state, MN_OTA_VERIFIED);
  assert_memory_equal(norMem + MN_NOR_SLOT_BASE(1), image, size);
  for (uint32_t i = size; i < MN_NOR_SLOT_BYTES; i++) assert_int_equal(norMem[MN_NOR_SLOT_BASE(1) + i], 0xFF);
  for (uint32_t i = 0; i < MN_NOR_SLOT_BASE(1); i++) assert_int_equal(norMem[i], 0xFF); /* slot A untouched */
  /* page programs: one per page and round a page was touched in, not one per chunk */
  unsigned pages = (size + 255) / 256;
  print_message("NOR staging of %u B: %u chunks answered busy during the 6-sector erase, %u page programs for %u pages (%u chunks)\n",
                size, busyRound0, st.programs, pages, r.total);
  assert_true(st.programs >= pages && st.programs <= pages + busyRound0 / 42 + 2);
  assert_int_equal(part.ignoredWhileBusy, 0);
  assert_int_equal(part.withoutWriteEnable, 0);
  /* the meta record after verification, and a refusal when the record refuses staging */
  uint8_t meta[MN_BOOT_META_BYTES];
  mn_boot_meta_t bm = {size, 2, {0}}, back;
  memcpy(bm.sha256, m.sha256, 32);
  mn_boot_meta_encode(&bm, meta);
  assert_int_equal(mn_nor_stage_write_meta(&st, meta, sizeof meta), 0);
  assert_int_equal(mn_boot_meta_decode(norMem + MN_NOR_SLOT_BASE(1) + MN_NOR_SLOT_META_OFFSET, &back), 0);
  assert_int_equal(back.sizeBytes, size);
  mn_nor_stage_init(&st, &nor, prepareRefused, 0);
  mn_nor_stage_lend(&st, testPage);
  mn_ota_rx_init(&r, k, 9, MN_OTA_IMAGE_METER50, 2, &st.staging);
  r.bitmap = testBitmap; /* lent, as otaMeterLink.c lends it */
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_R_STAGING);
}

/* ---- the boot hook over fakes, with power cuts ---- */

#define STORE_CAP 24576u

typedef struct {
  uint8_t fram[64];
  uint8_t storage[STORE_CAP];
  int32_t storageSize;
  /* the power: operations counted over all three stores, the cut at one of them */
  long ops, cutAt;
  int off, torn;
} dev_t;

static dev_t dev;

/* 0 go on, 1 the op is torn and the power goes, 2 the power is gone (the op never happens) */
static int powerStep(void *ctx) {
  (void)ctx;
  if (dev.off) return 2;
  if (dev.ops++ == dev.cutAt) {
    dev.off = 1;
    return dev.torn ? 1 : 2;
  }
  return 0;
}

static int framRead(void *c, uint32_t off, uint8_t *d, uint32_t n) {
  (void)c;
  memcpy(d, dev.fram + off, n);
  return 0;
}
/* A write the power may cut: before it (nothing written) or torn (half written). */
static int cutWrite(uint8_t *dst, const uint8_t *d, uint32_t n) {
  int s = powerStep(0);
  if (s == 2) return -1;
  memcpy(dst, d, s == 1 ? n / 2 : n);
  return s ? -1 : 0;
}
static int framWrite(void *c, uint32_t off, const uint8_t *d, uint32_t n) {
  (void)c;
  return cutWrite(dev.fram + off, d, n);
}
static int deafRead(void *c, uint32_t off, uint8_t *d, uint32_t n) {
  (void)c;
  (void)off;
  memset(d, 0xFF, n);
  return -1;
}
static int slotRead(void *c, int slot, uint32_t off, uint8_t *d, uint32_t n) {
  (void)c;
  if (mn_w25q_wait(&nor, 100) != 0) return -1;
  return mn_w25q_read(&nor, MN_NOR_SLOT_BASE(slot) + off, d, n) == 0 ? 0 : -1;
}
static int slotErase(void *c, int slot) {
  (void)c;
  for (uint32_t s = 0; s < MN_NOR_SLOT_BYTES; s += MN_W25Q_SECTOR_BYTES)
    if (mn_w25q_wait(&nor, 100) != 0 || mn_w25q_erase_start(&nor, MN_NOR_SLOT_BASE(slot) + s) != 0) return -1;
  return mn_w25q_wait(&nor, 100) == 0 ? 0 : -1;
}
static int slotProgram(void *c, int slot, uint32_t off, const uint8_t *d, uint32_t n) {
  (void)c;
  if (mn_w25q_wait(&nor, 100) != 0 || mn_w25q_program_start(&nor, MN_NOR_SLOT_BASE(slot) + off, d, n) != 0) return -1;
  return mn_w25q_wait(&nor, 100) == 0 ? 0 : -1;
}
static int32_t storageSize(void *c) {
  (void)c;
  return dev.storageSize;
}
static int storageRead(void *c, uint32_t off, uint8_t *d, uint32_t n) {
  (void)c;
  if ((int32_t)(off + n) > dev.storageSize) return -1;
  memcpy(d, dev.storage + off, n);
  return 0;
}
/* Espruino writes a new file before it drops the old one: a cut in the creation leaves
 * the old file; after it, the new file of n bytes, erased (0xFF), is the one found. */
static int storageCreate(void *c, uint32_t n) {
  (void)c;
  if (powerStep(0)) return -1;
  dev.storageSize = (int32_t)n;
  memset(dev.storage, 0xFF, n);
  return 0;
}
static int storageWrite(void *c, uint32_t off, const uint8_t *d, uint32_t n) {
  (void)c;
  return cutWrite(dev.storage + off, d, n);
}

static const mn_boot_io_t io = {{framRead, framWrite, 0}, slotRead, slotErase, slotProgram, MN_NOR_SLOT_META_OFFSET,
                                MN_OTA_MAX_BYTES, storageSize, storageRead, storageCreate, storageWrite, 0};

static uint8_t v1[6000], v2[6100], up[5000];

static void fillImages(void) {
  static int filled;
  if (filled++) return;
  for (size_t i = 0; i < sizeof v1; i++) v1[i] = next();
  for (size_t i = 0; i < sizeof v2; i++) v2[i] = next();
  for (size_t i = 0; i < sizeof up; i++) up[i] = next();
}

static void powerOn(void) {
  dev.off = 0;
  dev.cutAt = -1;
  part.off = 0;
  part.busy = 0;
  part.wel = 0;
  part.inTx = 0;
}

/* A meter that ran the OTA C before: slot A = v1 with its meta, record A valid, Storage v1. */
static void meterWithV1(void) {
  fillImages();
  memset(&dev, 0, sizeof dev);
  dev.cutAt = -1;
  norFresh(2, 4);
  part.step = powerStep;
  memcpy(dev.storage, v1, sizeof v1);
  dev.storageSize = sizeof v1;
  mn_boot_outcome_t o;
  assert_int_equal(mn_boot_hook(&io, MN_RESET_POWER, &o), 0);
  assert_int_equal(o.action, MN_HOOK_PROVISIONED);
}

/* v2 staged into slot B, verified, meta written, switched: what the receiver and the commit do. */
static void stageAndSwitchV2(void) {
  mn_boot_record_t r;
  assert_int_equal(mn_boot_load(&io.record, &r), 0);
  assert_int_equal(mn_boot_begin_staging(&io.record, &r), 0);
  assert_int_equal(slotErase(0, 1), 0);
  for (uint32_t off = 0; off < sizeof v2; off += 64)
    assert_int_equal(slotProgram(0, 1, off, v2 + off, sizeof v2 - off < 64 ? (uint32_t)(sizeof v2 - off) : 64), 0);
  mn_boot_meta_t m = {sizeof v2, 2, {0}};
  sha(v2, sizeof v2, m.sha256);
  uint8_t e[MN_BOOT_META_BYTES];
  mn_boot_meta_encode(&m, e);
  assert_int_equal(slotProgram(0, 1, MN_NOR_SLOT_META_OFFSET, e, sizeof e), 0);
  assert_int_equal(mn_boot_staged(&io.record, &r), 0);
  assert_int_equal(mn_boot_switch(&io.record, &r), 0);
}

static int storageHolds(const uint8_t *b, uint32_t n) { return dev.storageSize == (int32_t)n && memcmp(dev.storage, b, n) == 0; }

/* Boots until the hook has nothing left to do (a power cut may leave it a copy), at most 3 times. */
static mn_boot_outcome_t bootSettled(int resetCause) {
  mn_boot_outcome_t o;
  for (int i = 0; i < 3; i++) {
    int rc = mn_boot_hook(&io, i == 0 ? resetCause : MN_RESET_POWER, &o);
    if (rc == 0 && !(o.r.flags & MN_BOOT_F_COPY)) return o;
  }
  fail_msg("the hook did not settle");
  return o;
}

typedef void (*path_fn)(void);

static void pathProvision(void) {
  mn_boot_outcome_t o;
  (void)mn_boot_hook(&io, MN_RESET_POWER, &o);
}
static void pathSwitch(void) {
  mn_boot_outcome_t o;
  (void)mn_boot_hook(&io, MN_RESET_POWER, &o);
}
static void pathRevert(void) {
  mn_boot_outcome_t o;
  (void)mn_boot_hook(&io, MN_RESET_WATCHDOG, &o);
}

static void boot_hook_paths(void **state) {
  (void)state;
  fillImages();
  /* provisioning: no record, Storage's script becomes slot A */
  meterWithV1();
  assert_memory_equal(norMem, v1, sizeof v1);
  mn_boot_outcome_t o;
  assert_int_equal(mn_boot_hook(&io, MN_RESET_POWER, &o), 0);
  assert_int_equal(o.action, MN_HOOK_RAN);
  assert_int_equal(o.slot, 0);
  /* a switch, then the software reset it asks for (not a crash: v2 never booted): the
   * hook copies slot B into Storage, in trial */
  stageAndSwitchV2();
  assert_int_equal(mn_boot_hook(&io, MN_RESET_SOFTWARE, &o), 0);
  assert_int_equal(o.reverted, MN_REVERT_NONE);
  assert_int_equal(o.action, MN_HOOK_COPIED);
  assert_int_equal(o.slot, 1);
  assert_int_equal(o.trial, 1);
  assert_true(storageHolds(v2, sizeof v2));
  assert_false(o.r.flags & MN_BOOT_F_COPY);
  /* the trial's script hangs: the watchdog resets, the hook reverts and copies slot A back */
  assert_int_equal(mn_boot_hook(&io, MN_RESET_WATCHDOG, &o), 0);
  assert_int_equal(o.action, MN_HOOK_COPIED);
  assert_int_equal(o.slot, 0);
  assert_int_equal(o.reverted, MN_REVERT_CRASH);
  assert_int_equal(o.trial, 0);
  assert_true(storageHolds(v1, sizeof v1));
  /* an upload (IDE): adopted into the active slot, never overwritten by it */
  memcpy(dev.storage, up, sizeof up);
  dev.storageSize = sizeof up;
  assert_int_equal(mn_boot_hook(&io, MN_RESET_POWER, &o), 0);
  assert_int_equal(o.action, MN_HOOK_ADOPTED);
  assert_memory_equal(norMem, up, sizeof up);
  assert_int_equal(mn_boot_hook(&io, MN_RESET_POWER, &o), 0);
  assert_int_equal(o.action, MN_HOOK_RAN);
  assert_true(storageHolds(up, sizeof up));
  /* Storage erased (eraseAll): the active slot comes back */
  dev.storageSize = -1;
  assert_int_equal(mn_boot_hook(&io, MN_RESET_POWER, &o), 0);
  assert_int_equal(o.action, MN_HOOK_COPIED);
  assert_true(storageHolds(up, sizeof up));
  /* a slot whose bytes no longer match its meta is never copied */
  stageAndSwitchV2();
  norMem[MN_NOR_SLOT_BASE(1) + 100] ^= 0x01;
  assert_int_equal(mn_boot_hook(&io, MN_RESET_POWER, &o), -1);
  assert_int_equal(o.action, MN_HOOK_FAILED);
  assert_int_equal(o.failedStep, 2);
  assert_true(storageHolds(up, sizeof up));
  /* a record store that does not answer: Storage's script runs, nothing is provisioned */
  {
    mn_boot_io_t deaf = io;
    deaf.record.read = deafRead;
    uint32_t programs = part.programs, erases = part.erases;
    assert_int_equal(mn_boot_hook(&deaf, MN_RESET_POWER, &o), -1);
    assert_int_equal(o.action, MN_HOOK_FAILED);
    assert_int_equal(o.failedStep, 1);
    assert_int_equal(part.programs, programs);
    assert_int_equal(part.erases, erases);
  }
  /* nothing anywhere: the REPL */
  memset(&dev, 0, sizeof dev);
  dev.cutAt = -1;
  assert_int_equal(mn_boot_hook(&io, MN_RESET_POWER, &o), 0);
  assert_int_equal(o.action, MN_HOOK_NO_SCRIPT);
}

/* Every write and erase of one path is cut (before it, and torn in it); after the cut the
 * meter boots until settled and must run a whole script, the right one. */
static void boot_hook_survives_a_cut_at_every_write(void **state) {
  (void)state;
  struct {
    const char *name;
    path_fn run;
    int resetCause;
  } paths[3] = {{"provisioning", pathProvision, MN_RESET_POWER},
                {"copy after a switch", pathSwitch, MN_RESET_POWER},
                {"copy after a revert", pathRevert, MN_RESET_WATCHDOG}};
  for (int p = 0; p < 3; p++) {
    long total = -1, cuts = 0, revertedLate = 0;
    for (long k = 0; total < 0 || k < total; k++) {
      for (int torn = 0; torn < 2; torn++) {
        /* the state before the path */
        memset(&dev, 0, sizeof dev);
        dev.cutAt = -1;
        norFresh(2, 4);
        part.step = powerStep;
        memcpy(dev.storage, v1, sizeof v1);
        dev.storageSize = sizeof v1;
        if (p > 0) {
          mn_boot_outcome_t o;
          assert_int_equal(mn_boot_hook(&io, MN_RESET_POWER, &o), 0);
          stageAndSwitchV2();
        }
        if (p == 2) {
          mn_boot_outcome_t o;
          assert_int_equal(mn_boot_hook(&io, MN_RESET_POWER, &o), 0); /* the trial's first boot: v2 copied */
          assert_true(storageHolds(v2, sizeof v2));
        }
        long before = dev.ops;
        if (total < 0) { /* the run without a cut counts the operations */
          paths[p].run();
          total = dev.ops - before;
          assert_true(total > 0);
          k = -1;
          break;
        }
        dev.cutAt = before + k;
        dev.torn = torn;
        paths[p].run();
        assert_true(dev.off);
        powerOn();
        mn_boot_outcome_t o = bootSettled(MN_RESET_POWER);
        cuts++;
        /* the right script, whole */
        if (p == 0) assert_true(storageHolds(v1, sizeof v1) && o.slot == 0);
        if (p == 1) { /* switched: v2 in its trial (the cut and reboot are power cycles) */
          assert_int_equal(o.slot, 1);
          assert_true(storageHolds(v2, sizeof v2));
        }
        if (p == 2 && k == 0 && o.slot == 1) { /* cut at the revert's own record write: no revert yet, the
                                                 * reboot is a power cycle and the trial goes on */
          assert_true(o.trial && storageHolds(v2, sizeof v2));
          revertedLate++;
        } else if (p == 2) { /* reverted: v1 again, reason crash */
          assert_int_equal(o.slot, 0);
          assert_int_equal(o.r.reverted, MN_REVERT_CRASH);
          assert_true(storageHolds(v1, sizeof v1));
        }
        mn_boot_meta_t m;
        assert_int_equal(mn_boot_meta_decode(norMem + MN_NOR_SLOT_BASE(o.slot) + MN_NOR_SLOT_META_OFFSET, &m), 0);
        assert_int_equal(part.ignoredWhileBusy, 0);
      }
    }
    print_message("boot hook, %s: %ld writes and erases, %ld cut points (before and torn), each boots the right script whole\n",
                  paths[p].name, total, cuts);
    assert_int_equal(cuts, 2 * total);
    assert_true(revertedLate <= 2);
  }
}

/* The device's path end to end, in C: a provisioned meter receives v2 into its NOR slot
 * B (prepare through the record, the erase polled), commits (meta, valid, switch), reboots
 * by software into the trial (the hook copies v2 into Storage), refuses a manifest while
 * in trial, confirms, and boots v2 from then on. */
static int prepareFromRecord(void *ctx) {
  (void)ctx;
  return mn_ota_switch_prepare(&io.record);
}

static void an_update_on_the_device_path(void **state) {
  (void)state;
  meterWithV1();
  static mn_nor_stage_t st;
  mn_nor_stage_init(&st, &nor, prepareFromRecord, 0);
  mn_nor_stage_lend(&st, testPage);
  uint8_t k[16], w[MN_OTA_MANIFEST_BYTES];
  (void)manifestFor(v2, sizeof v2, k, w);
  static mn_ota_rx_t r;
  mn_ota_rx_init(&r, k, 9, MN_OTA_IMAGE_METER50, 2, &st.staging);
  r.bitmap = testBitmap; /* lent, as otaMeterLink.c lends it */
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_OK);
  mn_boot_record_t rec;
  assert_int_equal(mn_boot_load(&io.record, &rec), 0);
  assert_false(rec.flags & MN_BOOT_F_VALID_B); /* marked invalid before the erase */
  while (mn_nor_stage_service(&st)) {
  }
  uint16_t id;
  uint8_t d[8];
  int v = 0;
  for (unsigned i = 0; i < r.total; i++) {
    chunk(v2, sizeof v2, i, &id, d);
    v = mn_ota_rx_chunk(&r, id, d, 8);
  }
  assert_int_equal(v, 1);
  assert_int_equal(r.state, MN_OTA_VERIFIED);
  assert_int_equal(mn_ota_switch_commit(&io.record, &st, &r.m), 0);
  assert_int_equal(mn_boot_load(&io.record, &rec), 0);
  assert_int_equal(rec.active, 1);
  assert_int_equal(rec.flags & (MN_BOOT_F_TRIAL | MN_BOOT_F_COPY | MN_BOOT_F_VALID_A | MN_BOOT_F_VALID_B),
                   MN_BOOT_F_TRIAL | MN_BOOT_F_COPY | MN_BOOT_F_VALID_A | MN_BOOT_F_VALID_B);
  /* E.reboot(): the hook copies v2 in, the trial begins */
  mn_boot_outcome_t o;
  assert_int_equal(mn_boot_hook(&io, MN_RESET_SOFTWARE, &o), 0);
  assert_int_equal(o.action, MN_HOOK_COPIED);
  assert_true(o.trial);
  assert_true(storageHolds(v2, sizeof v2));
  /* a manifest during the trial: refused, the fallback slot A is kept */
  mn_nor_stage_init(&st, &nor, prepareFromRecord, 0);
  mn_nor_stage_lend(&st, testPage);
  mn_ota_rx_init(&r, k, 9, MN_OTA_IMAGE_METER50, 2, &st.staging);
  r.bitmap = testBitmap; /* lent, as otaMeterLink.c lends it */
  assert_int_equal(mn_ota_rx_manifest(&r, w, sizeof w), MN_OTA_R_STAGING);
  assert_memory_equal(norMem, v1, sizeof v1);
  /* JavaScript confirms after its healthy time; the next boots run v2 outside any trial */
  assert_int_equal(mn_boot_load(&io.record, &rec), 0);
  assert_int_equal(mn_boot_confirm(&io.record, &rec), 0);
  assert_int_equal(mn_boot_hook(&io, MN_RESET_WATCHDOG, &o), 0); /* a later hang is no revert */
  assert_int_equal(o.action, MN_HOOK_RAN);
  assert_int_equal(o.slot, 1);
  assert_false(o.trial);
  assert_true(storageHolds(v2, sizeof v2));
  assert_int_equal(part.ignoredWhileBusy, 0);
  assert_int_equal(part.withoutWriteEnable, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(w25q_commands_on_the_wire),
      cmocka_unit_test(receiver_stages_into_the_nor_slot_while_it_erases),
      cmocka_unit_test(stage_write_without_a_page_buffer_fails),
      cmocka_unit_test(boot_hook_paths),
      cmocka_unit_test(boot_hook_survives_a_cut_at_every_write),
      cmocka_unit_test(an_update_on_the_device_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
