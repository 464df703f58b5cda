// The clock contract on every implementation: the device's getTime() clock (with a
// stand-in getTime), the host's ManualClock, the protocol tests' StepClock, the host
// runtime's VirtualClock and RealClock, and the virtual CAN bus's scheduler clock.
import { clockContract } from "./clockContract.ts";
import { espruinoClock } from "../device/clock.ts";
import { ManualClock } from "../../../host/ports/clock.ts";
import { StepClock } from "../../can/testing/network.ts";
import { RealClock, VirtualClock } from "../../../host/runtime/clock.ts";
import { virtualBusPorts } from "../../../host/canbus/networkPorts.ts";
import { nodeAes } from "../../../host/ports/aes.ts";
import { MemoryKvStore } from "../../../host/ports/kvStore.ts";

// Espruino's getTime(): seconds since power-on, as a float.
let deviceS = 12.5;
(globalThis as unknown as { getTime: () => number }).getTime = () => deviceS;

clockContract("device espruinoClock (getTime)", () => ({ clock: espruinoClock(), advance: (ms) => void (deviceS += ms / 1000), exact: false }));
clockContract("host ManualClock", () => {
  const c = new ManualClock(5);
  return { clock: c, advance: (ms) => c.advance(ms), exact: true };
});
clockContract("protocol tests' StepClock", () => {
  const c = new StepClock();
  return { clock: c, advance: (ms) => void (c.t += ms), exact: true };
});
clockContract("host runtime VirtualClock", () => {
  const c = new VirtualClock(1000);
  return { clock: c, advance: (ms) => void c.advance(ms), exact: true };
});
clockContract("host runtime RealClock", () => ({ clock: new RealClock(), advance: (ms) => new Promise<void>((r) => setTimeout(r, ms)), exact: false }));
clockContract("virtual CAN bus clock (virtualBusPorts)", () => {
  const v = virtualBusPorts(nodeAes(), () => new MemoryKvStore(), () => undefined);
  return { clock: v.ports.clock, advance: (ms) => v.ports.advance(ms), exact: true };
});
