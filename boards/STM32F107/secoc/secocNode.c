/* The SecOC state of one node (secocNode.h). */
#include <string.h>

#include "cmac.h"
#include "secocCodec.h"
#include "secocNode.h"

/* Header: magic, slots, rx per slot, tx per slot, epoch valid, epoch (3, BE). */
#define H_MAGIC 0
#define H_SLOTS 1
#define H_RX 2
#define H_TX 3
#define H_EPOCH_VALID 4
#define H_EPOCH 5
#define HEADER_BYTES 8
#define PLAN_AT HEADER_BYTES
#define MAP_AT (PLAN_AT + MN_SECOC_PLAN_BYTES) /* per address: slot + 1, 0 = none */
#define CODEC_AT (MAP_AT + 64) /* MN_SECOC_CODEC_BYTES; byte CODEC_AT + 32 + fn = count | flags */
#define SLOTS_AT (CODEC_AT + MN_SECOC_CODEC_BYTES)
#define MAGIC 0x53
/* Per slot: key, K2, challenge, last sync, receive counters, transmit counters (each
 * its next FV, 40 bits big-endian: a counter runs on across epochs, see set_epoch). */
#define S_KEY 0
#define S_K2 16
#define S_CHALLENGE 32
#define S_SYNC 38
#define S_RX 44
#define FV_FIELD 6 /* valid flag + 40-bit big-endian value */
#define TX_FIELD 5

static size_t slot_bytes(unsigned rx, unsigned tx) { return S_RX + FV_FIELD * rx + TX_FIELD * tx; }

size_t mn_secoc_node_bytes(unsigned slots, unsigned rxPerSlot, unsigned txPerSlot) {
  if (slots < 1 || slots > MN_SECOC_MAX_SLOTS || rxPerSlot < 1 || rxPerSlot > MN_SECOC_MAX_COUNTERS ||
      txPerSlot < 1 || txPerSlot > MN_SECOC_MAX_COUNTERS) return 0;
  return SLOTS_AT + slots * slot_bytes(rxPerSlot, txPerSlot);
}

static uint8_t *slot_at(uint8_t *st, unsigned s) { return st + SLOTS_AT + s * slot_bytes(st[H_RX], st[H_TX]); }
static const uint8_t *slot_at_c(const uint8_t *st, unsigned s) { return st + SLOTS_AT + s * slot_bytes(st[H_RX], st[H_TX]); }

static int64_t get_fv(const uint8_t *f) {
  if (!f[0]) return -1;
  int64_t v = 0;
  for (int i = 1; i <= 5; i++) v = (v << 8) | f[i];
  return v;
}

static void put_fv(uint8_t *f, int64_t v) {
  f[0] = v >= 0;
  for (int i = 5; i >= 1; i--) { f[i] = (uint8_t)(v >= 0 ? v & 0xFF : 0); v = v >= 0 ? v >> 8 : v; }
}

int mn_secoc_node_init(uint8_t *st, size_t bytes, unsigned slots, unsigned rxPerSlot, unsigned txPerSlot, const uint8_t plan[MN_SECOC_PLAN_BYTES]) {
  size_t need = mn_secoc_node_bytes(slots, rxPerSlot, txPerSlot);
  if (!st || !plan || need == 0 || bytes < need) return MN_SECOC_EINVAL;
  for (int fn = 0; fn < 32; fn++) {
    unsigned rk = plan[fn] >> 4, ri = plan[fn] & 15u, tk = plan[32 + fn] >> 4, ti = plan[32 + fn] & 15u;
    if (rk > MN_SECOC_KIND_SYNC_RESPONSE || tk > MN_SECOC_KIND_SYNC_RESPONSE) return MN_SECOC_EINVAL;
    if ((rk == MN_SECOC_KIND_SECURED && ri >= rxPerSlot) || (tk == MN_SECOC_KIND_SECURED && ti >= txPerSlot) ||
        (tk == MN_SECOC_KIND_SYNC_REQUEST && ti >= txPerSlot)) return MN_SECOC_EINVAL;
  }
  memset(st, 0, need);
  st[H_MAGIC] = MAGIC;
  st[H_SLOTS] = (uint8_t)slots;
  st[H_RX] = (uint8_t)rxPerSlot;
  st[H_TX] = (uint8_t)txPerSlot;
  memcpy(st + PLAN_AT, plan, MN_SECOC_PLAN_BYTES);
  return 0;
}

int mn_secoc_node_key(uint8_t *st, unsigned slot, unsigned address, const uint8_t key16[16], int derive) {
  if (st[H_MAGIC] != MAGIC || slot >= st[H_SLOTS] || address > 63) return MN_SECOC_EINVAL;
  uint8_t *s = slot_at(st, slot), k1[16];
#ifdef MN_SECOC_NO_DERIVE /* an image that never derives keys (a meter) drops the KDF and general CMAC */
  int r = derive ? MN_SECOC_EINVAL : (memcpy(s + S_KEY, key16, 16), 0);
#else
  int r = derive ? mn_secoc_meter_key(key16, address, s + S_KEY) : (memcpy(s + S_KEY, key16, 16), 0);
#endif
  if (r == 0) r = mn_cmac_subkeys(s + S_KEY, k1, s + S_K2);
  if (r != 0) return r;
  for (int a = 0; a < 64; a++) if (st[MAP_AT + a] == slot + 1) st[MAP_AT + a] = 0;
  st[MAP_AT + address] = (uint8_t)(slot + 1);
  put_fv(s + S_CHALLENGE, -1);
  put_fv(s + S_SYNC, -1);
  for (unsigned i = 0; i < st[H_RX]; i++) put_fv(s + S_RX + FV_FIELD * i, -1);
  return 0;
}

int mn_secoc_node_slot(const uint8_t *st, unsigned address) {
  return st[H_MAGIC] == MAGIC && address < 64 ? (int)st[MAP_AT + address] - 1 : -1;
}

static int64_t get40(const uint8_t *b) {
  int64_t v = 0;
  for (int i = 0; i < 5; i++) v = (v << 8) | b[i];
  return v;
}

static void put40(uint8_t *b, int64_t v) {
  for (int i = 4; i >= 0; i--) { b[i] = (uint8_t)(v & 0xFF); v >>= 8; }
}

void mn_secoc_node_set_epoch(uint8_t *st, int64_t epoch) {
  if (st[H_MAGIC] != MAGIC) return;
  int ok = epoch >= 0 && epoch <= MN_SECOC_EPOCH_MAX;
  /* A renewal (an epoch above the valid one) only raises the limit: every counter runs
   * on, so none jumps and its receiver rebuilds it from 8 bits. Anything else (boot,
   * or a resynchronisation after -1) restarts every counter at the epoch. */
  int renewal = ok && mn_secoc_node_epoch(st) >= 0 && epoch > mn_secoc_node_epoch(st);
  st[H_EPOCH_VALID] = (uint8_t)ok;
  st[H_EPOCH] = (uint8_t)(ok ? epoch >> 16 : 0);
  st[H_EPOCH + 1] = (uint8_t)(ok ? epoch >> 8 : 0);
  st[H_EPOCH + 2] = (uint8_t)(ok ? epoch : 0);
  if (!ok || renewal) return;
  for (unsigned s = 0; s < st[H_SLOTS]; s++) {
    uint8_t *q = slot_at(st, s) + S_RX + FV_FIELD * st[H_RX];
    for (unsigned c = 0; c < st[H_TX]; c++) put40(q + TX_FIELD * c, epoch * MN_SECOC_SEQ_SPAN);
  }
}

int64_t mn_secoc_node_epoch(const uint8_t *st) {
  if (st[H_MAGIC] != MAGIC || !st[H_EPOCH_VALID]) return -1;
  return ((int64_t)st[H_EPOCH] << 16) | ((int64_t)st[H_EPOCH + 1] << 8) | st[H_EPOCH + 2];
}

void mn_secoc_node_set_rx(uint8_t *st, unsigned slot, int64_t fv) {
  if (st[H_MAGIC] != MAGIC || slot >= st[H_SLOTS]) return;
  uint8_t *s = slot_at(st, slot);
  for (unsigned i = 0; i < st[H_RX]; i++) put_fv(s + S_RX + FV_FIELD * i, fv);
  put_fv(s + S_CHALLENGE, -1);
}

void mn_secoc_node_set_sync_last(uint8_t *st, unsigned slot, int64_t fv) {
  if (st[H_MAGIC] != MAGIC || slot >= st[H_SLOTS]) return;
  put_fv(slot_at(st, slot) + S_SYNC, fv);
}

int64_t mn_secoc_node_rx(const uint8_t *st, unsigned slot, unsigned counter) {
  if (st[H_MAGIC] != MAGIC || slot >= st[H_SLOTS] || counter >= st[H_RX]) return -1;
  return get_fv(slot_at_c(st, slot) + S_RX + FV_FIELD * counter);
}

/* The next FV of transmit counter c of slot s, or -1: no epoch, or the counter used
 * the last value below the next epoch (the caller persists and sets it; the counter
 * then carries into it and the others keep their values). */
static int64_t next_fv(uint8_t *st, uint8_t *s, unsigned c) {
  int64_t epoch = mn_secoc_node_epoch(st);
  if (epoch < 0) return -1;
  uint8_t *q = s + S_RX + FV_FIELD * st[H_RX] + TX_FIELD * c;
  int64_t fv = get40(q);
  if (fv >= (epoch + 1) * MN_SECOC_SEQ_SPAN) return -1;
  put40(q, fv + 1);
  return fv;
}

/* Slot of a standard identifier's address, or -1. */
static int slot_of(const uint8_t *st, uint32_t id) {
  int s = (int)st[MAP_AT + (id & 63u)] - 1;
  return s < st[H_SLOTS] ? s : -1;
}

int64_t mn_secoc_node_sign(uint8_t *st, uint32_t id, const uint8_t data4[4], int64_t fv, uint8_t out[8]) {
  if (st[H_MAGIC] != MAGIC || id > 0x7FF) return MN_SECOC_EINVAL;
  int slot = slot_of(st, id);
  uint8_t p = st[PLAN_AT + 32 + (id >> 6)];
  unsigned kind = p >> 4, c = p & 15u;
  if (slot < 0 || kind == MN_SECOC_KIND_NONE) return MN_SECOC_EINVAL;
  uint8_t *s = slot_at(st, (unsigned)slot);
  int r;
  if (kind == MN_SECOC_KIND_SYNC_RESPONSE) {
    if (fv < 0 || fv > MN_SECOC_FV_MAX) return MN_SECOC_EINVAL;
    r = mn_secoc_sign(s + S_KEY, s + S_K2, id, data4, fv, out);
  } else {
    fv = next_fv(st, s, c);
    if (fv < 0) return MN_SECOC_ENOFV;
    if (kind == MN_SECOC_KIND_SYNC_REQUEST) {
      r = mn_secoc_sign_sync_request(s + S_KEY, s + S_K2, id, fv, out);
      for (unsigned i = 0; i < st[H_RX]; i++) put_fv(s + S_RX + FV_FIELD * i, -1);
      put_fv(s + S_CHALLENGE, fv);
    } else r = mn_secoc_sign(s + S_KEY, s + S_K2, id, data4, fv, out);
  }
  return r == 0 ? fv : -2;
}

int mn_secoc_node_verify(uint8_t *st, uint32_t id, uint8_t flags, uint8_t dlc, const uint8_t payload[8], int64_t *fvOut, uint32_t *data32) {
  if (st[H_MAGIC] != MAGIC || (flags & 3u) != 0 || id > 0x7FF || dlc != MN_SECOC_PAYLOAD_BYTES) return -1;
  uint8_t p = st[PLAN_AT + (id >> 6)];
  unsigned kind = p >> 4, c = p & 15u;
  int slot = slot_of(st, id);
  if (kind == MN_SECOC_KIND_NONE || slot < 0) return -1;
  uint8_t *s = slot_at(st, (unsigned)slot);
  *data32 = (uint32_t)payload[0] | ((uint32_t)payload[1] << 8) | ((uint32_t)payload[2] << 16) | ((uint32_t)payload[3] << 24);
  int64_t fv = -1;
  mn_secoc_verdict_t v;
  if (kind == MN_SECOC_KIND_SECURED) {
    uint8_t *last = s + S_RX + FV_FIELD * c;
    v = mn_secoc_verify(s + S_KEY, s + S_K2, id, payload, get_fv(last), &fv);
    if (v == MN_SECOC_OK) put_fv(last, fv);
  } else if (kind == MN_SECOC_KIND_SYNC_REQUEST) {
    v = mn_secoc_verify_sync_request(s + S_KEY, s + S_K2, id, payload, get_fv(s + S_SYNC), &fv);
    if (v == MN_SECOC_OK) {
      put_fv(s + S_SYNC, fv);
      /* Everything the peer sent before this request is now stale. */
      for (unsigned i = 0; i < st[H_RX]; i++) {
        uint8_t *f = s + S_RX + FV_FIELD * i;
        if (get_fv(f) < fv) put_fv(f, fv);
      }
    }
  } else {
    fv = get_fv(s + S_CHALLENGE);
    v = mn_secoc_verify_bound(s + S_KEY, s + S_K2, id, payload, fv);
  }
  *fvOut = v == MN_SECOC_OK ? fv : -1;
  return (int)v;
}

int mn_secoc_node_codec(uint8_t *st, const uint8_t *table, size_t len) {
  if (st[H_MAGIC] != MAGIC || len < 64 || len > MN_SECOC_CODEC_BYTES || (len - 64) % 3 != 0) return MN_SECOC_EINVAL;
  unsigned rows = (unsigned)(len - 64) / 3;
  for (unsigned fn = 0; fn < 32; fn++) {
    unsigned count = table[32 + fn] & 0x7Fu;
    if (count && table[fn] + count > rows) return MN_SECOC_EINVAL;
  }
  for (unsigned r = 0; r < rows; r++) {
    const uint8_t *g = table + 64 + 3 * r;
    if (g[1] < 1 || g[1] > 32 || g[0] > 31) return MN_SECOC_EINVAL;
  }
  memset(st + CODEC_AT, 0, MN_SECOC_CODEC_BYTES);
  memcpy(st + CODEC_AT, table, len);
  return 0;
}

unsigned mn_secoc_node_decode(const uint8_t *st, unsigned fn, const uint8_t data4[4], double out[4]) {
  if (st[H_MAGIC] != MAGIC || fn > 31) return 0;
  const uint8_t *codec = st + CODEC_AT;
  unsigned first = codec[fn], count = codec[32 + fn] & 0x7Fu;
  if (count > 4 || first + count > MN_SECOC_CODEC_SIGNALS) return 0;
  for (unsigned i = 0; i < count; i++) {
    const uint8_t *g = codec + 64 + 3 * (first + i);
    mn_signal_t s = {g[0], g[1], g[2]};
    out[i] = g[1] ? mn_signal_decode(data4, &s) : 0;
  }
  return count;
}

int mn_secoc_node_publish(uint8_t *st, const double *values, unsigned nValues, uint8_t latest[128], uint32_t *published, mn_secoc_store_t store, void *ctx) {
  if (published) *published = 0;
#ifdef MN_SECOC_NO_PUBLISH /* an image that never publishes (the aggregator) drops the encoder */
  (void)st; (void)values; (void)nValues; (void)latest; (void)store; (void)ctx;
  return MN_SECOC_EINVAL;
#else
  if (st[H_MAGIC] != MAGIC) return MN_SECOC_EINVAL;
  int address = -1, stored = 0;
  for (int a = 0; a < 64 && address < 0; a++) if (st[MAP_AT + a] == 1) address = a;
  if (address < 0) return MN_SECOC_EINVAL;
  const uint8_t *codec = st + CODEC_AT;
  for (unsigned fn = 0; fn < 32; fn++) {
    unsigned first = codec[fn], count = codec[32 + fn] & 0x7Fu;
    if (!(codec[32 + fn] & MN_SECOC_PUBLISH) || count == 0 || first + count > nValues) continue;
    if (values[first] != values[first]) continue; /* no value for this message */
    uint8_t *data = latest + 4 * fn, out[8];
    if (published) *published |= 1u << fn;
    data[0] = data[1] = data[2] = data[3] = 0;
    for (unsigned i = 0; i < count; i++) {
      const uint8_t *g = codec + 64 + 3 * (first + i);
      mn_signal_t s = {g[0], g[1], g[2]};
      mn_signal_pack(data, &s, mn_signal_phys_to_raw(&s, values[first + i]));
    }
    uint32_t id = (uint32_t)(fn << 6) | (uint32_t)address;
    int64_t fv = mn_secoc_node_sign(st, id, data, -1, out);
    if (fv < 0) return (int)fv;
    if (store(ctx, id, out) >= 0) stored++;
  }
  return stored;
#endif
}
