/**
 * The aggregator's CAN link in C behind the controller (boards/STM32F107/aglink on the
 * board through CAN1, the same C through the Node addon on the host,
 * host/canbus/secocLayer.ts): the poll schedule, the verification of every answer and
 * a latest-value table run without JavaScript, and so do the rare frames: sync
 * responses (the meter's epoch checked) and relay commands with their acknowledgements
 * and retries (aglinkCommands.c). JavaScript configures it once, reads rows of meters
 * with news about once a second, queues commands (linkCommand), reads counters, and
 * persists the transmit epoch (secocEpoch) when the C has used one up.
 */
import { SecuredCanController } from "../can/secured";

export interface LinkCanController extends SecuredCanController {
  /**
   * The link's state (after secocInit, whose state it verifies with): `capacity` polled
   * entries, at most `maxInFlight` remote frames outstanding; `timing` (4 numbers): an
   * entry is stale after timing[0] periods, a meter is resynchronised after timing[1]
   * misses in a row, sync requests are repeated after timing[2] ms doubling up to
   * timing[3] ms; optionally timing[4] the ms a command's acknowledgement is awaited (100)
   * and timing[5] its retries (2, at most 3). 0, -22 (bad dimensions, no secocInit) or -28 (no memory).
   * (Espruino's bindings take at most 4 arguments: hence the arrays.)
   */
  linkInit(capacity: number, maxInFlight: number, timing: Uint16Array): number;
  /**
   * For each meter of `addresses`, in order, the entries of `plan` (triples: function
   * code, period ms, priority, lower first), each answered within deadlineMs or asked
   * again up to `retries` times. Entries added, or negative (-22, -28 when full).
   */
  linkPlan(addresses: Uint8Array, plan: Uint16Array, deadlineMs: number, retries: number): number;
  /** The controller runs the schedule every tickMs from now on, by itself. 0 or -22. */
  linkStart(tickMs: number): number;
  /**
   * An authenticated relay command (COMMAND: CmdCode, CmdTariff, CmdArg) to a synchronised
   * meter: signed under a new freshness value per transmission, retried until its
   * acknowledgement (timing[4], timing[5]); unacknowledged after every attempt the meter is
   * resynchronised. 0 (queued), -1 (not synchronised), -16 (a command of that meter, or 8
   * commands, pending) or -22. Outcomes: linkCounters AGC_CMD_*.
   */
  linkCommand(address: number, code: number, tariff: number, arg: number): number;
  /**
   * Rows of meters with news since the last call (aglinkAnswers.h mn_ag_rows) into `out`:
   * per row ROW_HEAD numbers (address, triggering functions, answers, misses, last
   * outcome ok) then 3 signals per function of `fns`. Returns the number of rows.
   */
  linkRows(fns: Uint8Array, freshMask: number, changedMask: number, out: Float64Array): number;
  /**
   * The latest answer of meter `address` to the polled function `fn` (aglinkAnswers.h
   * mn_ag_latest): its first 3 signals into out[0..2], read without taking a row. 1, 0
   * (not polled or never answered: NaN) or -22. What a page reads when a request asks.
   */
  linkLatest(address: number, fn: number, out: Float64Array): number;
  /** Totals (AGC_* indexes, AGC_COUNT of them) into `out`; returns how many were written. */
  linkCounters(out: Uint32Array): number;
  /**
   * Per meter into out[0..4] (and out[5] when out has 6): polls sent, answered, missed
   * (every retry used, or never sent: AGC_SKIPPED), readings, synced (0/1), sends
   * refused because every mailbox was busy.
   */
  linkMeter(address: number, out: Uint32Array): void;
}

/** Numbers at the head of each row. */
export const ROW_HEAD = 5;
export const ROW_ADDRESS = 0;
export const ROW_TRIGGER = 1;
export const ROW_OK = 2;
export const ROW_MISS = 3;
export const ROW_LAST_OK = 4;

/** linkCounters indexes (aglinkAnswers.h MN_AGC_*). */
export const AGC_SENT = 0;
export const AGC_ANSWERED = 1;
export const AGC_RETRIED = 2;
export const AGC_MISSED = 3;
export const AGC_SYNC_REQUESTS = 4;
export const AGC_STORED = 5;
export const AGC_BAD_MAC = 6;
export const AGC_STALE = 7;
export const AGC_UNSYNCED = 8;
export const AGC_INTERNAL = 9;
export const AGC_PLAIN = 10;
export const AGC_TO_JS = 11;
export const AGC_SYNC_ENOFV = 12;
export const AGC_IN_FLIGHT = 13;
/** Sends (polls, sync requests) refused because every mailbox was busy: tried again, never counted as sent. */
export const AGC_REFUSED = 14;
/** Polls never sent: one per whole period an entry waited past its due time (its meter waiting for its sync, or full mailboxes); AGC_MISSED counts those that used every retry. */
export const AGC_SKIPPED = 15;
/** Extended-identifier frames received (none is ours): counted and dropped in C. */
export const AGC_EXTENDED = 16;
/** linkMeter's numbers: polls, answered, missed, readings, synced, refused. */
export const METER_COUNT = 6;
/** The rare path's (aglinkCommands.h MN_AGR_*, after MN_AGC_COUNT). */
export const AGC_CMD_QUEUED = 17;
export const AGC_CMD_DONE = 18;
/** Acknowledged with a status other than done, or timed out. */
export const AGC_CMD_FAILED = 19;
export const AGC_CMD_TIMEOUT = 20;
export const AGC_SYNCED = 21;
/** Sync responses refused: the meter's epoch not above its last. */
export const AGC_OLD_EPOCH = 22;
/** Authenticated acknowledgements that answer no pending command. */
export const AGC_UNMATCHED_ACKS = 23;
export const AGC_CMD_ENOFV = 24;
export const AGC_COUNT = 25;
