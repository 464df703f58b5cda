/**
 * A SecuredCanController whose native part costs nothing: what JavaScript pays per
 * answer on Espruino once SecOC runs in C (the C itself is measured by
 * bench/can/cortexM). Counts FVs as the C does, keeps no MACs.
 */
import { SecuredCanController } from "../../../modules/can/secured";
import { CanFrame } from "../../../modules/can/frame";

export function stubCan(): SecuredCanController {
  let fv = 0;
  let epoch = -1;
  const none = function () {};
  return {
    start: function () { return 0; }, stop: none, send: function (f: CanFrame) { return f.id >= 0 ? 0 : -22; },
    addFilter: function () { return 0; }, removeFilter: none, setAutoReply: function () { return 0; }, clearAutoReply: none,
    onFrame: none, onState: none, state: function () { return "error-active"; },
    counters: function () { return { tec: 0, rec: 0, txFrames: 0, rxFrames: 0, rxOverruns: 0, autoReplies: 0, busOffCount: 0 }; },
    secocInit: function () { return 0; }, secocKey: function () { return 0; },
    secocEpoch: function (e: number) { epoch = e; fv = 0; }, secocRx: none, secocSyncLast: none,
    secocSend: function () { return epoch * 65536 + fv++; },
    secocAutoReply: function () { return epoch * 65536 + fv++; },
    secocCodec: function () { return 0; },
    secocPublish: function () { fv += 7; return 7; },
    onSecured: none,
  };
}

export function memoryStore(): { get(k: string): string | undefined; set(k: string, v: string): boolean } {
  const d: { [k: string]: string } = {};
  return { get: function (k: string) { return d[k]; }, set: function (k: string, v: string) { d[k] = v; return true; } };
}
