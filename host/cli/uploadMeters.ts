/**
 * The aggregator's site for `npm run upload -- --role aggregator` (and the simulator,
 * host/sim/network.ts, which writes the same): from a site file in agg.json's form
 * (`--site FILE`, its "site.meters" included) or from `--meters 1,2,3`, checked as the
 * aggregator checks it (modules/aggregator/siteConfig.ts aggSettingsOf: any problem
 * stops the upload), split in two:
 *   - agg.json without its meter list: port, login, API token, site settings (the
 *     secrets stay in the chip's read-protectable Storage);
 *   - the meter list: 48-byte records on the SPI NOR's "meters" sector
 *     (modules/aggregator/meterList.ts), written by a device script with the same W25Q
 *     commands as the web app's (uploadWebNor.ts norWriterLines): the sector kept when it
 *     already reads right, else erased, the records programmed, the header last, read back.
 */
import { aggSettingsOf, type AggSettings } from "../../modules/aggregator/siteConfig.ts";
import type { MeterInfo } from "../../modules/aggregator/registry.ts";
import { meterListImage, NOR_METERS_BASE, METER_RECORDS_AT } from "../../modules/aggregator/meterList.ts";
import { norWriterLines, sectorCrcs, type NorSector } from "./uploadWebNor.ts";
import type { EspruinoRuntime } from "../runtime/index.ts";

/** What the device prints once the list is on the NOR, after the count (never verbatim in the script). */
export const METERS_WRITTEN = "meters on the NOR";

export interface SiteUpload {
  /** agg.json as written: the site file less "site.meters". */
  aggJson: Record<string, unknown>;
  /** The meters, as the aggregator registers them. */
  meters: MeterInfo[];
  /** The checked settings (aggSettingsOf), for the summary. */
  settings: AggSettings;
  /** The NOR sector: header in page 0, the records from byte 256. */
  sector: NorSector;
}

/**
 * The site of a parsed site file (`file`, agg.json's form) or, without one, of the
 * addresses `--meters` gives ("meter N" in "house 1", key id N, no relay, priority 9;
 * room for at least 8). Throws with every problem the aggregator would say.
 */
export function siteUpload(file: unknown, addresses: number[]): SiteUpload {
  const raw: Record<string, unknown> = file !== undefined ? JSON.parse(JSON.stringify(file)) : {
    port: 80, publicRead: false,
    site: {
      maxMeters: Math.max(8, addresses.length),
      meters: addresses.map((a) => ({ address: a, name: "meter " + a, household: "house 1", keyId: a, hasRelay: false, priority: 9 })),
    },
  };
  const problems: string[] = [];
  const settings = aggSettingsOf(raw, (l) => problems.push(l));
  if (problems.length) throw new Error("the aggregator would refuse the site file:\n  " + problems.join("\n  "));
  const meters = settings.site.meters;
  const { header, records } = meterListImage(meters, settings.site.maxMeters);
  const bytes = new Uint8Array(METER_RECORDS_AT + records.length).fill(0xff);
  bytes.set(header);
  bytes.set(records, METER_RECORDS_AT);
  const aggJson = { ...raw };
  const site = { ...(raw.site as Record<string, unknown>) };
  delete site.meters;
  aggJson.site = site;
  return { aggJson, meters, settings, sector: { address: NOR_METERS_BASE, bytes } };
}

/** One line a meter, for the upload's summary. */
export function meterLine(m: MeterInfo): string {
  return "  " + m.address + " " + JSON.stringify(m.name) + " in " + JSON.stringify(m.household) + ", key " + m.keyId + ", priority " + m.priority +
    (m.hasRelay ? ", relay" : "") + (m.maxPriceMc !== undefined ? ", off above " + m.maxPriceMc + " mc/kWh" : "") + (m.minRenewPct !== undefined ? ", off under " + m.minRenewPct + " % renewable" : "");
}

/**
 * The device script that writes the list's sector: kept when it already reads so (a
 * second upload of the same site erases nothing), else the old header's magic zeroed,
 * the sector erased, the records programmed page by page, then the header's page (the
 * list exists only once it is there), then read back; "<n> meters on the NOR (...)" at
 * the end, a thrown error when a step failed.
 */
export function norMetersScript(up: SiteUpload): string {
  const L = norWriterLines("mtNor", METERS_WRITTEN, "meter list");
  const s = up.sector;
  const crcs = JSON.stringify(sectorCrcs(s));
  // the old header zeroed before the erase: a cut erase never leaves it over half-erased records
  L.push("mtNor.s(" + s.address + "," + crcs + ",4);");
  for (let o = METER_RECORDS_AT; o < s.bytes.length; o += 1024) {
    L.push("mtNor.p(" + (s.address + o) + "," + JSON.stringify(Buffer.from(s.bytes.subarray(o, Math.min(o + 1024, s.bytes.length))).toString("base64")) + ");");
  }
  L.push("mtNor.p(" + s.address + "," + JSON.stringify(Buffer.from(s.bytes.subarray(0, METER_RECORDS_AT)).toString("base64")) + ");");
  L.push("mtNor.v(" + s.address + "," + crcs + ");");
  L.push("mtNor.e(" + up.meters.length + ");");
  return L.join("\n") + "\n";
}

/**
 * Writes the site into a host runtime as the upload writes it to a board (the simulator,
 * the JsVar scenarios' host side): agg.json into Storage, the meter list's script run on
 * its SPI1 (a W25Q model). Throws with the device's output when the script did not finish.
 */
export function loadSiteOntoDevice(rt: EspruinoRuntime, up: SiteUpload): void {
  rt.eval("require(\"Storage\").write(\"agg.json\"," + JSON.stringify(JSON.stringify(up.aggJson)) + ")");
  rt.execute(norMetersScript(up), "meters-upload.js");
  const ok = rt.eval("(function(){var ok=typeof mtNor==='object'&&mtNor.ok;mtNor=undefined;return ok;})()");
  if (ok !== up.meters.length) throw new Error("the meter list's NOR script did not finish (no W25Q on SPI1? a sector that reads back wrong?): see the aggregator's output");
}
