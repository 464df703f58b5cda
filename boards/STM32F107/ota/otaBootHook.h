/*
 * The boot hook: what the meter does before its script runs (meternetBoard.c calls it
 * from the first init hook, before Espruino loads .bootcde).
 *
 * The script that runs must be in internal Storage (Espruino runs function code in
 * place from there); the two script slots live on the NOR (otaNorStaging.h), each with
 * a meta record (size, version, SHA-256) written after its image verified. The boot
 * record (otaBoot.h, FRAM) decides which slot is the right script; Storage holds a copy
 * of it, and this hook keeps the copy right:
 *
 *   1. no boot record (a new meter, or the OTA C just arrived): Storage's .bootcde is
 *      programmed into slot A with its meta, then the factory record is written (A
 *      valid and active). A cut before the record repeats it all at the next boot.
 *   2. mn_boot_decide with the reset cause: the trial's count, or a revert.
 *   3. the record says COPY (the record write that switched or reverted set it): the
 *      active slot's image is read back and checked against its meta's SHA-256, then
 *      copied into Storage as a new .bootcde, read back and checked, and only then COPY
 *      is cleared. A cut anywhere in the copy leaves COPY set: the next boot copies again
 *      (the slot is untouched; Storage's half-written file is never run, it is replaced
 *      before the script starts).
 *      The same when Storage has no .bootcde at all (eraseAll) and the slot is whole.
 *   4. no copy due, but Storage's .bootcde differs from the active slot: someone uploaded
 *      a script (the IDE, `npm run upload`); it is adopted: programmed into the active
 *      slot with a new meta (outside a trial only; in a trial the upload runs as is and
 *      the trial's outcome stands). So an upload is never overwritten by an old slot.
 *
 * Every step goes through io (the device: W25Q, Storage through jsflash, FRAM over
 * I2C; the tests: fakes with power cuts at every write).
 */
#ifndef MN_OTA_BOOT_HOOK_H
#define MN_OTA_BOOT_HOOK_H

#include <stdint.h>

#include "otaBoot.h"

/* The slot's meta record: "MNSL", size u32, version u32, SHA-256, CRC-32 of the 44 before (little-endian). */
#define MN_BOOT_META_BYTES 48u
typedef struct {
  uint32_t sizeBytes, version;
  uint8_t sha256[32];
} mn_boot_meta_t;
void mn_boot_meta_encode(const mn_boot_meta_t *m, uint8_t out[MN_BOOT_META_BYTES]);
/* 0, or -1 when the bytes are no meta record (erased, torn). */
int mn_boot_meta_decode(const uint8_t in[MN_BOOT_META_BYTES], mn_boot_meta_t *m);

typedef struct {
  mn_boot_store_t record;
  /* the NOR slots: read, erase the whole slot (and wait), program (and wait) */
  int (*slotRead)(void *ctx, int slot, uint32_t offset, uint8_t *d, uint32_t n);
  int (*slotErase)(void *ctx, int slot);
  int (*slotProgram)(void *ctx, int slot, uint32_t offset, const uint8_t *d, uint32_t n);
  uint32_t metaOffset; /* of the meta record in a slot */
  uint32_t slotCapacity;
  /* Storage's .bootcde: its size (-1: none), read, replace by a new file of n bytes, write into it */
  int32_t (*storageSize)(void *ctx);
  int (*storageRead)(void *ctx, uint32_t offset, uint8_t *d, uint32_t n);
  int (*storageCreate)(void *ctx, uint32_t n);
  int (*storageWrite)(void *ctx, uint32_t offset, const uint8_t *d, uint32_t n);
  void *ctx;
} mn_boot_io_t;

/* What the hook did (reported to JavaScript: jswrap_ota.c otaBoot). */
enum {
  MN_HOOK_RAN = 0,         /* Storage already held the active slot's script */
  MN_HOOK_COPIED = 1,      /* the active slot copied into Storage (after a switch or a revert) */
  MN_HOOK_PROVISIONED = 2, /* no record: Storage's script became slot A */
  MN_HOOK_ADOPTED = 3,     /* an uploaded script became the active slot's */
  MN_HOOK_NO_SCRIPT = 4,   /* no record and no script, or no valid slot: nothing to run but the REPL */
  MN_HOOK_FAILED = 5       /* a step failed (NOR, Storage, FRAM): Storage's script runs as it is */
};

typedef struct {
  int slot;          /* the slot in force, -1 none */
  uint8_t action;    /* MN_HOOK_* */
  uint8_t reverted;  /* the record's revert reason (MN_REVERT_*) */
  uint8_t trial;     /* 1: this boot runs a trial */
  uint8_t failedStep;/* MN_HOOK_FAILED: which step (1 record, 2 slot read or its hash, 3 Storage, 4 NOR program) */
  mn_boot_record_t r;
} mn_boot_outcome_t;

int mn_boot_hook(const mn_boot_io_t *io, int resetCause, mn_boot_outcome_t *out);

/* SHA-256 of n bytes read in pieces through read(ctx, slot, offset, d, n). 0 or -1. */
int mn_boot_digest(int (*read)(void *ctx, int slot, uint32_t offset, uint8_t *d, uint32_t n), void *ctx, int slot,
                   uint32_t n, uint8_t sha[32]);

#endif
