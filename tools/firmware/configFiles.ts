/**
 * The configuration files each role keeps, counted by the build (build/report.json
 * `config`, written by tools/build/reportPlugin.js) against the flash map's configuration
 * slot (package.json meternet.budgets.storage.<role>.config, one Storage file with its
 * header: flashMap.ts storedFileBytes).
 *
 * What is counted is what the simulator and `npm run upload` write (host/sim/nodeConfig.ts,
 * host/cli/uploadMeters.ts: meternet.json with the master key, agg.json with the site's
 * settings and an administrator login), for the aggregator at 8 meters (the simulator's
 * default site) and at 64 (the identifier plan's maximum, issue 16), and the meter's own
 * meternet.json. The aggregator's meter list is not in Storage: it is the NOR's "meters"
 * sector (modules/aggregator/meterList.ts, 48 B a meter), counted apart (`norBytes`), so
 * the files in Storage are the same size at any meter count (boards/STM32F107/README.md
 * "Configuration at 64 meters"). Over its slot, the build warns.
 */
import { aggFile, aggregatorConfig, type SimMeter } from "../../host/sim/nodeConfig.ts";
import { siteUpload } from "../../host/cli/uploadMeters.ts";
import { applianceFor } from "../../host/sim/appliances.ts";
import { storedFileBytes, budgets, type Role } from "./flashMap.ts";

/** A login as agg.json carries it (modules/http/authState.ts AuthConfig): a 16-byte salt and a SHA-256, in hex. */
const LOGIN = { user: "admin", saltHex: "0".repeat(32), hashHex: "0".repeat(64), iterations: 2000, sessionS: 3600, maxFailures: 5, lockS: 300 };
const MASTER = new Uint8Array(16);

/** The simulator's n meters (addresses 1..n, 0..63 at 64 as the JsVar scenarios number them). */
export function configMeters(n: number): SimMeter[] {
  const meters: SimMeter[] = [];
  for (let i = 0; i < n; i++) {
    const appliance = applianceFor(i, 1);
    meters.push({
      address: n >= 64 ? i : i + 1, appliance, household: "house " + (Math.floor(i / 4) + 1),
      hasRelay: appliance.kind === "washing-machine" || appliance.kind === "heater",
    });
  }
  return meters;
}

/** File name -> its text, as the simulator writes a role's configuration (aggregator: n meters). */
export function configFilesOf(role: Role, n: number): Record<string, string> {
  if (role === "meter") {
    // modules/link/config.ts MeterConfig, 60 Hz mains given (its largest form)
    return { "meternet.json": JSON.stringify({ role: "meter", address: 63, keyHex: "0".repeat(32), name: "washing machine", publishEvery: 5, mains: { hz: 60, v: 120 } }) };
  }
  return {
    "meternet.json": JSON.stringify(aggregatorConfig(MASTER, [])),
    "agg.json": JSON.stringify(siteUpload(aggFile(configMeters(n), LOGIN), []).aggJson),
  };
}

/** Bytes of the aggregator's meter list on the NOR at n meters (header page + records), as the upload writes it. */
export function norListBytes(n: number): number {
  return siteUpload(aggFile(configMeters(n), LOGIN), []).sector.bytes.length;
}

export interface ConfigUse {
  role: Role;
  meters: number;
  files: { name: string; bytes: number; storedBytes: number }[];
  /** The files as stored in Storage, headers and padding included. */
  storedBytes: number;
  /** The configuration slot of the flash map, as stored (one file's header included). */
  slotBytes: number;
  /** storedBytes - slotBytes when over the slot, else 0. */
  overBytes: number;
  /** The aggregator's meter list on the SPI NOR (not in Storage), bytes; 0 for the meter. */
  norBytes: number;
}

/** A role's configuration at n meters against its slot. */
export function configUse(role: Role, n: number): ConfigUse {
  const texts = configFilesOf(role, n);
  const files = Object.keys(texts).map((name) => ({ name, bytes: texts[name].length, storedBytes: storedFileBytes(texts[name].length) }));
  const storedBytes = files.reduce((a, f) => a + f.storedBytes, 0);
  const slotBytes = storedFileBytes(budgets().storage[role].config);
  return { role, meters: role === "meter" ? 1 : n, files, storedBytes, slotBytes, overBytes: Math.max(0, storedBytes - slotBytes), norBytes: role === "meter" ? 0 : norListBytes(n) };
}

/** build/report.json `config`: the meter's, and the aggregator's at 8 and at 64 meters. */
export function configReport(): ConfigUse[] {
  return [configUse("meter", 1), configUse("aggregator", 8), configUse("aggregator", 64)];
}
