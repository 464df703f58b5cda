/* CanFilter -> bxCAN bank words; see canFilter.h. */
#include "canFilter.h"

#include <stddef.h>

#include "canFrame.h"

#define W32_IDE (1u << 2)
#define W32_RTR (1u << 1)
#define W16_RTR (1u << 4)
#define W16_IDE (1u << 3)

static uint32_t word32(uint32_t id, int ext, int rtr) {
  return (ext ? ((id << 3) | W32_IDE) : (id << 21)) | (rtr ? W32_RTR : 0u);
}

static uint32_t word16(uint32_t stdId, int rtr) { return (stdId << 5) | (rtr ? W16_RTR : 0u); }

static int id_ok(uint32_t id, int ext) { return id <= (ext ? MN_CAN_EXT_ID_MAX : MN_CAN_STD_ID_MAX); }

int mn_can_filter_encode(const mn_can_filter_t *f, bxcan_bank_cfg_t out[MN_CAN_FILTER_MAX_BANKS]) {
  if (f == NULL || out == NULL || f->fifo > 1 || f->extended > 1 || f->rtr > MN_CAN_RTR_ANY) return MN_EINVAL;
  int ext = f->extended;
  int rtrGiven = f->rtr != MN_CAN_RTR_ANY;
  int rtr = f->rtr == 1;
  if (f->mode == MN_CAN_FILTER_MASK) {
    if (!id_ok(f->id, ext) || !id_ok(f->mask, ext)) return MN_EINVAL;
    out[0].list = 0;
    out[0].scale32 = 1;
    out[0].fifo = f->fifo;
    out[0].fr1 = word32(f->id & f->mask, ext, rtr);
    out[0].fr2 = word32(f->mask, ext, rtrGiven) | W32_IDE; /* IDE always compared */
    return 1;
  }
  if (f->mode != MN_CAN_FILTER_LIST) return MN_EINVAL;
  unsigned maxIds = ext ? 2u : 4u;
  if (f->idCount < 1 || f->idCount > maxIds) return MN_EINVAL;
  for (unsigned k = 0; k < f->idCount; k++)
    if (!id_ok(f->ids[k], ext)) return MN_EINVAL;
  const uint32_t *ids = f->ids;
  unsigned n = f->idCount;
  if (rtrGiven) {
    unsigned banks = (n + 1u) / 2u;
    for (unsigned b = 0; b < banks; b++) {
      unsigned second = 2u * b + 1u < n ? 2u * b + 1u : n - 1u; /* repeat the last id into an unused entry */
      out[b].list = 1;
      out[b].scale32 = 1;
      out[b].fifo = f->fifo;
      out[b].fr1 = word32(ids[2u * b], ext, rtr);
      out[b].fr2 = word32(ids[second], ext, rtr);
    }
    return (int)banks;
  }
  for (unsigned b = 0; b < n; b++) {
    out[b].list = 1;
    out[b].scale32 = 1;
    out[b].fifo = f->fifo;
    out[b].fr1 = word32(ids[b], ext, 0);
    out[b].fr2 = word32(ids[b], ext, 1);
  }
  return (int)n;
}

static int match(uint32_t word, uint32_t value, uint32_t mask) { return ((word ^ value) & mask) == 0; }

int mn_can_bank_accepts(const bxcan_bank_cfg_t *b, uint32_t id, uint8_t flags) {
  int ext = (flags & MN_CAN_FLAG_EXT) != 0, rtr = (flags & MN_CAN_FLAG_RTR) != 0;
  if (b->scale32) {
    uint32_t w = word32(id, ext, rtr);
    if (b->list) return w == b->fr1 || w == b->fr2;
    return match(w, b->fr1, b->fr2 | 0u);
  }
  /* 16-bit scale maps STID[10:0], RTR, IDE, EXID[17:15] (RM0008 fig. 229) */
  uint32_t w16 = ext ? (((id >> 18) & 0x7FFu) << 5) | (rtr ? W16_RTR : 0u) | W16_IDE | ((id >> 15) & 7u) : word16(id, rtr);
  uint32_t e[4] = {b->fr1 & 0xFFFFu, b->fr1 >> 16, b->fr2 & 0xFFFFu, b->fr2 >> 16};
  if (b->list) return w16 == e[0] || w16 == e[1] || w16 == e[2] || w16 == e[3];
  return match(w16, e[0], e[1]) || match(w16, e[2], e[3]);
}
