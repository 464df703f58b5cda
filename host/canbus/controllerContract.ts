/**
 * The behaviours every CanController implementation must show (modules/can/controller.ts).
 * Runs on every implementation: the host bxCAN model (bxcanModel.test.ts), the SLCAN
 * client (slcanClient.test.ts), CAN1 in a host runtime (host/sim/canHook.test.ts), the
 * protocol tests' LoopbackNode (modules/can/testing/loopbackBus.test.ts), the device's C
 * driver over the register fakes (host/native/canDriver.test.ts) and the real
 * interpreter's stand-in, test/realInterpreter/prelude.js's CAN1 (preludeCan.test.ts,
 * alone); the table is in modules/ports/README.md.
 *
 * Two parts. What one controller shows alone (states, refused rates, frames, filters and
 * slots, bank and slot counts) is modules/can/testing/controllerChecks.ts `soloChecks`,
 * device code that the selftest bundle also runs on the device's CAN1
 * (modules/can/controller.kat.ts): on the device, on the real interpreter with the
 * prelude, in the host runtime. Each is registered here as one test, so the two runners
 * run the same checks and cannot drift. What needs a second node (delivery through
 * filters, auto-replies answered, mailboxes, arbitration, onState reports) is below.
 *
 * A harness gives the controller under test, a peer controller on the same bus (used to
 * send to the controller and to observe what it sends) and a way to let bus time pass.
 * Assertions avoid instants: they only depend on what has happened after settle().
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dataFrame, remoteFrame, type CanFrame } from "../../modules/can/frame.ts";
import { CAN_EBUSY, CAN_ENETDOWN, CAN_OK, type CanController, type CanState } from "../../modules/can/controller.ts";
import { soloChecks } from "../../modules/can/testing/controllerChecks.ts";

export interface ContractHarness {
  /** The controller under test, not started, with no filters. */
  ctl: CanController;
  /** Another controller on the same bus, not started. */
  peer: CanController;
  /** The bus bit rate both must be started at. */
  bitrate: number;
  /** Lets `ms` of bus time pass (simulated or real). */
  settle(ms: number): void | Promise<void>;
  close?(): void | Promise<void>;
}

export interface ContractOptions {
  /**
   * false for an untimed stand-in (LoopbackNode): it has no transmit mailboxes and no bit
   * timing, so the mailbox and arbitration-order checks are skipped (reported as skipped)
   * and an unreachable bit rate is not required to be refused.
   */
  timed?: boolean;
}

export type HarnessFactory = () => ContractHarness | Promise<ContractHarness>;

interface Rx {
  frame: CanFrame;
  fifo: number;
}

function collect(c: CanController): Rx[] {
  const out: Rx[] = [];
  c.onFrame((frame, fifo) => out.push({ frame: frame, fifo: fifo }));
  return out;
}

function acceptAll(c: CanController): void {
  assert.ok(c.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 }) >= 0);
  assert.ok(c.addFilter({ mode: "mask", extended: true, id: 0, mask: 0, fifo: 0 }) >= 0);
}

function bytes(...v: number[]): Uint8Array {
  return new Uint8Array(v);
}

function sameFrame(a: CanFrame, b: CanFrame): void {
  assert.equal(a.id, b.id);
  assert.equal(a.extended, b.extended);
  assert.equal(a.rtr, b.rtr);
  assert.equal(a.dlc, b.dlc);
  assert.deepEqual(Array.prototype.slice.call(a.data), Array.prototype.slice.call(b.data));
}

/** A controller alone (no peer needed): what the solo checks take. */
export interface SoloHarness {
  /** Not started, with no filters and no auto-reply slots. */
  ctl: CanController;
  bitrate: number;
  close?(): void | Promise<void>;
}

/**
 * Registers controllerChecks.ts's solo checks (node:test), one test each, for one
 * implementation; runControllerContract calls it, and an implementation with no second
 * node to talk to (the prelude's CAN1 stand-in) calls it alone.
 */
export function runSoloChecks(name: string, factory: () => SoloHarness | Promise<SoloHarness>, options: ContractOptions = {}): void {
  const untimed = options.timed === false ? "untimed stand-in: any positive rate" : false;
  describe("CanController contract, one controller alone (controllerChecks.ts): " + name, () => {
    for (const check of soloChecks()) {
      it(check.name, { skip: check.timed && untimed }, async () => {
        const h = await factory();
        try {
          check.run(h.ctl, h.bitrate);
        } finally {
          if (h.close) await h.close();
        }
      });
    }
  });
}

/** Registers the contract tests (node:test) for one implementation: the solo checks, then those with a peer. */
export function runControllerContract(name: string, factory: HarnessFactory, options: ContractOptions = {}): void {
  const untimed = options.timed === false ? "untimed stand-in: no transmit mailboxes, no arbitration" : false;
  async function withHarness(fn: (h: ContractHarness) => Promise<void> | void): Promise<void> {
    const h = await factory();
    try {
      await fn(h);
    } finally {
      if (h.close) await h.close();
    }
  }

  async function started(h: ContractHarness): Promise<void> {
    assert.equal(h.ctl.start(h.bitrate), CAN_OK);
    assert.equal(h.peer.start(h.bitrate), CAN_OK);
    acceptAll(h.peer);
    await h.settle(1);
  }

  runSoloChecks(name, factory, options);

  describe("CanController contract, with a peer on the bus: " + name, () => {
    // On the device, onState is called from the main loop after the call returns (an event
    // of jswrap_can.c), so the selftest's synchronous checks leave it out.
    it("reports start and stop to onState, and nothing for a refused start", () =>
      withHarness(async (h) => {
        const states: CanState[] = [];
        h.ctl.onState((s) => states.push(s));
        h.ctl.start(0); // refused: no change to report
        assert.equal(h.ctl.start(h.bitrate), CAN_OK);
        h.ctl.stop();
        await h.settle(1);
        assert.deepEqual(states, ["error-active", "stopped"]);
      }));

    it("has three transmit mailboxes: a fourth pending frame gets CAN_EBUSY", { skip: untimed }, () =>
      withHarness(async (h) => {
        await started(h);
        const rx = collect(h.peer);
        assert.equal(h.ctl.send(dataFrame(0x301, bytes(1))), CAN_OK);
        assert.equal(h.ctl.send(dataFrame(0x302, bytes(2))), CAN_OK);
        assert.equal(h.ctl.send(dataFrame(0x303, bytes(3))), CAN_OK);
        assert.equal(h.ctl.send(dataFrame(0x304, bytes(4))), CAN_EBUSY);
        await h.settle(5);
        assert.deepEqual(rx.map((r) => r.frame.id), [0x301, 0x302, 0x303]);
        assert.equal(h.ctl.counters().txFrames, 3);
        assert.equal(h.ctl.send(dataFrame(0x304, bytes(4))), CAN_OK);
      }));

    it("serves pending mailboxes lowest identifier first", { skip: untimed }, () =>
      withHarness(async (h) => {
        await started(h);
        acceptAll(h.ctl);
        const rxPeer = collect(h.peer);
        const rxCtl = collect(h.ctl);
        // The peer keeps the bus busy (three 8-byte frames, about 3 ms at 125 kbit/s) so that
        // all three frames below are pending together when the bus becomes free.
        for (let i = 1; i <= 3; i++) h.peer.send(dataFrame(i, new Uint8Array(8)));
        h.ctl.send(dataFrame(0x300, bytes(3)));
        h.ctl.send(dataFrame(0x200, bytes(2)));
        h.ctl.send(dataFrame(0x100, bytes(1)));
        await h.settle(8);
        assert.deepEqual(rxCtl.map((r) => r.frame.id), [1, 2, 3]);
        assert.deepEqual(rxPeer.map((r) => r.frame.id), [0x100, 0x200, 0x300]);
      }));

    it("delivers nothing without a filter, and only what a mask filter accepts, to its FIFO", () =>
      withHarness(async (h) => {
        await started(h);
        const rx = collect(h.ctl);
        h.peer.send(dataFrame(0x123, bytes(1)));
        await h.settle(3);
        assert.equal(rx.length, 0);
        assert.ok(h.ctl.addFilter({ mode: "mask", extended: false, id: 0x122, mask: 0x7fe, fifo: 1 }) >= 0);
        h.peer.send(dataFrame(0x123, bytes(2)));
        h.peer.send(dataFrame(0x124, bytes(3)));
        h.peer.send(dataFrame(0x122, bytes(4)));
        await h.settle(5);
        // Order is the bus's business (0x123 may already be on the wire): compare as a set.
        assert.deepEqual(rx.map((r) => [r.frame.id, r.fifo]).sort((p, q) => p[0] - q[0]), [[0x122, 1], [0x123, 1]]);
      }));

    it("list filters accept exactly their identifiers; rtr and extended must match", () =>
      withHarness(async (h) => {
        await started(h);
        const rx = collect(h.ctl);
        assert.ok(h.ctl.addFilter({ mode: "list", extended: false, ids: [0x200, 0x201], fifo: 0 }) >= 0);
        assert.ok(h.ctl.addFilter({ mode: "mask", extended: true, id: 0x1000, mask: 0x1ffff000, rtr: true, fifo: 1 }) >= 0);
        h.peer.send(dataFrame(0x201, bytes(1)));
        h.peer.send(dataFrame(0x202, bytes(1)));
        h.peer.send(dataFrame(0x201, bytes(1), true)); // extended 0x201: no extended list
        await h.settle(5);
        h.peer.send(remoteFrame(0x1234, 2, true));
        h.peer.send(dataFrame(0x1235, bytes(1), true)); // data frame: the bank wants remote frames
        h.peer.send(remoteFrame(0x2234, 2, true));
        await h.settle(5);
        assert.deepEqual(rx.map((r) => [r.frame.id, r.frame.extended, r.frame.rtr, r.fifo]), [
          [0x201, false, false, 0],
          [0x1234, true, true, 1],
        ]);
      }));

    it("removeFilter stops delivery", () =>
      withHarness(async (h) => {
        await started(h);
        const rx = collect(h.ctl);
        const bank = h.ctl.addFilter({ mode: "list", extended: false, ids: [0x55], fifo: 0 });
        h.peer.send(dataFrame(0x55, bytes(1)));
        await h.settle(3);
        h.ctl.removeFilter(bank);
        h.peer.send(dataFrame(0x55, bytes(2)));
        await h.settle(3);
        assert.equal(rx.length, 1);
      }));

    it("keeps identifier, extended and remote flags and data of received frames", () =>
      withHarness(async (h) => {
        await started(h);
        acceptAll(h.ctl);
        const rx = collect(h.ctl);
        const frames = [
          dataFrame(0x7ff, bytes(1, 2, 3, 4, 5, 6, 7, 8)),
          dataFrame(0x1fffffff, bytes(0xde, 0xad), true),
          remoteFrame(0x0, 8),
          remoteFrame(0x1abcdef0, 3, true),
          dataFrame(0x10, new Uint8Array(0)),
        ];
        for (const f of frames) {
          assert.equal(h.peer.send(f), CAN_OK);
          await h.settle(3);
        }
        assert.equal(rx.length, frames.length);
        for (let i = 0; i < frames.length; i++) sameFrame(rx[i].frame, frames[i]);
        assert.equal(h.ctl.counters().rxFrames, frames.length);
        assert.equal(h.peer.counters().txFrames, frames.length);
      }));

    it("auto-reply answers a remote frame without the application, every time until replaced or cleared", () =>
      withHarness(async (h) => {
        await started(h);
        acceptAll(h.ctl);
        const rxCtl = collect(h.ctl);
        const rxPeer = collect(h.peer);
        const slot = h.ctl.setAutoReply(dataFrame(0x321, bytes(9, 8, 7)), false);
        assert.ok(slot >= 0);
        h.peer.send(remoteFrame(0x321, 3));
        await h.settle(3);
        h.peer.send(remoteFrame(0x321, 3));
        await h.settle(3);
        assert.equal(rxCtl.length, 0, "the application must not see an answered remote frame");
        assert.equal(rxPeer.length, 2);
        sameFrame(rxPeer[0].frame, dataFrame(0x321, bytes(9, 8, 7)));
        assert.equal(h.ctl.counters().autoReplies, 2);
        assert.equal(h.ctl.setAutoReply(dataFrame(0x321, bytes(1)), false), slot, "same id reuses its slot");
        h.peer.send(remoteFrame(0x321, 1));
        await h.settle(3);
        sameFrame(rxPeer[2].frame, dataFrame(0x321, bytes(1)));
        h.ctl.clearAutoReply(0x321);
        h.peer.send(remoteFrame(0x321, 1));
        await h.settle(3);
        assert.equal(rxPeer.length, 3);
        assert.equal(rxCtl.length, 1);
        assert.equal(rxCtl[0].frame.rtr, true);
      }));

    it("a once slot answers one remote frame only", () =>
      withHarness(async (h) => {
        await started(h);
        acceptAll(h.ctl);
        const rxCtl = collect(h.ctl);
        const rxPeer = collect(h.peer);
        assert.ok(h.ctl.setAutoReply(dataFrame(0x222, bytes(1, 2, 3, 4, 5, 6, 7, 8)), true) >= 0);
        h.peer.send(remoteFrame(0x222, 8));
        await h.settle(3);
        h.peer.send(remoteFrame(0x222, 8));
        await h.settle(3);
        assert.equal(rxPeer.length, 1);
        assert.equal(rxCtl.length, 1, "the second remote frame goes to the application");
        assert.equal(h.ctl.counters().autoReplies, 1);
      }));

    it("stop aborts pending frames and later sends get CAN_ENETDOWN", () =>
      withHarness(async (h) => {
        await started(h);
        const rx = collect(h.peer);
        h.ctl.stop();
        assert.equal(h.ctl.send(dataFrame(0x10, bytes(1))), CAN_ENETDOWN);
        await h.settle(3);
        assert.equal(rx.length, 0);
      }));
  });
}
