/*
 * Which script the meter boots: two script slots (A and B) in Storage and a boot
 * record in FRAM, so that switching to a new script is one record write and a power
 * cut at any byte of any write leaves a meter that boots a complete, verified script.
 *
 * The record (16 bytes) is kept twice and written alternately (the older copy is
 * overwritten); at boot the valid copy with the newer sequence number wins, so a
 * write torn by a power cut leaves the previous state in force:
 *
 *   0 magic 0xB0 | 1 seq u16 | 3 active slot | 4 flags (trial, slot A valid, slot B valid, copy)
 *   5 trial boots | 6 last revert reason | 7..11 zero (the script reports its own version)
 *   12 CRC-32 (ISO-HDLC, as E.CRC32 and modules/persist/crc32.ts) of bytes 0..11
 *
 * The update, as the transfer layer drives it:
 *   mn_boot_begin_staging  the inactive slot is marked invalid BEFORE it is erased
 *   (chunks are staged and the SHA-256 checked: otaReceiver.c)
 *   mn_boot_staged         the slot holds a verified image: marked valid
 *   mn_boot_switch         it becomes active, in trial
 *   mn_boot_decide         at every boot: which slot to run; a trial ended by a crash or
 *                          watchdog reset (once the new script has booted: the reset
 *                          the switch asks for is not a crash), or not confirmed within
 *                          MN_BOOT_TRIAL_BOOTS boots, reverts to the other slot and says why
 *   mn_boot_confirm        the new script ran healthy long enough: trial over
 *   mn_boot_fail           the running trial gives up (its deadline passed): revert
 */
#ifndef MN_OTA_BOOT_H
#define MN_OTA_BOOT_H

#include <stdint.h>

#define MN_BOOT_RECORD_BYTES 16u
#define MN_BOOT_TRIAL_BOOTS 3u /* power cuts tolerated during a trial before it counts as failed */

/* COPY: the active slot is to be copied into Storage's .bootcde (set by the record write
 * that switches or reverts, cleared by the boot hook once the copy is whole: otaBootHook.h). */
enum { MN_BOOT_F_TRIAL = 1, MN_BOOT_F_VALID_A = 2, MN_BOOT_F_VALID_B = 4, MN_BOOT_F_COPY = 8 };
/* Why a trial reverted (reported to the aggregator, kept until the next switch). */
enum { MN_REVERT_NONE = 0, MN_REVERT_CRASH = 1, MN_REVERT_UNCONFIRMED = 2, MN_REVERT_DEADLINE = 3, MN_REVERT_INVALID = 4 };
/* Why the chip reset (RCC_CSR on the STM32F1): only a power-on reset is not the script's fault. */
enum { MN_RESET_POWER = 0, MN_RESET_WATCHDOG = 1, MN_RESET_SOFTWARE = 2 };

typedef struct {
  uint16_t seq;
  uint8_t active, flags, trialBoots, reverted;
} mn_boot_record_t;

/* The record store: FRAM with two copies at 0 and 16. Writes may be cut anywhere. */
typedef struct {
  int (*read)(void *ctx, uint32_t offset, uint8_t *d, uint32_t n);
  int (*write)(void *ctx, uint32_t offset, const uint8_t *d, uint32_t n);
  void *ctx;
} mn_boot_store_t;

uint32_t mn_crc32(const uint8_t *d, uint32_t n);
/* Little-endian 32-bit fields of the record and the slot meta (otaBootHook.c). */
void mn_put32le(uint8_t *p, uint32_t v);
uint32_t mn_get32le(const uint8_t *p);

/* The record in force: 0, or -1 when neither copy is valid (a new meter: the caller
 * writes the factory record, slot A valid and active). */
int mn_boot_load(const mn_boot_store_t *s, mn_boot_record_t *r);
/* Writes r with the next sequence number over the older copy. 0 or -1. */
int mn_boot_save(const mn_boot_store_t *s, mn_boot_record_t *r);

/* At boot: the slot to run (0 A, 1 B), or -1 when no slot holds a valid script (run
 * the REPL only). Updates and saves the record first (trial boots, reverts). */
int mn_boot_decide(const mn_boot_store_t *s, mn_boot_record_t *r, int resetCause);

int mn_boot_begin_staging(const mn_boot_store_t *s, mn_boot_record_t *r);
int mn_boot_staged(const mn_boot_store_t *s, mn_boot_record_t *r);
int mn_boot_switch(const mn_boot_store_t *s, mn_boot_record_t *r);
int mn_boot_confirm(const mn_boot_store_t *s, mn_boot_record_t *r);
int mn_boot_fail(const mn_boot_store_t *s, mn_boot_record_t *r, uint8_t reason);

#endif
