// The CAN controller a program gets as CAN1 in a simulated device shows
// every behaviour of the controller contract (host/canbus/controllerContract.ts),
// and a reset of the interpreter leaves the controller stopped and empty.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { VirtualCanBus, BxcanModel, runControllerContract } from "../canbus/index.ts";
import type { CanController } from "../../modules/can/controller.ts";
import { canHookFactory } from "./canHook.ts";
import { linkToClock } from "../canbus/clockLink.ts";

function device(clock: VirtualClock, bus: VirtualCanBus, name: string) {
  const model = new BxcanModel(bus, name);
  const hook = canHookFactory(model);
  const rt = new EspruinoRuntime({ clock, output: () => {}, globals: (r) => ({ CAN1: hook(r) }) });
  return { rt, model, can: () => rt.eval('CAN1') as CanController };
}

runControllerContract("CAN1 in a host runtime", () => {
  const clock = new VirtualClock();
  const bus = new VirtualCanBus({ bitrate: 125000 });
  linkToClock(bus.scheduler, clock);
  const a = device(clock, bus, "dut");
  const b = device(clock, bus, "peer");
  return {
    ctl: a.can(),
    peer: b.can(),
    bitrate: 125000,
    settle: (ms: number) => { clock.advance(ms); },
    close: async () => { await a.rt.dispose(); await b.rt.dispose(); },
  };
});

test("frames reach the program as its own realm's arrays, through its event handling", () => {
  const clock = new VirtualClock();
  const bus = new VirtualCanBus({ bitrate: 125000 });
  linkToClock(bus.scheduler, clock);
  const a = device(clock, bus, "a");
  const b = device(clock, bus, "b");
  a.rt.execute(`var got = []; var can = CAN1; can.start(125000);
    can.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
    can.onFrame(function (f) { got.push(f.id + ":" + (f.data instanceof Uint8Array) + ":" + f.data.join(",")); if (f.id === 0x7ff) throw new Error("handler"); });`);
  b.rt.execute(`var can = CAN1; can.start(125000);
    setTimeout(function () { can.send({ id: 0x123, extended: false, rtr: false, dlc: 3, data: new Uint8Array([1, 2, 3]) }); can.send({ id: 0x7ff, extended: false, rtr: false, dlc: 0, data: new Uint8Array(0) }); can.send({ id: 0x124, extended: false, rtr: false, dlc: 1, data: new Uint8Array([9]) }); }, 10);`);
  clock.advance(50);
  // Lowest identifier first (arbitration); a throwing handler is reported like any
  // uncaught error and the next frame still arrives.
  assert.deepEqual(JSON.parse(a.rt.eval("JSON.stringify(got)") as string), ["291:true:1,2,3", "292:true:9", "2047:true:"]);
});

test("reset() of the program stops the controller and clears its filters and auto-replies", () => {
  const clock = new VirtualClock();
  const bus = new VirtualCanBus({ bitrate: 125000 });
  linkToClock(bus.scheduler, clock);
  const a = device(clock, bus, "a");
  const b = device(clock, bus, "b");
  a.rt.execute(`var can = CAN1; can.start(125000);
    can.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
    can.setAutoReply({ id: 0x200, extended: false, rtr: false, dlc: 1, data: new Uint8Array([7]) }, false);`);
  b.rt.execute(`var got = []; var can = CAN1; can.start(125000);
    can.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
    can.onFrame(function (f) { if (!f.rtr) got.push(f.data[0]); });`);
  clock.advance(5);
  b.rt.eval(`can.send({ id: 0x200, extended: false, rtr: true, dlc: 1, data: new Uint8Array(0) })`);
  clock.advance(5);
  assert.equal(b.rt.eval("got.join()"), "7");
  a.rt.reset();
  clock.advance(5);
  assert.equal(a.model.state(), "stopped");
  a.rt.execute(`var can = CAN1; can.start(125000); can.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });`);
  const rxBefore = a.model.counters().rxFrames;
  b.rt.eval(`can.send({ id: 0x200, extended: false, rtr: true, dlc: 1, data: new Uint8Array(0) })`);
  clock.advance(5);
  assert.equal(b.rt.eval("got.join()"), "7", "the old auto-reply slot was cleared");
  assert.equal(a.model.counters().rxFrames, rxBefore + 1, "the remote frame reached the program instead");
});
