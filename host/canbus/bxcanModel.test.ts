import { test } from "node:test";
import assert from "node:assert/strict";
import { dataFrame, remoteFrame } from "../../modules/can/frame.ts";
import { CAN_ENETDOWN, CAN_OK, type CanState } from "../../modules/can/controller.ts";
import { VirtualCanBus, type BusTraceEvent } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import { BabblingNode } from "./babbler.ts";
import { runControllerContract } from "./controllerContract.ts";
import { frameLayout } from "./frameBits.ts";

runControllerContract("host bxCAN model", () => {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  return {
    ctl: new BxcanModel(bus, "dut"),
    peer: new BxcanModel(bus, "peer"),
    bitrate: 125000,
    settle: (ms: number) => {
      bus.scheduler.advanceBy(ms * 1000);
    },
  };
});

function setup(n: number, bitrate?: number) {
  const bus = new VirtualCanBus({ bitrate: bitrate !== undefined ? bitrate : 125000 });
  const nodes: BxcanModel[] = [];
  for (let i = 0; i < n; i++) {
    const c = new BxcanModel(bus, "n" + i);
    assert.equal(c.start(bus.bitrate), CAN_OK);
    c.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
    c.addFilter({ mode: "mask", extended: true, id: 0, mask: 0, fifo: 1 });
    nodes.push(c);
  }
  const trace: BusTraceEvent[] = [];
  bus.onTrace((e) => trace.push(e));
  bus.scheduler.advanceBy(200);
  return { bus, nodes, trace };
}


test("frames occupy the bus for their exact stuffed length at the bit rate", () => {
  const { bus, nodes, trace } = setup(2);
  const f = dataFrame(0x085, new Uint8Array(8).fill(0xaa));
  const t0 = bus.nowUs();
  nodes[0].send(f);
  bus.scheduler.runUntilIdle(10000);
  assert.equal(trace.length, 1);
  assert.equal(trace[0].startUs, t0);
  assert.equal(trace[0].endUs - trace[0].startUs, 111 * 8, "108 bits + 3 IFS at 8 us");
  const r = remoteFrame(0x000, 0);
  nodes[1].send(r);
  bus.scheduler.runUntilIdle(10000);
  assert.equal(trace[1].endUs - trace[1].startUs, frameLayout(r).slotBits * 8);
  assert.equal(trace[1].bits, 50);
});

test("arbitration: frames pending together go lowest identifier first across nodes; data beats remote", () => {
  const { bus, nodes, trace } = setup(4);
  nodes[0].send(dataFrame(0x300, new Uint8Array(1)));
  nodes[1].send(remoteFrame(0x100, 1));
  nodes[2].send(dataFrame(0x100 << 18, new Uint8Array(1), true));
  nodes[3].send(dataFrame(0x100, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(
    trace.map((e) => [e.from[0], e.frame.id, e.frame.rtr, e.frame.extended]),
    [
      ["n3", 0x100, false, false],
      ["n1", 0x100, true, false],
      ["n2", 0x100 << 18, false, true],
      ["n0", 0x300, false, false],
    ],
  );
  // back to back: each starts when the previous IFS ends
  for (let i = 1; i < trace.length; i++) assert.equal(trace[i].startUs, trace[i - 1].endUs);
});

test("mailbox priority inside one node: lowest identifier first, whatever the mailbox", () => {
  const { bus, nodes, trace } = setup(2);
  nodes[0].send(dataFrame(0x400, new Uint8Array(1)));
  nodes[0].send(dataFrame(0x050, new Uint8Array(1)));
  nodes[0].send(dataFrame(0x200, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(trace.map((e) => e.frame.id), [0x050, 0x200, 0x400]);
});

test("FIFO overrun: with RFLM=0 the last stored frame is overwritten and counted", () => {
  const { bus, nodes } = setup(2);
  const got: number[] = [];
  nodes[1].onFrame((f) => got.push(f.data[0]));
  nodes[1].setRxHold(true);
  for (let i = 0; i < 5; i++) {
    nodes[0].send(dataFrame(0x10, new Uint8Array([i])));
    bus.scheduler.runUntilIdle(100000);
  }
  assert.deepEqual(nodes[1].fifoLevels(), [3, 0]);
  assert.equal(nodes[1].counters().rxOverruns, 2);
  nodes[1].setRxHold(false);
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(got, [0, 1, 4], "frames 2 and 3 were overwritten by the newest");
  assert.equal(nodes[1].counters().rxFrames, 5);
});

test("two FIFOs fill independently", () => {
  const { bus, nodes } = setup(2);
  nodes[1].setRxHold(true);
  for (let i = 0; i < 4; i++) {
    nodes[0].send(dataFrame(0x10 + i, new Uint8Array([i]), i % 2 === 1));
    bus.scheduler.runUntilIdle(100000);
  }
  assert.deepEqual(nodes[1].fifoLevels(), [2, 2]);
  assert.equal(nodes[1].counters().rxOverruns, 0);
});

test("a lone transmitter gets ACK errors up to error-passive and stays there (ISO exception 1)", () => {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const a = new BxcanModel(bus, "alone");
  const states: CanState[] = [];
  a.onState((s) => states.push(s));
  a.start(125000);
  a.send(dataFrame(0x10, new Uint8Array(8)));
  bus.scheduler.advanceBy(200000);
  assert.equal(a.counters().tec, 128);
  assert.equal(a.state(), "error-passive");
  assert.deepEqual(states, ["error-active", "error-warning", "error-passive"]);
  assert.equal(a.pendingMailboxes(), 1, "automatic retransmission keeps trying");
  // A second node joining supplies the ACK: the frame goes and TEC starts to fall.
  const b = new BxcanModel(bus, "late");
  b.start(125000);
  bus.scheduler.advanceBy(5000);
  assert.equal(a.pendingMailboxes(), 0);
  assert.equal(a.counters().tec, 127);
  assert.equal(a.state(), "error-warning");
});

test("bit errors: error frame with flag and delimiter timing, TEC +8 / REC +1, then retransmission", () => {
  const { bus, nodes, trace } = setup(3);
  const f = dataFrame(0x085, new Uint8Array(8).fill(0xaa));
  bus.injectBitErrors({ count: 2, bitIndex: 40 });
  const got: number[] = [];
  nodes[1].onFrame(() => got.push(bus.nowUs()));
  nodes[0].send(f);
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(trace.map((e) => e.kind), ["error", "error", "frame"]);
  // bit 40 plus the 6-bit flag, the others' 6-bit flags, 8-bit delimiter and 3-bit IFS
  assert.equal(trace[0].endUs - trace[0].startUs, (41 + 12 + 8 + 3) * 8);
  assert.equal(trace[1].startUs, trace[0].endUs);
  assert.equal(trace[2].startUs, trace[1].endUs);
  assert.equal(got.length, 1);
  assert.equal(nodes[0].counters().tec, 15, "2 x 8 then -1 for the success");
  assert.equal(nodes[1].counters().rec, 1, "2 x 1 then -1 for the success");
  assert.equal(nodes[0].counters().txFrames, 1);
});

test("error counters: warning at 96, passive at 128, bus-off at 256, recovery after 128 x 11 recessive bits", () => {
  const { bus, nodes } = setup(2);
  const states: [CanState, number][] = [];
  nodes[0].onState((s, c) => states.push([s, c.tec]));
  bus.injectBitErrors({ count: 32, match: (_f, from) => from === "n0" });
  nodes[0].send(dataFrame(0x10, new Uint8Array(8)));
  bus.scheduler.advanceBy(50000);
  assert.deepEqual(states, [
    ["error-warning", 96],
    ["error-passive", 128],
    ["bus-off", 256],
    ["error-active", 0],
  ]);
  assert.equal(nodes[0].counters().busOffCount, 1);
  // The receiver counted 32 errors, then one good frame (the retransmission after recovery).
  assert.equal(nodes[1].counters().rec, 31);
  assert.equal(nodes[0].counters().txFrames, 1);
  assert.equal(nodes[0].counters().tec, 0);
});

test("bus-off on an idle bus recovers after exactly 128 x 11 bit times; send is refused meanwhile", () => {
  const { bus, nodes } = setup(2);
  let offAt = -1;
  let onAt = -1;
  nodes[0].onState((s) => {
    if (s === "bus-off") offAt = bus.nowUs();
    if (s === "error-active") onAt = bus.nowUs();
  });
  bus.injectBitErrors({ count: 32 });
  nodes[0].send(dataFrame(0x10, new Uint8Array(8)));
  bus.scheduler.advanceBy(30000);
  assert.ok(offAt > 0);
  assert.equal(nodes[0].send(dataFrame(0x11, new Uint8Array(1))), CAN_ENETDOWN);
  bus.scheduler.advanceBy(30000);
  assert.ok(onAt > offAt);
  // After the 12 bits of error flags come the 8-bit delimiter and IFS (the first 11 recessive
  // bits) and 127 more idle sequences: 12 + 128 x 11 bits at 8 us.
  assert.equal(onAt - offAt, (12 + 128 * 11) * 8);
  // The frame still in its mailbox goes out after recovery.
  bus.scheduler.advanceBy(5000);
  assert.equal(nodes[0].counters().txFrames, 1);
});

test("auto-reply: answer queued from the ISR lands on the wire right after the remote frame's IFS", () => {
  const { bus, nodes, trace } = setup(2);
  const answer = dataFrame(0x123, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  nodes[1].setAutoReply(answer, true);
  let appSaw = 0;
  nodes[1].onFrame(() => appSaw++);
  const got: number[] = [];
  nodes[0].onFrame((f) => got.push(f.id));
  const t0 = bus.nowUs();
  nodes[0].send(remoteFrame(0x123, 8));
  bus.scheduler.runUntilIdle(100000);
  assert.equal(appSaw, 0);
  assert.deepEqual(got, [0x123]);
  assert.equal(trace.length, 2);
  assert.equal(trace[1].startUs, trace[0].endUs, "no gap: ISR latency 4 us < 24 us IFS");
  const wire = (frameLayout(remoteFrame(0x123, 8)).slotBits + frameLayout(answer).slotBits) * 8;
  assert.equal(trace[1].endUs - t0, wire);
});

test("dropped frames: a receiver misses a frame with no error on the wire", () => {
  const { bus, nodes, trace } = setup(3);
  const got1: number[] = [];
  const got2: number[] = [];
  nodes[1].onFrame((f) => got1.push(f.id));
  nodes[2].onFrame((f) => got2.push(f.id));
  bus.dropFrames({ count: 1, receivers: ["n1"], match: (f) => f.id === 0x20 });
  nodes[0].send(dataFrame(0x20, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  nodes[0].send(dataFrame(0x20, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(got1, [0x20]);
  assert.deepEqual(got2, [0x20, 0x20]);
  assert.equal(trace.filter((e) => e.kind === "error").length, 0);
  assert.equal(bus.stats().framesDropped, 1);
});

test("a babbling node at id 0 starves others until it stops", () => {
  const { bus, nodes } = setup(2);
  const babbler = new BabblingNode(bus, { id: 0x000, untilUs: bus.nowUs() + 20000 });
  const got: number[] = [];
  nodes[1].onFrame((f, _fifo) => {
    if (f.id === 0x100) got.push(bus.nowUs());
  });
  const t0 = bus.nowUs();
  nodes[0].send(dataFrame(0x100, new Uint8Array(1)));
  bus.scheduler.advanceBy(30000);
  assert.equal(got.length, 1);
  assert.ok(got[0] >= t0 + 20000, "the 0x100 frame waited for the babbler");
  assert.ok(babbler.sent >= 20000 / (135 * 8), "babbler sent " + babbler.sent);
});

test("two nodes sending the same identifier with different data collide: error frames for both", () => {
  const { bus, nodes, trace } = setup(3);
  nodes[0].send(dataFrame(0x40, new Uint8Array([1])));
  nodes[1].send(dataFrame(0x40, new Uint8Array([2])));
  bus.scheduler.advanceBy(3000);
  assert.equal(trace[0].kind, "error");
  assert.equal(trace[0].errorKind, "collision");
  assert.ok(nodes[0].counters().tec >= 8 && nodes[1].counters().tec >= 8);
  // Identical frames from two nodes are one frame on the wire.
  const s = setup(3);
  s.nodes[0].send(dataFrame(0x40, new Uint8Array([7])));
  s.nodes[1].send(dataFrame(0x40, new Uint8Array([7])));
  s.bus.scheduler.runUntilIdle(10000);
  assert.equal(s.trace.length, 1);
  assert.equal(s.trace[0].kind, "frame");
  assert.deepEqual(s.trace[0].from, ["n0", "n1"]);
});

// issue 12, 3.3: ISO 11898-1 8.3.1 / 12.1.4: an error-passive node's error flag is
// passive (recessive) and does not destroy the frame of another node. Once both
// colliding senders are error-passive, the one that sent recessive where the other
// sent dominant loses alone and the other's frame goes through: the clash ends.
test("a collision between two error-passive senders resolves: the passive error flag leaves the dominant frame intact", () => {
  const { bus, nodes, trace } = setup(3);
  const got: number[] = [];
  nodes[2].onFrame((f) => got.push(f.data[0]));
  nodes[0].send(dataFrame(0x40, new Uint8Array([1]))); // dominant at the first differing data bit
  nodes[1].send(dataFrame(0x40, new Uint8Array([2]))); // recessive there
  bus.scheduler.advanceBy(100000);
  const errors = trace.filter((e) => e.kind === "error");
  // 16 collisions with active error flags bring both TECs to 128 (error-passive) ...
  assert.equal(errors.length, 16);
  assert.ok(errors.every((e) => e.errorKind === "collision"));
  // ... then n1's passive flag goes unseen: n0's frame is received, n1's follows alone.
  const frames = trace.filter((e) => e.kind === "frame");
  assert.deepEqual(frames.map((e) => e.from), [["n0"], ["n1"]]);
  assert.deepEqual(got, [1, 2]);
  assert.equal(nodes[0].counters().tec, 128 - 1);
  assert.equal(nodes[1].counters().tec, 128 + 8 - 1);
  assert.equal(nodes[0].stats().txErrors, 16);
  assert.equal(nodes[1].stats().txErrors, 17);
  assert.equal(frames[1].startUs - frames[0].endUs, 8 * 8, "n1 suspends transmission for 8 bits");
});

// With the recessive sender still error-active its active flag destroys the frame
// for all, even when the dominant sender is already error-passive.
test("a collision where the recessive sender is error-active still destroys the frame for all", () => {
  const { bus, nodes, trace } = setup(3);
  bus.injectBitErrors({ count: 17, match: (_f, from) => from === "n0" });
  nodes[0].send(dataFrame(0x10, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  assert.equal(nodes[0].state(), "error-passive");
  bus.scheduler.advanceBy(1000); // past n0's suspend transmission
  trace.length = 0;
  nodes[0].send(dataFrame(0x40, new Uint8Array([1]))); // passive, dominant
  nodes[1].send(dataFrame(0x40, new Uint8Array([2]))); // active, recessive
  bus.scheduler.advanceBy(3000);
  assert.equal(trace[0].kind, "error");
  assert.equal(trace[0].errorKind, "collision");
  assert.deepEqual(trace[0].from, ["n0", "n1"]);
});

test("an error-passive transmitter suspends transmission for 8 bits, letting another node in between", () => {
  const { bus, nodes, trace } = setup(3);
  bus.injectBitErrors({ count: 17, match: (_f, from) => from === "n0" });
  nodes[0].send(dataFrame(0x10, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  assert.equal(nodes[0].counters().tec, 17 * 8 - 1);
  assert.equal(nodes[0].state(), "error-passive");
  trace.length = 0;
  // n0 has two frames; n1's frame has a LOWER priority but gets the bus during n0's suspension.
  nodes[0].send(dataFrame(0x20, new Uint8Array(1)));
  nodes[0].send(dataFrame(0x21, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(trace.map((e) => e.frame.id), [0x20, 0x21]);
  assert.equal(trace[1].startUs - trace[0].endUs, 8 * 8, "8 bits of suspend transmission");
  bus.scheduler.advanceBy(1000);
  trace.length = 0;
  nodes[0].send(dataFrame(0x20, new Uint8Array(1)));
  nodes[0].send(dataFrame(0x21, new Uint8Array(1)));
  nodes[1].send(dataFrame(0x300, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(trace.map((e) => e.frame.id), [0x20, 0x300, 0x21]);
});

test("bus-off recovery on a busy bus: each frame of others is one 11-recessive-bit sequence", () => {
  const { bus, nodes } = setup(3);
  let offAt = -1;
  let onAt = -1;
  const payload = new Uint8Array(8).fill(0x55);
  let babbler: BabblingNode | undefined;
  nodes[0].onState((s) => {
    if (s === "bus-off") {
      offAt = bus.nowUs();
      babbler = new BabblingNode(bus, { id: 0x001, data: payload });
    }
    if (s === "error-active" && offAt >= 0) onAt = bus.nowUs();
  });
  bus.injectBitErrors({ count: 32, match: (_f, from) => from === "n0" });
  nodes[0].send(dataFrame(0x400, new Uint8Array(1)));
  bus.scheduler.advanceBy(300000);
  (babbler as BabblingNode).stop();
  assert.ok(offAt > 0 && onAt > 0);
  // The error frame's delimiter+IFS is sequence 1 (it ends 12+8+3 bits after detection);
  // each of the babbler's frames adds one: recovery when its 128th frame starts.
  const slotUs = frameLayout(dataFrame(0x001, payload)).slotBits * 8;
  assert.equal(onAt - offAt, 23 * 8 + 127 * slotUs);
  assert.ok((babbler as BabblingNode).sent >= 127);
});

test("a bit flipped at one receiver only: CRC error flagged after the ACK delimiter, form error for the rest, retransmission", () => {
  const { bus, nodes, trace } = setup(3);
  const f = dataFrame(0x085, new Uint8Array(8).fill(0xaa));
  bus.injectBitErrors({ count: 1, receiver: "n2" });
  const got1: number[] = [];
  const got2: number[] = [];
  nodes[1].onFrame(() => got1.push(bus.nowUs()));
  nodes[2].onFrame(() => got2.push(bus.nowUs()));
  nodes[0].send(f);
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(trace.map((e) => [e.kind, e.errorKind]), [["error", "crc"], ["frame", undefined]]);
  // 98 stuffed bits + CRC delimiter + ACK slot + ACK delimiter, then 12 flag + 8 delimiter + 3 IFS bits
  assert.equal(trace[0].endUs - trace[0].startUs, (98 + 3 + 12 + 8 + 3) * 8);
  assert.equal(got1.length, 1, "the frame is not valid for anybody until the retransmission");
  assert.equal(got2.length, 1);
  assert.equal(nodes[0].counters().tec, 7);
  assert.equal(nodes[1].counters().rec, 0);
  assert.equal(nodes[2].counters().rec, 0);
});

test("a frame queued while another node waits out its suspension starts at once", () => {
  const { bus, nodes, trace } = setup(3);
  bus.injectBitErrors({ count: 17, match: (_f, from) => from === "n0" });
  nodes[0].send(dataFrame(0x10, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  assert.equal(nodes[0].state(), "error-passive");
  trace.length = 0;
  let freeAt = -1;
  bus.onTrace((e) => {
    if (e.frame.id !== 0x20) return;
    freeAt = e.endUs;
    // 2 bits into n0's 8-bit suspension, n1 queues a lower-priority frame
    bus.scheduler.at(e.endUs + 16, () => nodes[1].send(dataFrame(0x300, new Uint8Array(1))));
  });
  nodes[0].send(dataFrame(0x20, new Uint8Array(1)));
  nodes[0].send(dataFrame(0x21, new Uint8Array(1)));
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(trace.map((e) => e.frame.id), [0x20, 0x300, 0x21]);
  assert.equal(trace[1].startUs, freeAt + 16);
});
