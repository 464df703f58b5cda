/*
 * The aggregator's rare CAN path in C, beside the answer path (aglinkAnswers.h): what
 * modules/can/aggregatorNode.ts (sync responses, acknowledgements) and
 * modules/can/commands.ts (CommandSender) did in JavaScript, so that no CAN frame
 * reaches the aggregator's JavaScript at all.
 *
 *  - Sync responses: the SecOC layer already checked that the response is bound to our
 *    outstanding challenge (secocNode.h); here the meter's new epoch must be above the
 *    one of its last accepted response (a meter that reused an epoch would reuse its
 *    freshness values), then every receive counter of its slot restarts just below
 *    epoch * 65536, the link counts it synchronised and polls it at once.
 *  - Relay commands with acknowledgement and retry: one command per meter at a time
 *    (AG_CMD_SLOTS meters at once), each transmission signed under a new freshness
 *    value; an authenticated COMMAND_ACK answers it only when its code and the low 16
 *    bits of the FV it names match a transmission of that command (a replayed or
 *    forged ack is counted and changes nothing). Unacknowledged after every attempt:
 *    the meter counts as unsynchronised (its receiver may be out of 8-bit reach) and
 *    the schedule resynchronises it.
 *  - The transmit epoch stays persisted by JavaScript (a KvStore write, rare): a
 *    command that found the epoch used up is counted (MN_AGR_ENOFV, as the sync
 *    requests' MN_AGC_SYNC_ENOFV); JavaScript persists and sets the next epoch and the
 *    retry signs under it.
 *
 * State: the last AG_RARE_BYTES of the link's buffer (aglinkState.h, 448 bytes).
 */
#ifndef MN_AGLINK_COMMANDS_H
#define MN_AGLINK_COMMANDS_H

#include <stdint.h>

#include "aglinkAnswers.h"

/* Counters, in this order in mn_ag_rare_counters' output. */
enum {
  MN_AGR_CMD_QUEUED,  /* commands accepted by mn_ag_command */
  MN_AGR_CMD_DONE,    /* acknowledged with status 0 */
  MN_AGR_CMD_FAILED,  /* acknowledged with another status, or timed out */
  MN_AGR_CMD_TIMEOUT, /* unacknowledged after every attempt (the meter is resynchronised) */
  MN_AGR_SYNCED,      /* sync responses accepted */
  MN_AGR_OLD_EPOCH,   /* sync responses refused: the meter's epoch is not above its last one */
  MN_AGR_UNMATCHED,   /* authenticated acknowledgements that answer no command of ours (late, duplicate) */
  MN_AGR_ENOFV,       /* command transmissions not signed: the transmit epoch needs renewing */
  MN_AGR_COUNT
};

/* Acknowledgement timeout (ms, 1..65535) and retries (0..AG_CMD_MAX_ATTEMPTS - 1);
 * defaults 100 ms and 2. 0 or MN_AG_EINVAL. */
int mn_ag_cmd_options(uint8_t *ag, unsigned ackTimeoutMs, unsigned retries);

/* A verified frame that is not a polled answer (mn_ag_receive calls it): a sync
 * response or a command acknowledgement. 1 when it was one of those (taken), else 0. */
int mn_ag_rare(mn_ag_link_t *l, uint32_t id, uint32_t data32, int64_t nowMs);

/* Queues the relay command code (tariff, arg: the COMMAND signals CmdTariff, CmdArg)
 * for a synchronised meter and sends its first transmission. 0 (queued), -1 (meter not
 * synchronised), MN_AG_EBUSY (a command of that meter pending, or AG_CMD_SLOTS pending)
 * or MN_AG_EINVAL. */
int mn_ag_command(mn_ag_link_t *l, unsigned address, unsigned code, unsigned tariff, unsigned arg, int64_t nowMs);

/* Retransmits or gives up on commands whose acknowledgement is late: call with the schedule's tick. */
void mn_ag_cmd_tick(mn_ag_link_t *l, int64_t nowMs);

/* 1 when a command of the meter awaits its acknowledgement. */
int mn_ag_cmd_pending(const mn_ag_link_t *l, unsigned address);

void mn_ag_rare_counters(const mn_ag_link_t *l, uint32_t out[MN_AGR_COUNT]);

#endif
