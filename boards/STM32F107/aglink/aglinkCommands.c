/*
 * Sync responses, relay commands and their acknowledgements (aglinkCommands.h): the
 * decisions of modules/can/aggregatorNode.ts onSyncResponse and modules/can/commands.ts
 * CommandSender, in C.
 */
#include "aglinkCommands.h"

#include "aglinkState.h"
#include "../secoc/secocNode.h"

#define FN_COMMAND 1u
#define FN_COMMAND_ACK 2u
#define FN_SYNC_RESPONSE 4u

static uint8_t *rare_of(const uint8_t *ag) {
  return (uint8_t *)ag + mn_ag_bytes(ag_g16(ag + H_CAPACITY), ag[H_MAX_IN_FLIGHT]) - AG_RARE_BYTES;
}

static uint8_t *rare(const mn_ag_link_t *l) { return rare_of(l->ag); }

static int ok(const mn_ag_link_t *l) { return l && l->ag && l->secoc && l->ag[H_MAGIC] == AG_MAGIC; }

static void bump(uint8_t *r, unsigned c) { ag_inc(r + R_COUNTERS + 4 * c); }

int mn_ag_cmd_options(uint8_t *ag, unsigned ackTimeoutMs, unsigned retries) {
  if (!ag || ag[H_MAGIC] != AG_MAGIC || ackTimeoutMs < 1 || ackTimeoutMs > 65535 || retries >= AG_CMD_MAX_ATTEMPTS) return MN_AG_EINVAL;
  uint8_t *r = rare_of(ag);
  ag_s16(r + R_ACK_TIMEOUT, (uint16_t)ackTimeoutMs);
  r[R_ATTEMPTS] = (uint8_t)(retries + 1);
  return 0;
}

/* One transmission of the command in slot c (CommandSender.transmit): a failed or
 * impossible send also waits a timeout before the next attempt. */
static void transmit(mn_ag_link_t *l, uint8_t *r, uint8_t *c, int64_t nowMs) {
  unsigned a = c[C_ADDR];
  ag_su32(c + C_SENT, (uint32_t)nowMs);
  c[C_ATTEMPTS]++;
  if (!mn_ag_is_synced(l, a)) return;
  uint16_t arg = ag_g16(c + C_ARG);
  uint8_t d[4] = {c[C_CODE], c[C_TARIFF], (uint8_t)arg, (uint8_t)(arg >> 8)}, p[8];
  uint32_t id = (FN_COMMAND << 6) | a;
  int64_t fv = mn_secoc_node_sign(l->secoc, id, d, -1, p);
  if (fv == MN_SECOC_ENOFV) bump(r, MN_AGR_ENOFV);
  if (fv < 0 || l->send(l->sendCtx, id, 0, 8, p) < 0) return;
  ag_s16(c + C_FVS + 2 * c[C_NFV], (uint16_t)fv);
  c[C_NFV]++;
}

int mn_ag_command(mn_ag_link_t *l, unsigned address, unsigned code, unsigned tariff, unsigned arg, int64_t nowMs) {
  if (!ok(l) || address >= MN_AG_MAX_ADDRESS || code > 255 || tariff > 255 || arg > 65535) return MN_AG_EINVAL;
  if (!mn_ag_is_synced(l, address)) return -1;
  uint8_t *r = rare(l), *free = 0;
  for (unsigned k = 0; k < AG_CMD_SLOTS; k++) {
    uint8_t *c = r + R_CMDS + C_BYTES * k;
    if (c[C_ATTEMPTS] && c[C_ADDR] == address) return MN_AG_EBUSY;
    if (!c[C_ATTEMPTS] && !free) free = c;
  }
  if (!free) return MN_AG_EBUSY;
  memset(free, 0, C_BYTES);
  free[C_ADDR] = (uint8_t)address;
  free[C_CODE] = (uint8_t)code;
  free[C_TARIFF] = (uint8_t)tariff;
  ag_s16(free + C_ARG, (uint16_t)arg);
  bump(r, MN_AGR_CMD_QUEUED);
  transmit(l, r, free, nowMs);
  return 0;
}

void mn_ag_cmd_tick(mn_ag_link_t *l, int64_t nowMs) {
  if (!ok(l)) return;
  uint8_t *r = rare(l);
  uint32_t timeout = ag_g16(r + R_ACK_TIMEOUT) ? ag_g16(r + R_ACK_TIMEOUT) : 100u;
  unsigned attempts = r[R_ATTEMPTS] ? r[R_ATTEMPTS] : 3u;
  for (unsigned k = 0; k < AG_CMD_SLOTS; k++) {
    uint8_t *c = r + R_CMDS + C_BYTES * k;
    if (!c[C_ATTEMPTS] || (uint32_t)nowMs - ag_gu32(c + C_SENT) < timeout) continue;
    if (c[C_ATTEMPTS] < attempts) { transmit(l, r, c, nowMs); continue; }
    c[C_ATTEMPTS] = 0;
    bump(r, MN_AGR_CMD_TIMEOUT);
    bump(r, MN_AGR_CMD_FAILED);
    mn_ag_set_synced(l, c[C_ADDR], 0); /* the schedule resynchronises it */
  }
}

int mn_ag_cmd_pending(const mn_ag_link_t *l, unsigned address) {
  if (!ok(l)) return 0;
  const uint8_t *r = rare(l);
  for (unsigned k = 0; k < AG_CMD_SLOTS; k++) {
    const uint8_t *c = r + R_CMDS + C_BYTES * k;
    if (c[C_ATTEMPTS] && c[C_ADDR] == address) return 1;
  }
  return 0;
}

/* An authenticated acknowledgement: AckCode (bits 0..7), AckStatus (8..15), AckCmdFreshness (16..31). */
static void ack(mn_ag_link_t *l, uint8_t *r, unsigned address, uint32_t d) {
  l->ag[A_BAD_MACS + address] = 0;
  for (unsigned k = 0; k < AG_CMD_SLOTS; k++) {
    uint8_t *c = r + R_CMDS + C_BYTES * k;
    if (!c[C_ATTEMPTS] || c[C_ADDR] != address || c[C_CODE] != (d & 0xFFu)) continue;
    for (unsigned j = 0; j < c[C_NFV]; j++) {
      if (ag_g16(c + C_FVS + 2 * j) != (uint16_t)(d >> 16)) continue;
      c[C_ATTEMPTS] = 0;
      bump(r, ((d >> 8) & 0xFFu) == 0 ? MN_AGR_CMD_DONE : MN_AGR_CMD_FAILED);
      return;
    }
  }
  bump(r, MN_AGR_UNMATCHED);
}

/* A sync response bound to our challenge (the SecOC layer checked): the meter's epoch (24 bits). */
static void synced(mn_ag_link_t *l, uint8_t *r, unsigned address, uint32_t d, int64_t nowMs) {
  int slot = mn_secoc_node_slot(l->secoc, address);
  uint32_t epoch = d & 0xFFFFFFu, last = ag_gu32(r + R_EPOCHS + 4 * address); /* epoch + 1, 0: none */
  if (slot < 0 || (last && epoch + 1u <= last)) { bump(r, MN_AGR_OLD_EPOCH); return; }
  ag_su32(r + R_EPOCHS + 4 * address, epoch + 1u);
  mn_secoc_node_set_rx(l->secoc, (unsigned)slot, (int64_t)epoch * MN_SECOC_SEQ_SPAN - 1); /* also drops the challenge */
  bump(r, MN_AGR_SYNCED);
  mn_ag_set_synced(l, address, 1);
  mn_ag_synced(l->ag, &mn_ag_link_target, l, address, nowMs);
}

int mn_ag_rare(mn_ag_link_t *l, uint32_t id, uint32_t data32, int64_t nowMs) {
  unsigned fn = id >> 6, address = id & 63u;
  if (!ok(l) || (fn != FN_SYNC_RESPONSE && fn != FN_COMMAND_ACK)) return 0;
  uint8_t *r = rare(l);
  if (fn == FN_SYNC_RESPONSE) synced(l, r, address, data32, nowMs);
  else ack(l, r, address, data32);
  return 1;
}

void mn_ag_rare_counters(const mn_ag_link_t *l, uint32_t out[MN_AGR_COUNT]) {
  memset(out, 0, 4 * MN_AGR_COUNT);
  if (!ok(l)) return;
  const uint8_t *r = rare(l);
  for (unsigned c = 0; c < MN_AGR_COUNT; c++) out[c] = ag_gu32(r + R_COUNTERS + 4 * c);
}
