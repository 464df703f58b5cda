/**
 * The CanController contract's behaviours that one controller shows on its own: no
 * frame crosses a bus, no bus time passes, no callback is waited for. One source for
 * both runners, so that they cannot drift:
 *  - host/canbus/controllerContract.ts registers each check as a node:test case on
 *    every implementation (bxCAN model, SLCAN client, CAN1 in a host runtime,
 *    LoopbackNode, canDriver.c over the register fakes; the prelude's CAN1 stand-in);
 *  - modules/can/controller.kat.ts runs each in the selftest bundle on CAN1: the native
 *    hook on the device, test/realInterpreter/prelude.js's stand-in on Espruino's Linux
 *    interpreter, a BxcanModel in the host runtime.
 * The behaviours that need a second node (delivery through filters, auto-replies,
 * arbitration, mailboxes) stay in controllerContract.ts.
 *
 * Safe on a device on a live bus: every check starts from a stopped controller with
 * none of its filters or auto-reply slots and leaves it so, also when it fails (the
 * selftest goes on with other checks), and never sends a valid frame while started,
 * so nothing reaches the wire; being started at the bus's rate only acknowledges the
 * other nodes' frames. Device code (Espruino gate): it is part of the selftest bundle.
 */
import { CAN_EINVAL, CAN_ENETDOWN, CAN_ENOSPC, CAN_OK, type CanController, type CanFilter } from "../controller";
import { dataFrame, remoteFrame, type CanFrame } from "../frame";
import { expectEqual } from "../../selftest/katSuite";

/** bxCAN's filter banks of CAN1 (canDriver.c: banks 0..13; filterBanks.ts FILTER_BANKS). */
export const CONTROLLER_FILTER_BANKS = 14;
/** Auto-reply slots (canDriver.h MN_CAN_AUTOREPLY_SLOTS; the host controllers' SLOTS). */
export const CONTROLLER_AUTO_REPLY_SLOTS = 16;
/** A rate no divider of CAN1's 36 MHz clock gives exactly (canBitTiming.c: 0 ppm allowed). */
export const UNREACHABLE_BITRATE = 123457;

export interface SoloCheck {
  name: string;
  /** Needs bit timing: an untimed stand-in (LoopbackNode) accepts any positive rate. */
  timed: boolean;
  /** Throws an Error naming what differed. `bitrate` is the bus's rate. */
  run: (ctl: CanController, bitrate: number) => void;
}

export interface Case<T> {
  why: string;
  value: T;
}

function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = i + 1;
  return b;
}

/** Frames every implementation must refuse with CAN_EINVAL (frame.ts frameError; jswrap_can.c frame_from_js). */
export function malformedFrames(): Case<CanFrame>[] {
  return [
      { why: "standard id 0x800", value: dataFrame(0x800, bytes(1)) },
      { why: "extended id 0x20000000", value: dataFrame(0x20000000, bytes(1), true) },
      { why: "dlc 9", value: { id: 1, extended: false, rtr: false, dlc: 9, data: new Uint8Array(9) } },
      { why: "remote frame with a data byte", value: { id: 1, extended: false, rtr: true, dlc: 1, data: bytes(1) } },
      { why: "dlc 2 with one data byte", value: { id: 1, extended: false, rtr: false, dlc: 2, data: bytes(1) } },
    ];
  }

  /** Filters every implementation must refuse with CAN_EINVAL, even with banks free (filterBanks.ts filterError; canFilter.c). */
  export function malformedFilters(): Case<CanFilter>[] {
    return [
      { why: "mask filter id 0x800", value: { mode: "mask", extended: false, id: 0x800, mask: 0x7ff, fifo: 0 } },
      { why: "list filter without ids", value: { mode: "list", extended: false, ids: [], fifo: 0 } },
      { why: "list filter of 5 standard ids", value: { mode: "list", extended: false, ids: [1, 2, 3, 4, 5], fifo: 0 } },
      { why: "list filter of 3 extended ids", value: { mode: "list", extended: true, ids: [1, 2, 3], fifo: 0 } },
      { why: "FIFO 2", value: { mode: "mask", extended: false, id: 1, mask: 1, fifo: 2 as 0 } },
    ];
  }

  /** Frames an auto-reply slot must refuse with CAN_EINVAL: it answers with a standard data frame. */
  export function refusedAutoReplies(): Case<CanFrame>[] {
    return [
      { why: "remote frame", value: remoteFrame(0x222, 8) },
      { why: "extended frame", value: dataFrame(0x222, bytes(1), true) },
      { why: "standard id 0x922", value: dataFrame(0x922, bytes(1)) },
    ];
  }

  function probe(): CanFrame {
    return dataFrame(0x10, bytes(1));
  }

  function startAt(ctl: CanController, bitrate: number): void {
    expectEqual("start(" + bitrate + ")", ctl.start(bitrate), CAN_OK);
  }

  function oneIdList(id: number): CanFilter {
    return { mode: "list", extended: false, ids: [id], fifo: 0 };
  }

  /**
   * The checks, made when asked: a bundle holds nothing of them once they have run (a
   * top-level table would keep about 180 JsVars of names and closures for the bundle's life).
   */
  export function soloChecks(): SoloCheck[] {
    return [
    {
      name: "is stopped before start and refuses to send with CAN_ENETDOWN",
      timed: false,
      run: (ctl) => {
        expectEqual("state()", ctl.state(), "stopped");
        expectEqual("send while stopped", ctl.send(probe()), CAN_ENETDOWN);
      },
    },
    {
      name: "refuses rate 0 with CAN_EINVAL and stays stopped; at the bus rate it is error-active until stop",
      timed: false,
      run: (ctl, bitrate) => {
        try {
          expectEqual("start(0)", ctl.start(0), CAN_EINVAL);
          expectEqual("state() after a refused start", ctl.state(), "stopped");
          startAt(ctl, bitrate);
          expectEqual("state() after start", ctl.state(), "error-active");
        } finally {
          ctl.stop();
        }
        expectEqual("state() after stop", ctl.state(), "stopped");
      },
    },
    {
      name: "refuses a rate no clock divider gives exactly (" + UNREACHABLE_BITRATE + " bit/s) with CAN_EINVAL",
      timed: true,
      run: (ctl) => {
        try {
          expectEqual("start(" + UNREACHABLE_BITRATE + ")", ctl.start(UNREACHABLE_BITRATE), CAN_EINVAL);
        } finally {
          ctl.stop();
        }
        expectEqual("state()", ctl.state(), "stopped");
      },
    },
    {
      name: "rejects malformed frames with CAN_EINVAL and counts none as sent",
      timed: false,
      run: (ctl, bitrate) => {
        const before = ctl.counters().txFrames;
        const cases = malformedFrames();
        startAt(ctl, bitrate);
        try {
          for (let i = 0; i < cases.length; i++) expectEqual("send(" + cases[i].why + ")", ctl.send(cases[i].value), CAN_EINVAL);
        } finally {
          ctl.stop();
        }
        expectEqual("txFrames", ctl.counters().txFrames - before, 0);
      },
    },
    {
      name: "gives " + CONTROLLER_FILTER_BANKS + " banks, then CAN_ENOSPC; removeFilter frees its bank; malformed filters get CAN_EINVAL",
      timed: false,
      run: (ctl) => {
        const banks: number[] = [];
        const bad = malformedFilters();
        try {
          for (let i = 0; i < CONTROLLER_FILTER_BANKS; i++) {
            const b = ctl.addFilter(oneIdList(i));
            if (!(b >= 0) || banks.indexOf(b) >= 0) throw new Error("filter " + (i + 1) + " of " + CONTROLLER_FILTER_BANKS + ": bank " + b + " (banks so far " + banks.join(",") + ")");
            banks.push(b);
          }
          expectEqual("filter " + (CONTROLLER_FILTER_BANKS + 1), ctl.addFilter(oneIdList(99)), CAN_ENOSPC);
          ctl.removeFilter(banks[3]);
          for (let i = 0; i < bad.length; i++) expectEqual("addFilter(" + bad[i].why + ")", ctl.addFilter(bad[i].value), CAN_EINVAL);
          expectEqual("the freed bank", ctl.addFilter(oneIdList(99)), banks[3]);
        } finally {
          for (let i = 0; i < banks.length; i++) ctl.removeFilter(banks[i]);
        }
      },
    },
    {
      name: "auto-reply: standard data frames only, one slot per identifier, " + CONTROLLER_AUTO_REPLY_SLOTS + " slots, then CAN_ENOSPC; clearAutoReply frees its slot",
      timed: false,
      run: (ctl) => {
        const bad = refusedAutoReplies();
        const ids: number[] = [];
        try {
          for (let i = 0; i < bad.length; i++) expectEqual("setAutoReply(" + bad[i].why + ")", ctl.setAutoReply(bad[i].value, false), CAN_EINVAL);
          const slot = ctl.setAutoReply(dataFrame(0x321, bytes(3)), false);
          ids.push(0x321);
          if (!(slot >= 0)) throw new Error("setAutoReply(0x321): got " + slot + ", expected a slot");
          expectEqual("the same id again", ctl.setAutoReply(dataFrame(0x321, bytes(1)), true), slot);
          for (let i = 1; i < CONTROLLER_AUTO_REPLY_SLOTS; i++) {
            ids.push(0x400 + i);
            if (!(ctl.setAutoReply(dataFrame(0x400 + i, bytes(1)), false) >= 0)) throw new Error("slot " + (i + 1) + " of " + CONTROLLER_AUTO_REPLY_SLOTS + " refused");
          }
          expectEqual("one slot more", ctl.setAutoReply(dataFrame(0x500, bytes(1)), false), CAN_ENOSPC);
          ctl.clearAutoReply(0x321);
          expectEqual("the cleared slot", ctl.setAutoReply(dataFrame(0x500, bytes(1)), false), slot);
          ids.push(0x500);
        } finally {
          for (let i = 0; i < ids.length; i++) ctl.clearAutoReply(ids[i]);
        }
      },
    },
    {
      name: "stop makes it stopped and later sends get CAN_ENETDOWN",
      timed: false,
      run: (ctl, bitrate) => {
        startAt(ctl, bitrate);
        ctl.stop();
        expectEqual("state() after stop", ctl.state(), "stopped");
        expectEqual("send after stop", ctl.send(probe()), CAN_ENETDOWN);
      },
    },
  ];
}
