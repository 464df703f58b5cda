/**
 * Typed view of the aggregator link's C (boards/STM32F107/aglink) in the SecOC addon
 * (build/Release/meterSecoc.node, class AgLink): the poll schedule, answer path and
 * latest-value table CAN1 runs on the aggregator board, for the host's controllers
 * and tests.
 */
import { secocAddon, NativeSecocNode } from "./secoc";

/** The schedule's target when driven from JavaScript (poller.ts PollTarget, plus outcomes). */
export interface AgTarget {
  poll(address: number, fn: number): number;
  isSynced(address: number): boolean;
  requestSync(address: number): number;
  result?(address: number, fn: number, ok: boolean, latencyMs: number, attempts: number): void;
}

export interface AgLinkOptions {
  capacity: number;
  maxInFlight: number;
  staleAfterPeriods: number;
  syncAfterMisses: number;
  syncRetryMs: number;
  syncRetryMaxMs?: number;
  /** Relay commands (aglinkCommands.h): acknowledgement timeout (100) and retries (2). */
  ackTimeoutMs?: number;
  cmdRetries?: number;
}

/** mn_ag_receive's actions. */
export const AG_ACT_PLAIN = 0;
export const AG_ACT_DONE = 1;
export const AG_ACT_SECURED = 2;

/** Counter indexes (aglinkAnswers.h MN_AGC_*). */
export const AGC = {
  sent: 0, answered: 1, retried: 2, missed: 3, syncRequests: 4, stored: 5, badMac: 6, stale: 7, unsynced: 8, internal: 9,
  plain: 10, toJs: 11, syncEnofv: 12, inFlight: 13, refused: 14, skipped: 15, extended: 16,
  // the rare path (aglinkCommands.h MN_AGR_*), after them
  cmdQueued: 17, cmdDone: 18, cmdFailed: 19, cmdTimeout: 20, synced: 21, oldEpoch: 22, unmatchedAcks: 23, cmdEnofv: 24, count: 25,
} as const;

export interface NativeAgLink {
  add(address: number, fn: number, periodMs: number, priority: number, deadlineMs: number, retries: number, nowMs: number): number;
  /** Without a target: the link's own (remote frames and signed sync requests through setSend's function), and the commands' retries. */
  tick(nowMs: number, target?: AgTarget): void;
  pump(nowMs: number, target?: AgTarget): void;
  answer(address: number, fn: number, nowMs: number, target?: AgTarget): number;
  synced(address: number, nowMs: number, target?: AgTarget): void;
  /** Another protocol heard the meter (the OTA watch): its sync back-off starts over (aglinkSchedule.h mn_ag_reachable). */
  reachable(address: number): void;
  isStale(address: number, fn: number, nowMs: number): boolean;
  lastGoodMs(address: number, fn: number): number;
  setSend(send: ((id: number, remote: boolean, dlc: number, data: Uint8Array) => number) | null): void;
  /** AG_ACT_*; out (7) <- [verdict, fv, data32, v0..v3] when AG_ACT_SECURED. */
  receive(id: number, flags: number, dlc: number, payload: Uint8Array, nowMs: number, out: Float64Array): number;
  setSynced(address: number, synced: boolean): void;
  isSynced(address: number): boolean;
  badMacs(address: number): number;
  counters(out: Uint32Array): number;
  /** out (5 or 6) <- polls, answered, missed (every retry used, or skipped), readings, synced, refused sends. */
  meter(address: number, out: Uint32Array): void;
  /** Rows of meters with news (aglinkAnswers.h mn_ag_rows): 4 + 3 * fns.length numbers each. */
  rows(fns: Uint8Array, freshMask: number, changedMask: number, out: Float64Array): number;
  /** The latest answer's first 3 signals (aglinkAnswers.h mn_ag_latest) into out (3), the table unchanged: 1, 0 (NaN: not polled or never answered), -22. */
  latest(address: number, fn: number, out: Float64Array): number;
  stateBytes(): number;
  /** A relay command (mn_ag_command): 0 queued, -1 not synchronised, -16 one pending, -22. Retries with tick (no target). */
  command(address: number, code: number, tariff: number, arg: number, nowMs: number): number;
  commandPending(address: number): boolean;
  /** Tests of the fault campaign only: these verdicts count as OK (a receiver without those checks); [] restores. */
  acceptVerdicts(verdicts: number[]): void;
}

interface AglinkAddon {
  AgLink: new (secoc: NativeSecocNode, o: AgLinkOptions, nowMs: number) => NativeAgLink;
}

export function newAgLink(secoc: NativeSecocNode, o: AgLinkOptions, nowMs: number): NativeAgLink {
  return new (secocAddon() as unknown as AglinkAddon).AgLink(secoc, o, nowMs);
}
