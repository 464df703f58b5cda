import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../runtime/clock.ts";
import { dataFrame } from "../../modules/can/frame.ts";
import { VirtualCanBus } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import { linkToClock } from "./clockLink.ts";

test("a runtime VirtualClock drives the bus: frames sent at clock time T arrive at T + wire time", () => {
  const clock = new VirtualClock();
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const link = linkToClock(bus.scheduler, clock);
  const a = new BxcanModel(bus, "a");
  const b = new BxcanModel(bus, "b");
  a.start(125000);
  b.start(125000);
  b.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
  const got: number[] = [];
  b.onFrame(() => got.push(clock.nowMs()));
  clock.advance(5);
  assert.equal(a.send(dataFrame(0x085, new Uint8Array(8).fill(0xaa))), 0);
  clock.advance(0.5);
  assert.equal(got.length, 0, "108 bits take 0.864 ms");
  clock.advance(10);
  assert.equal(got.length, 1);
  // valid at the end of EOF (108 bits = 864 us) plus the model's 5 us FIFO service
  assert.ok(Math.abs(got[0] - (5 + 0.864 + 0.005)) < 1e-9, "got " + got[0]);
  link.detach();
});
