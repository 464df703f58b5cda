/**
 * The device composition of the CAN link: the link's modules over the Espruino ports of
 * modules/ports/device (CAN1, Storage, the console, getTime). This file names no
 * Espruino global itself. Each start makes the link the console's `meternet`
 * (`meternet.status()` returns plain data; the simulator reads it) and returns null,
 * after printing why, when the node has no CAN configuration or no CAN hook, so a
 * bundle without them (web tests, a bare board) still runs.
 */
import { SecuredCanController } from "../can/secured";
import { LinkCanController } from "./linkPort";
import { espruinoKvStore } from "../ports/device/kvStore";
import { KvStore } from "../ports/kvStore";
import { espruinoNowMs } from "../ports/device/clock";
import { deviceCan } from "../ports/device/can";
import { deviceLog, exposeGlobal } from "../ports/device/console";
import { readJsonFile } from "../ports/device/configFile";
import { key16, MeterConfig, AggregatorConfig, CONFIG_FILE } from "./config";
import { MeterLink } from "./meterLink";
import { AggregatorLink } from "./aggregatorLink";

function start<T extends { status(): object }>(make: (can: SecuredCanController) => T): T | null {
  try {
    const link = make(deviceCan());
    exposeGlobal("meternet", link);
    return link;
  } catch (e) {
    deviceLog("CAN link: " + e);
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
 * The meter's link for `cfg` (modules/link/config.ts meterConfigOf: validated before
 * anything is installed; a string is why there is no link, printed); `relay(closed)`
 * drives the load relay. `store` keeps the freshness state (the billing record on the
 * FRAM, modules/persist; without one, Storage files "mn.*": espruinoKvStore("mn."), made
 * by the caller, so that the meter's bundle makes that store in one place).
 */
export function espruinoMeterLink(cfg: MeterConfig | string, relay: (closed: boolean) => boolean, store: KvStore, relayActual?: () => string, more?: () => object | null): MeterLink | null {
  if (typeof cfg === "string") { deviceLog(cfg); return null; }
  return start(function (can: SecuredCanController) {
    return new MeterLink({
      can: can, address: cfg.address, key16: /*@__INLINE__*/ key16(cfg.keyHex, "keyHex"), store: store, log: deviceLog, relay: relay, publishEvery: cfg.publishEvery || PUBLISH_EVERY,
      nowMs: espruinoNowMs, relayActual: relayActual, more: more,
    });
  });
}

/**
 * The aggregator's link (meternet.json read here: the aggregator reads it nowhere else):
 * the polls and answers run in C behind CAN1 (linkPort.ts); the caller ticks it every
 * TICK_MS when it started (`started === 0`: app/aggregator/main.ts, in the aggregator's own
 * once-a-second tick: one timer instead of two, about 16 JsVars, and re-armed first like
 * that one, so an out-of-memory interrupt cannot stop it as it removes a setInterval), and
 * the meters with news arrive as rows at `onRows` (rowReadings.ts). It polls `polled`, the
 * registry's addresses (the one meter list: modules/aggregator/meterList.ts); a
 * "meters" list in meternet.json (its older form) is not read.
 */
export function espruinoAggregatorLink(onRows: (rows: Float64Array, n: number) => void, polled: Uint8Array): AggregatorLink | null {
  const cfg = readJsonFile(CONFIG_FILE) as AggregatorConfig | undefined;
  if (!cfg || cfg.role !== "aggregator") { deviceLog("CAN link off: no aggregator in " + CONFIG_FILE); return null; }
  return start(function (can: SecuredCanController) {
    const addresses: number[] = [];
    for (let i = 0; i < polled.length; i++) addresses.push(polled[i]);
    return new AggregatorLink({ can: can as LinkCanController, masterKey16: key16(cfg.masterKeyHex, "masterKeyHex"), addresses: addresses, store: espruinoKvStore("mn."), log: deviceLog, onRows: onRows, cogenerators: cfg.cogenerators });
  });
}
