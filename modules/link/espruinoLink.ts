/**
 * One call per app: reads meternet.json, takes the CAN1 hook and the Espruino ports,
 * starts the link and makes it the global `meternet` (`meternet.status()` returns
 * plain data; the simulator reads it). Returns null,
 * after printing why, when the node has no CAN configuration or no CAN hook, so a
 * bundle without them (web tests, a bare board) still runs.
 */
import { SecuredCanController } from "../can/secured";
import { LinkCanController } from "./linkPort";
import { espruinoKvStore } from "../ports/device/kvStore";
import { KvStore } from "../ports/kvStore";
import { espruinoClock } from "../ports/device/clock";
import { readConfig, canHook, key16, MeterConfig, AggregatorConfig } from "./config";
import { MeterLink } from "./meterLink";
import { AggregatorLink, TICK_MS } from "./aggregatorLink";

// Espruino globals, declared here so the host typecheck (tsconfig.node.json) reads this file too.
declare const print: (text: string) => void;
declare const global: { [name: string]: unknown };

function start<T extends { status(): object }>(role: string, make: (cfg: unknown, can: SecuredCanController) => T): T | null {
  const c = readConfig(role);
  if (c.cfg === null) { print(c.why); return null; }
  try {
    const link = make(c.cfg, canHook() as SecuredCanController);
    global.meternet = link;
    return link;
  } catch (e) {
    print("CAN link: " + e);
    return null;
  }
}

/**
 * Re-arming the 7 polled answers encodes 7 messages in JavaScript (the controller signs
 * them in C); once a second (every 5th 10-cycle window) instead of every window keeps
 * that a small share of the CPU.
 */
const PUBLISH_EVERY = 5;

/**
 * The meter's link; `relay(closed)` drives the load relay. `store` keeps the freshness
 * state (the billing record on the FRAM, modules/persist; default: Storage files "mn.*").
 */
export function espruinoMeterLink(relay: (closed: boolean) => boolean, store?: KvStore, relayActual?: () => string, more?: () => object | null): MeterLink | null {
  return start("meter", function (x: unknown, can: SecuredCanController) {
    const cfg = x as MeterConfig;
    const clock = espruinoClock();
    return new MeterLink({
      can: can, address: cfg.address, key16: key16(cfg.keyHex, "keyHex"), store: store || espruinoKvStore("mn."), log: print, relay: relay, publishEvery: cfg.publishEvery || PUBLISH_EVERY,
      nowMs: function () { return clock.nowMs(); }, relayActual: relayActual, more: more,
    });
  });
}

/**
 * Its own function so the interval's closure holds only `link`: a closure keeps its
 * whole scope alive on Espruino, and the caller's holds meternet.json as parsed (11
 * JsVars a meter).
 */
function tickEvery(link: AggregatorLink): void {
  setInterval(function () { link.tick(); }, TICK_MS);
}

/**
 * The aggregator's link: the polls and answers run in C behind CAN1 (linkPort.ts); once
 * a second the meters with news arrive as rows at `onRows` (rowReadings.ts).
 */
export function espruinoAggregatorLink(onRows: (rows: Float64Array, n: number) => void): AggregatorLink | null {
  return start("aggregator", function (x: unknown, can: SecuredCanController) {
    const cfg = x as AggregatorConfig;
    const addresses = cfg.meters.map(function (m) { return m.address; });
    const link = new AggregatorLink({ can: can as LinkCanController, masterKey16: key16(cfg.masterKeyHex, "masterKeyHex"), addresses: addresses, store: espruinoKvStore("mn."), clock: espruinoClock(), log: print, onRows: onRows, cogenerators: cfg.cogenerators });
    if (link.started === 0) tickEvery(link);
    return link;
  });
}
