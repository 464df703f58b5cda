/**
 * What the simulator writes into each device's Storage before its bundle runs:
 * "meternet.json" (modules/link/config.ts: the CAN role, address and key material)
 * and, for the aggregator, the site file aggFile() (app/aggregator/main.ts: web port and
 * site), which host/cli/uploadMeters.ts splits as the upload does: agg.json without the
 * meters into Storage, the meter list onto the NOR.
 */
import type { Aes128 } from "../../modules/ports/aes.ts";
import { meterKey } from "../../modules/can/kdf.ts";
import { toHex } from "../../modules/can/hex.ts";
import type { AggregatorConfig, MeterConfig } from "../../modules/link/config.ts";
import type { Appliance } from "./appliances.ts";

export interface SimMeter {
  address: number;
  appliance: Appliance;
  household: string;
  hasRelay: boolean;
}

/** Meters 1..n, households of four (one of each appliance). */
export function simMeters(appliances: Appliance[]): SimMeter[] {
  return appliances.map((a, i) => ({
    address: i + 1,
    appliance: a,
    household: "house " + (Math.floor(i / 4) + 1),
    hasRelay: a.kind === "washing-machine" || a.kind === "heater",
  }));
}

/** publishEvery 5: answers re-armed once a second, which the 1 s poll plan needs (and a 5x cheaper simulation). */
export function meterConfig(aes: Aes128, master: Uint8Array, m: SimMeter): MeterConfig {
  return { role: "meter", address: m.address, keyHex: toHex(meterKey(aes, master, m.address)), name: m.appliance.name, publishEvery: 5 };
}

/** meternet.json of the aggregator: the key and the co-generators; the meters it polls are agg.json's site's (the NOR list). */
export function aggregatorConfig(master: Uint8Array, cogenerators: number[]): AggregatorConfig {
  return { role: "aggregator", masterKeyHex: toHex(master), cogenerators };
}

/**
 * The site file (agg.json's form, meters included): public read-only dashboard on device port 80; a contracted power of 3 kW
 * per household, so a heater and a heating washing machine together trip shedding
 * (relay loads, lowest priority first: the washing machine is deferrable); the
 * administrator login when given; meters offline after `offlineAfterMisses` missed polls.
 */
export function aggFile(meters: SimMeter[], auth?: object, offlineAfterMisses?: number): object {
  const households = Math.ceil(meters.length / 4);
  return {
    port: 80,
    publicRead: true,
    auth,
    site: {
      maxMeters: Math.max(8, meters.length),
      tz: { stdOffsetS: 3600, euDst: true },
      importAdderMc: 12000,
      exportTariffMc: 5000,
      defaultPriceMc: 10000,
      limitW: 3000 * households,
      holdS: 300,
      hysteresisPct: 10,
      maxSwitchesPerHour: 4,
      offlineAfterMisses: offlineAfterMisses ?? 3,
      saveIntervalS: 900,
      meters: meters.map((m) => ({
        address: m.address, name: m.appliance.name, household: m.household, keyId: m.address, hasRelay: m.hasRelay,
        priority: m.appliance.kind === "washing-machine" ? 1 : m.appliance.kind === "heater" ? 2 : 9,
      })),
    },
  };
}
