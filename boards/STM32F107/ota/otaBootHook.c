/* The boot hook: see otaBootHook.h. */
#include "otaBootHook.h"

#include <string.h>

#include "otaSha256.h"

#define PIECE 64u /* bytes read or copied at a time: on the stack, beside Espruino's */

void mn_boot_meta_encode(const mn_boot_meta_t *m, uint8_t out[MN_BOOT_META_BYTES]) {
  memcpy(out, "MNSL", 4);
  mn_put32le(out + 4, m->sizeBytes);
  mn_put32le(out + 8, m->version);
  memcpy(out + 12, m->sha256, 32);
  mn_put32le(out + 44, mn_crc32(out, 44));
}

int mn_boot_meta_decode(const uint8_t in[MN_BOOT_META_BYTES], mn_boot_meta_t *m) {
  if (memcmp(in, "MNSL", 4) != 0 || mn_get32le(in + 44) != mn_crc32(in, 44)) return -1;
  m->sizeBytes = mn_get32le(in + 4);
  m->version = mn_get32le(in + 8);
  memcpy(m->sha256, in + 12, 32);
  return 0;
}

int mn_boot_digest(int (*read)(void *ctx, int slot, uint32_t offset, uint8_t *d, uint32_t n), void *ctx, int slot,
                   uint32_t n, uint8_t sha[32]) {
  uint8_t b[PIECE];
  mn_sha256_t *h = mn_sha256_start();
  int ok = 0;
  for (uint32_t off = 0; off < n && ok == 0; off += PIECE) {
    uint32_t k = n - off < PIECE ? n - off : PIECE;
    ok = read(ctx, slot, off, b, k);
    if (ok == 0) mn_sha256_update(h, b, k);
  }
  mn_sha256_finish(h, sha);
  return ok == 0 ? 0 : -1;
}

/* Storage's read with the slot argument the digest expects. */
static int storageAsSlot(void *ctx, int slot, uint32_t offset, uint8_t *d, uint32_t n) {
  const mn_boot_io_t *io = (const mn_boot_io_t *)ctx;
  (void)slot;
  return io->storageRead(io->ctx, offset, d, n);
}
static int slotRead(void *ctx, int slot, uint32_t offset, uint8_t *d, uint32_t n) {
  const mn_boot_io_t *io = (const mn_boot_io_t *)ctx;
  return io->slotRead(io->ctx, slot, offset, d, n);
}

static int slotMeta(const mn_boot_io_t *io, int slot, mn_boot_meta_t *m) {
  uint8_t b[MN_BOOT_META_BYTES];
  if (io->slotRead(io->ctx, slot, io->metaOffset, b, sizeof b) != 0) return -1;
  return mn_boot_meta_decode(b, m);
}

/* Storage's .bootcde into the slot, then its meta: the slot erased first. -1 failed. */
static int storageToSlot(const mn_boot_io_t *io, int slot, uint32_t size) {
  uint8_t b[PIECE];
  mn_boot_meta_t m;
  if (size == 0 || size > io->slotCapacity || io->slotErase(io->ctx, slot) != 0) return -1;
  /* pieces of 64 at offsets that are multiples of 64 never cross a 256-byte page */
  for (uint32_t off = 0; off < size; off += PIECE) {
    uint32_t k = size - off < PIECE ? size - off : PIECE;
    if (io->storageRead(io->ctx, off, b, k) != 0 || io->slotProgram(io->ctx, slot, off, b, k) != 0) return -1;
  }
  /* the slot's own bytes are what the meta describes */
  m.sizeBytes = size;
  m.version = 0;
  if (mn_boot_digest(slotRead, (void *)io, slot, size, m.sha256) != 0) return -1;
  uint8_t e[MN_BOOT_META_BYTES];
  mn_boot_meta_encode(&m, e);
  return io->slotProgram(io->ctx, slot, io->metaOffset, e, sizeof e);
}

/* The slot into a new .bootcde, then read back. -1 failed. */
static int slotToStorage(const mn_boot_io_t *io, int slot, const mn_boot_meta_t *m) {
  uint8_t b[PIECE], sha[32];
  if (io->storageCreate(io->ctx, m->sizeBytes) != 0) return -1;
  for (uint32_t off = 0; off < m->sizeBytes; off += PIECE) {
    uint32_t k = m->sizeBytes - off < PIECE ? m->sizeBytes - off : PIECE;
    if (io->slotRead(io->ctx, slot, off, b, k) != 0 || io->storageWrite(io->ctx, off, b, k) != 0) return -1;
  }
  if (io->storageSize(io->ctx) != (int32_t)m->sizeBytes || mn_boot_digest(storageAsSlot, (void *)io, 0, m->sizeBytes, sha) != 0)
    return -1;
  return memcmp(sha, m->sha256, 32) == 0 ? 0 : -1;
}

static int failed(mn_boot_outcome_t *out, uint8_t step) {
  out->action = MN_HOOK_FAILED;
  out->failedStep = step;
  return -1;
}

int mn_boot_hook(const mn_boot_io_t *io, int resetCause, mn_boot_outcome_t *out) {
  mn_boot_record_t *r = &out->r;
  memset(out, 0, sizeof *out);
  out->slot = -1;
  int32_t size = io->storageSize(io->ctx);
  /* a record store that does not answer (no FRAM) is not a new meter: never provision then */
  uint8_t probe[MN_BOOT_RECORD_BYTES];
  if (io->record.read(io->record.ctx, 0, probe, sizeof probe) != 0) return failed(out, 1);
  if (mn_boot_load(&io->record, r) != 0) {
    if (size <= 0) {
      out->action = MN_HOOK_NO_SCRIPT;
      return 0;
    }
    if (storageToSlot(io, 0, (uint32_t)size) != 0) return failed(out, 4);
    memset(r, 0, sizeof *r);
    r->active = 0;
    r->flags = MN_BOOT_F_VALID_A;
    if (mn_boot_save(&io->record, r) != 0) return failed(out, 1);
    out->slot = 0;
    out->action = MN_HOOK_PROVISIONED;
    return 0;
  }
  int slot = mn_boot_decide(&io->record, r, resetCause);
  out->slot = slot;
  out->reverted = r->reverted;
  out->trial = (r->flags & MN_BOOT_F_TRIAL) ? 1 : 0;
  if (slot < 0) {
    out->action = MN_HOOK_NO_SCRIPT;
    return 0;
  }
  mn_boot_meta_t m;
  uint8_t want[32], have[32];
  int meta = slotMeta(io, slot, &m);
  int same = meta == 0 && size == (int32_t)m.sizeBytes &&
             mn_boot_digest(storageAsSlot, (void *)io, 0, (uint32_t)size, have) == 0 && memcmp(have, m.sha256, 32) == 0;
  /* a copy is due after a switch or a revert, or when Storage lost its script (eraseAll) */
  if ((r->flags & MN_BOOT_F_COPY) || (size <= 0 && meta == 0)) {
    if (!same) {
      /* the slot must hold what its meta says before it replaces the running script */
      if (meta != 0 || m.sizeBytes > io->slotCapacity || mn_boot_digest(slotRead, (void *)io, slot, m.sizeBytes, want) != 0 ||
          memcmp(want, m.sha256, 32) != 0)
        return failed(out, 2);
      if (slotToStorage(io, slot, &m) != 0) return failed(out, 3);
      out->action = MN_HOOK_COPIED;
    }
    if (!(r->flags & MN_BOOT_F_COPY)) return 0;
    r->flags &= (uint8_t)~MN_BOOT_F_COPY;
    if (mn_boot_save(&io->record, r) != 0) return failed(out, 1);
    return 0;
  }
  if (same || size <= 0 || out->trial) return 0; /* MN_HOOK_RAN */
  if (storageToSlot(io, slot, (uint32_t)size) != 0) return failed(out, 4);
  out->action = MN_HOOK_ADOPTED;
  return 0;
}
