import { test } from "node:test";
import assert from "node:assert/strict";
import { dataFrame, remoteFrame } from "../../modules/can/frame.ts";
import { VirtualCanBus } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import { formatFrame, parseCommand, SlcanLineSplitter } from "./slcanCodec.ts";
import { SlcanEndpoint } from "./slcanEndpoint.ts";

test("formats t/T/r/R lines as Lawicel and python-can write them", () => {
  assert.equal(formatFrame(dataFrame(0x12, new Uint8Array([0xab, 1]))), "t0122AB01\r");
  assert.equal(formatFrame(dataFrame(0x1abcdef, new Uint8Array(0), true)), "T01ABCDEF0\r");
  assert.equal(formatFrame(remoteFrame(0x7ff, 8)), "r7FF8\r");
  assert.equal(formatFrame(remoteFrame(0x1fffffff, 3, true)), "R1FFFFFFF3\r");
});

test("parses frames and commands, and rejects malformed lines with a reason", () => {
  const p = parseCommand("t0122AB01");
  assert.ok(p.ok && p.cmd.kind === "frame");
  if (p.ok && p.cmd.kind === "frame") assert.deepEqual([p.cmd.frame.id, p.cmd.frame.dlc, Array.from(p.cmd.frame.data)], [0x12, 2, [0xab, 1]]);
  const r = parseCommand("R1FFFFFFF3");
  assert.ok(r.ok && r.cmd.kind === "frame" && r.cmd.frame.rtr && r.cmd.frame.extended && r.cmd.frame.dlc === 3);
  assert.deepEqual(parseCommand("S4"), { ok: true, cmd: { kind: "bitrate", bitrate: 125000 } });
  assert.deepEqual(parseCommand("O"), { ok: true, cmd: { kind: "open", listenOnly: false } });
  for (const bad of ["t8001AA", "t0129", "t0122AB", "t01G1AA", "T2000000010", "S9", "X", "r12381", "O1", "t0122AB0102"]) {
    const b = parseCommand(bad);
    assert.equal(b.ok, false, bad + " must be rejected");
  }
});

test("line splitter handles chunks split anywhere, BEL answers, and discards a whole over-long line", () => {
  const s = new SlcanLineSplitter();
  const got: string[] = [];
  const discarded: number[] = [];
  for (const ch of ["t12", "31AA\rz", "\r\x07", "x".repeat(100), "\rV1013\r", "y".repeat(64), "\r"])
    s.push(ch, (l, t) => got.push(l + (t === "\x07" ? "<BEL>" : "")), (n) => discarded.push(n));
  assert.deepEqual(got, ["t1231AA", "z", "<BEL>", "V1013", "y".repeat(64)]);
  assert.deepEqual(discarded, [100]);
  assert.equal(s.discardedLines, 1);
});

// issue 12, 3.1: the 65th character emptied the buffer and the rest of the
// line ran as a command: 65 junk characters then "t1231AA" put a frame on the bus.
test("endpoint: a line longer than the buffer is discarded whole, answered with BEL and counted", () => {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const out: string[] = [];
  const ep = new SlcanEndpoint(bus, "ep", (s) => out.push(s));
  const peer = new BxcanModel(bus, "peer");
  peer.start(125000);
  peer.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
  const rx: number[] = [];
  peer.onFrame((f) => rx.push(f.id));
  ep.receive("S4\rO\r");
  out.length = 0;
  ep.receive("J".repeat(65) + "t1231AA\r");
  ep.receive("x".repeat(30));
  ep.receive("x".repeat(30) + "t4561BB" + "\rt7891CC\r"); // split across chunks, then a good line
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(rx, [0x789], "only the well-formed frame reaches the bus");
  assert.deepEqual(out, ["\x07", "\x07", "z\r"]);
  const st = ep.stats();
  assert.equal(st.overlongLines, 2);
  assert.equal(st.errors, 2);
  assert.match(st.lastError, /longer than 64 characters/);
  assert.equal(st.framesFromHost, 1);
});

test("endpoint: answers \\r or BEL as Lawicel says, refuses frames while closed and a wrong bit rate", () => {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const out: string[] = [];
  const ep = new SlcanEndpoint(bus, "ep", (s) => out.push(s));
  const peer = new BxcanModel(bus, "peer");
  peer.start(125000);
  peer.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
  const rx: number[] = [];
  peer.onFrame((f) => rx.push(f.id));
  ep.receive("t1231AA\r");
  ep.receive("S6\rO\r");
  ep.receive("S4\rO\rO\rV\rN\rF\r");
  assert.deepEqual(out, ["\x07", "\r", "\x07", "\r", "\r", "\x07", "V1013\r", "NVBUS\r", "F00\r"]);
  out.length = 0;
  ep.receive("t1231AA\rt1241BB\rt1251CC\rt1261DD\r");
  assert.deepEqual(out, ["z\r", "z\r", "z\r", "z\r"]);
  bus.scheduler.runUntilIdle(100000);
  assert.deepEqual(rx, [0x123, 0x124, 0x125, 0x126], "the fourth waited in the endpoint's queue");
  peer.send(dataFrame(0x77, new Uint8Array([5])));
  bus.scheduler.runUntilIdle(100000);
  assert.equal(out[out.length - 1], "t077105\r");
  assert.equal(ep.stats().errors, 3);
});
