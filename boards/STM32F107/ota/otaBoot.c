/* The boot record and its transitions: see otaBoot.h. */
#include "otaBoot.h"

#include <string.h>

#define MAGIC 0xB0u

uint32_t mn_crc32(const uint8_t *d, uint32_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; i++) {
    c ^= d[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

void mn_put32le(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
uint32_t mn_get32le(const uint8_t *p) { return p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }

static const uint8_t ZERO[5];

static int parse(const uint8_t *b, mn_boot_record_t *r) {
  if (b[0] != MAGIC || memcmp(b + 7, ZERO, 5) != 0 || mn_get32le(b + 12) != mn_crc32(b, 12) || b[3] > 1) return -1;
  r->seq = (uint16_t)(b[1] | (b[2] << 8));
  r->active = b[3];
  r->flags = b[4];
  r->trialBoots = b[5];
  r->reverted = b[6];
  return 0;
}

/* Which copy the record in force came from is not kept: the copy to overwrite is the
 * one that does not hold it, read again here. */
static int copyInForce(const mn_boot_store_t *s, mn_boot_record_t *r) {
  uint8_t b[2][MN_BOOT_RECORD_BYTES];
  mn_boot_record_t c[2];
  int ok[2];
  for (int i = 0; i < 2; i++) ok[i] = s->read(s->ctx, i * MN_BOOT_RECORD_BYTES, b[i], MN_BOOT_RECORD_BYTES) == 0 && parse(b[i], &c[i]) == 0;
  int k;
  if (ok[0] && ok[1]) k = (int16_t)(c[1].seq - c[0].seq) > 0 ? 1 : 0; /* wraps: newer by serial-number arithmetic */
  else if (ok[0]) k = 0;
  else if (ok[1]) k = 1;
  else return -1;
  if (r) *r = c[k];
  return k;
}

int mn_boot_load(const mn_boot_store_t *s, mn_boot_record_t *r) { return copyInForce(s, r) < 0 ? -1 : 0; }

int mn_boot_save(const mn_boot_store_t *s, mn_boot_record_t *r) {
  int k = copyInForce(s, NULL);
  r->seq = (uint16_t)(r->seq + 1);
  uint8_t b[MN_BOOT_RECORD_BYTES];
  b[0] = MAGIC;
  b[1] = (uint8_t)r->seq;
  b[2] = (uint8_t)(r->seq >> 8);
  b[3] = r->active;
  b[4] = r->flags;
  b[5] = r->trialBoots;
  b[6] = r->reverted;
  memset(b + 7, 0, 5);
  mn_put32le(b + 12, mn_crc32(b, 12));
  return s->write(s->ctx, (uint32_t)(k == 0 ? 1 : 0) * MN_BOOT_RECORD_BYTES, b, MN_BOOT_RECORD_BYTES) == 0 ? 0 : -1;
}

static uint8_t validBit(int slot) { return slot ? MN_BOOT_F_VALID_B : MN_BOOT_F_VALID_A; }

static int revert(const mn_boot_store_t *s, mn_boot_record_t *r, uint8_t reason) {
  r->active ^= 1;
  r->flags = (uint8_t)((r->flags & ~MN_BOOT_F_TRIAL) | MN_BOOT_F_COPY);
  r->trialBoots = 0;
  r->reverted = reason;
  return mn_boot_save(s, r);
}

int mn_boot_decide(const mn_boot_store_t *s, mn_boot_record_t *r, int resetCause) {
  if (r->flags & MN_BOOT_F_TRIAL) {
    /* the new script's first boot follows the restart the switch asks for (E.reboot: a
     * software reset): a reset before it ever booted is not its crash */
    if (resetCause != MN_RESET_POWER && r->trialBoots > 0) revert(s, r, MN_REVERT_CRASH);
    else if (r->trialBoots >= MN_BOOT_TRIAL_BOOTS) revert(s, r, MN_REVERT_UNCONFIRMED);
    else {
      r->trialBoots++;
      mn_boot_save(s, r);
    }
  }
  if (r->flags & validBit(r->active)) return r->active;
  if (r->flags & validBit(r->active ^ 1)) { /* the active slot is not valid: never expected, but boot what is */
    revert(s, r, MN_REVERT_INVALID);
    return r->active;
  }
  return -1;
}

int mn_boot_begin_staging(const mn_boot_store_t *s, mn_boot_record_t *r) {
  if (r->flags & MN_BOOT_F_TRIAL) return -1; /* the fallback of a trial is the other slot: keep it */
  r->flags &= (uint8_t)~validBit(r->active ^ 1);
  return mn_boot_save(s, r);
}

int mn_boot_staged(const mn_boot_store_t *s, mn_boot_record_t *r) {
  r->flags |= validBit(r->active ^ 1);
  return mn_boot_save(s, r);
}

int mn_boot_switch(const mn_boot_store_t *s, mn_boot_record_t *r) {
  if (!(r->flags & validBit(r->active ^ 1)) || (r->flags & MN_BOOT_F_TRIAL)) return -1;
  r->active ^= 1;
  r->flags |= MN_BOOT_F_TRIAL | MN_BOOT_F_COPY;
  r->trialBoots = 0;
  r->reverted = MN_REVERT_NONE;
  return mn_boot_save(s, r);
}

int mn_boot_confirm(const mn_boot_store_t *s, mn_boot_record_t *r) {
  if (!(r->flags & MN_BOOT_F_TRIAL)) return 0;
  r->flags &= (uint8_t)~MN_BOOT_F_TRIAL;
  r->trialBoots = 0;
  return mn_boot_save(s, r);
}

int mn_boot_fail(const mn_boot_store_t *s, mn_boot_record_t *r, uint8_t reason) {
  if (!(r->flags & MN_BOOT_F_TRIAL)) return -1;
  return revert(s, r, reason);
}
