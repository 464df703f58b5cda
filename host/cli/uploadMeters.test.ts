/**
 * The aggregator's meter list on the NOR (modules/aggregator/meterList.ts): the upload's
 * script (uploadMeters.ts) run in the host runtime on a W25Q model, read back by the
 * device's reader; a cut at every program and erase leaves the old list whole, none, or
 * the new one whole, never a part; a header with a bit left unprogrammed is no list; a
 * damaged record is left out alone; what the upload refuses and says; and the aggregator
 * bundle booted on each layout (the NOR list, agg.json's older list, neither).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { NorModel, norSpi } from "../runtime/nor.ts";
import { siteUpload, norMetersScript, loadSiteOntoDevice, METERS_WRITTEN, type SiteUpload } from "./uploadMeters.ts";
import { main, parseArgs, nodeConfig, cliCommands, siteSummary, UsageError } from "./upload.ts";
import { readMeterList, NOR_METERS_BASE, METER_RECORDS_AT, METER_RECORD_BYTES } from "../../modules/aggregator/meterList.ts";
import { Registry, type MeterInfo } from "../../modules/aggregator/registry.ts";
import { crc32 } from "../../modules/persist/crc32.ts";
import { NOR_CS } from "../../modules/ports/device/norPins.ts";
import { runScenario } from "../runtime/accounting/jsVarHarness.ts";
import { aggregatorSetup, aggregatorFiles, type Scenario } from "../runtime/accounting/scenarios.ts";

const str = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function site(meters: Partial<MeterInfo>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    port: 80, publicRead: true, ...extra,
    site: { maxMeters: 8, limitW: 6000, meters: meters.map((m, i) => ({ address: i + 1, name: "meter " + (i + 1), household: "house 1", keyId: i + 1, hasRelay: false, priority: 9, ...m })) },
  };
}

/** Reads the list as the aggregator does: the meters (as objects) or null for "no list", and what it said. */
function readBack(nor: NorModel, maxMeters = 8): { meters: MeterInfo[] | null; said: string[] } {
  const reg = new Registry(maxMeters);
  const said: string[] = [];
  const n = readMeterList(nor, reg, crc32, str, (l) => said.push(l));
  const meters = n < 0 ? null : Array.from({ length: reg.count }, (_, m) => reg.info(m));
  return { meters, said };
}

function runScript(nor: NorModel, script: string): string {
  const out: string[] = [];
  const rt = new EspruinoRuntime({ clock: new VirtualClock(0), output: (t) => out.push(t), globals: () => ({ SPI1: norSpi(nor, { cs: NOR_CS }) }) });
  rt.execute(script, "meters-upload.js");
  void rt.dispose();
  return out.join("");
}

const NEW = site([
  { name: "Washing machine", household: "Küche 2", hasRelay: true, priority: 1, maxPriceMc: 25000 },
  { name: "Heater", hasRelay: true, priority: 2, minRenewPct: 40 },
  { name: "Fridge" },
  { name: "PV roof", maxPriceMc: -5000 },
  { address: 63, keyId: 200, name: "x".repeat(20), household: "y".repeat(13) },
]);

test("the script puts the list on the NOR, the device's reader gets every field back; run again it erases nothing", () => {
  const up = siteUpload(NEW, []);
  const nor = new NorModel();
  const said = runScript(nor, norMetersScript(up));
  assert.match(said, new RegExp("5 " + METERS_WRITTEN + " \\(1 sectors written, 0 kept\\)"));
  assert.ok(!norMetersScript(up).includes(METERS_WRITTEN), "the confirmation is not in the script's text");
  const back = readBack(nor);
  const ref = new Registry(8);
  for (const m of up.meters) ref.add(m);
  assert.deepEqual(back.meters, Array.from({ length: ref.count }, (_, m) => ref.info(m)));
  assert.equal(back.meters![0].household, "Küche 2", "latin1 names kept");
  assert.equal(back.meters![3].maxPriceMc, -5000);
  assert.equal(back.meters![1].minRenewPct, 40);
  assert.equal(back.meters![2].maxPriceMc, undefined);
  assert.deepEqual(back.said, ["meters: 5 from the NOR"]);
  assert.equal(nor.bytes[NOR_METERS_BASE + METER_RECORDS_AT + 5 * METER_RECORD_BYTES], 0xff, "past the last record: erased");
  const erases = nor.erases.reduce((a, b) => a + b, 0);
  assert.match(runScript(nor, norMetersScript(up)), /\(0 sectors written, 1 kept\)/);
  assert.equal(nor.erases.reduce((a, b) => a + b, 0), erases);
  // agg.json as written: the site without its meters
  assert.equal((up.aggJson.site as { meters?: unknown }).meters, undefined);
  assert.equal((up.aggJson.site as { limitW: number }).limitW, 6000);
});

test("a cut at any program or erase of the script leaves the old list whole, none, or the new one whole", () => {
  const old = siteUpload(site([{ name: "old A" }, { name: "old B" }, { name: "old C" }]), []);
  const up = siteUpload(NEW, []);
  const base = new NorModel();
  runScript(base, norMetersScript(old));
  const oldList = readBack(base).meters;
  // the operations a whole run makes (each program and erase counted by the model)
  const probe = new NorModel();
  probe.bytes.set(base.bytes);
  const p0 = probe.programs, e0 = probe.erases.reduce((a, b) => a + b, 0);
  runScript(probe, norMetersScript(up));
  const ops = probe.programs - p0 + probe.erases.reduce((a, b) => a + b, 0) - e0;
  assert.ok(ops >= 4, ops + " operations: zero the header, erase, records, header");
  const newList = readBack(probe).meters;
  const seen = { old: 0, none: 0, new: 0 };
  for (let k = 0; k < ops; k++) {
    for (const kept of [0, 1, 3, 5, 100, 4000]) {
      const nor = new NorModel();
      nor.bytes.set(base.bytes);
      nor.armCut(k, kept);
      const said = runScript(nor, norMetersScript(up));
      assert.ok(!said.includes(METERS_WRITTEN), "a cut run does not confirm");
      nor.powerOn();
      const got = readBack(nor);
      const is = got.meters === null ? "none" : JSON.stringify(got.meters) === JSON.stringify(oldList) ? "old" : JSON.stringify(got.meters) === JSON.stringify(newList) ? "new" : "";
      assert.ok(is, "cut at operation " + k + " keeping " + kept + " B: a partial list " + JSON.stringify(got));
      seen[is as keyof typeof seen]++;
      // the upload run again writes the whole new list
      runScript(nor, norMetersScript(up));
      assert.deepEqual(readBack(nor).meters, newList);
    }
  }
  assert.ok(seen.old > 0 && seen.none > 0, JSON.stringify(seen));
});

test("a header with any bit left unprogrammed reads as no list; a damaged record is left out alone", () => {
  const up = siteUpload(NEW, []);
  const nor = new NorModel();
  runScript(nor, norMetersScript(up));
  const good = nor.bytes.slice(NOR_METERS_BASE, NOR_METERS_BASE + 6);
  for (let i = 0; i < 6; i++) {
    for (let b = 0; b < 8; b++) {
      if (good[i] & (1 << b)) continue; // a programmed bit is a 0: a cut program leaves it 1
      nor.bytes.set(good, NOR_METERS_BASE);
      nor.bytes[NOR_METERS_BASE + i] |= 1 << b;
      const got = readBack(nor);
      assert.equal(got.meters, null, "header byte " + i + " bit " + b);
      assert.match(got.said[0], /^meters: no list on the NOR: npm run upload -- --role aggregator$/);
    }
  }
  nor.bytes.set(good, NOR_METERS_BASE);
  nor.program(NOR_METERS_BASE + METER_RECORDS_AT + METER_RECORD_BYTES + 12, Uint8Array.of(0)); // a bit lost in record 1's name
  const got = readBack(nor);
  assert.deepEqual(got.meters!.map((m) => m.address), [1, 3, 4, 63]);
  assert.deepEqual(got.said, ["meters: record 1 left out: CRC", "meters: 4 from the NOR"]);
  // an empty NOR: no list, said once
  assert.deepEqual(readBack(new NorModel()).said, ["meters: no list on the NOR: npm run upload -- --role aggregator"]);
});

test("what the upload refuses before any CLI run, and what it says it writes", () => {
  assert.throws(() => siteUpload(site([{}], { port: "80" }), []), /the aggregator would refuse the site file:\n {2}agg\.json: port "80" is not a whole number 1\.\.65535/);
  assert.throws(() => siteUpload(site([{}, { address: 1 }]), []), /site\.meters\[1\] left out: meter 1 is already registered/);
  assert.throws(() => siteUpload(site(Array.from({ length: 9 }, () => ({}))), []), /registry full \(8 meters\)/);
  assert.throws(() => siteUpload(site([{ name: "Electric heater, first floor", household: "Flat 12" }]), []), /meter 1: name and household take 35 characters, at most 33 together fit its record/);
  assert.throws(() => siteUpload(site([{ name: "Herd \u20ac" }]), []), /latin1 characters only \(not U\+20ac\)/);
  assert.throws(() => siteUpload(site([{ minRenewPct: 40.5 }]), []), /minRenewPct must be a whole 0\.\.100/);
  // --meters alone: "meter N" in "house 1", room for at least 8
  const up = siteUpload(undefined, [3, 7, 9]);
  assert.deepEqual(up.meters.map((m) => [m.address, m.name, m.household, m.keyId, m.hasRelay, m.priority]), [[3, "meter 3", "house 1", 3, false, 9], [7, "meter 7", "house 1", 7, false, 9], [9, "meter 9", "house 1", 9, false, 9]]);
  assert.deepEqual(up.aggJson, { port: 80, publicRead: false, site: { maxMeters: 8 } });
  assert.equal(siteUpload(undefined, Array.from({ length: 20 }, (_, i) => i)).settings.site.maxMeters, 20);
  const text = siteSummary(siteUpload(NEW, []));
  assert.match(text, /^upload: agg\.json, \d+ B: web port 80, pages readable without login, API token none, no login in the site file/);
  assert.match(text, /upload: meter list, 5 meters, 496 B, onto the SPI NOR at 0x130000:\n {2}1 "Washing machine" in "Küche 2", key 1, priority 1, relay, off above 25000 mc\/kWh\n/);
  assert.match(text, /\n {2}2 "Heater" in "house 1", key 2, priority 2, relay, off under 40 % renewable\n/);
  // options
  const a = parseArgs(["--port", "/dev/ttyUSB0", "--role", "aggregator", "--key-file", "k.json", "--site", "s.json"]);
  assert.equal(a.site, "s.json");
  assert.throws(() => parseArgs(["--port", "/dev/ttyUSB0", "--role", "aggregator", "--key-file", "k.json", "--site", "s.json", "--meters", "1"]), (e: unknown) => e instanceof UsageError && /--site or --meters/.test((e as Error).message));
  assert.throws(() => parseArgs(["--port", "/dev/ttyUSB0", "--role", "meter", "--address", "1", "--key-file", "k.json", "--site", "s.json"]), /--site is for the aggregator/);
  // meternet.json: the key only; agg.json written in the same console line, the device's login kept when the file has none
  const cfg = nodeConfig(a, new Uint8Array(16));
  assert.deepEqual(Object.keys(cfg), ["role", "masterKeyHex"]);
  const line = cliCommands(a, cfg, up.aggJson)[0].at(-1)!;
  assert.match(line, /if\(o&&o\.auth&&!c\.auth\)c\.auth=o\.auth;return S\.write\("agg\.json",JSON\.stringify\(c\)\)/);
});

test("the device's agg.json line keeps a login set before (npm run password) and takes the site file's when it has one", () => {
  const a = parseArgs(["--port", "/dev/ttyUSB0", "--role", "aggregator", "--key-file", "k.json"]);
  const rt = new EspruinoRuntime({ clock: new VirtualClock(0), output: () => {} });
  const run = (agg: object) => {
    const line = cliCommands(a, nodeConfig(a, new Uint8Array(16)), agg)[0].at(-1)!;
    rt.eval(line);
    return JSON.parse(rt.eval(`require("Storage").read("agg.json")`) as string);
  };
  rt.eval(`require("Storage").write("agg.json", JSON.stringify({ port: 81, auth: { user: "before" } }))`);
  assert.deepEqual(run({ port: 80 }), { port: 80, auth: { user: "before" } });
  assert.deepEqual(run({ port: 80, auth: { user: "file" } }), { port: 80, auth: { user: "file" } });
  void rt.dispose();
});

test("upload --dry-run --site: the summary and the commands, no key or token in them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-site-"));
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  try {
    writeFileSync(join(dir, "key.json"), JSON.stringify({ masterKeyHex: "000102030405060708090a0b0c0d0e0f" }));
    writeFileSync(join(dir, "site.json"), JSON.stringify(site([{ name: "Heater", hasRelay: true }], { apiToken: "s3cret-token" })));
    process.stdout.write = ((t: string) => { out.push(String(t)); return true; }) as typeof process.stdout.write;
    const rc = await main(["--port", "/dev/ttyUSB0", "--role", "aggregator", "--key-file", join(dir, "key.json"), "--site", join(dir, "site.json"), "--dry-run", "--bundle", join(dir, "key.json")]);
    process.stdout.write = write;
    assert.equal(rc, 0, out.join(""));
    const text = out.join("");
    assert.match(text, /upload: meter list, 1 meters, 304 B, onto the SPI NOR at 0x130000:\n {2}1 "Heater" in "house 1"/);
    assert.match(text, /API token set/);
    assert.match(text, /build\/meters-upload\.js, the meter list onto the SPI NOR/);
    assert.ok(!text.includes("s3cret-token") && !text.includes("000102030405060708090a0b0c0d0e0f"), text);
    writeFileSync(join(dir, "bad.json"), JSON.stringify(site([{ name: "x".repeat(40) }])));
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const bad = await main(["--port", "/dev/ttyUSB0", "--role", "aggregator", "--key-file", join(dir, "key.json"), "--site", join(dir, "bad.json"), "--dry-run", "--bundle", join(dir, "key.json")]);
    assert.equal(bad, 2, "a site the aggregator would refuse stops the upload");
  } finally {
    process.stdout.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Boots build/aggregator.js on a scenario's files and NOR; its output and the registry's addresses. */
async function boot(s: Scenario): Promise<{ output: string; addresses: number[]; polled: number }> {
  let addresses: number[] = [], polled = -1;
  const r = await runScenario(s, {
    atEnd: (rt) => {
      const g = rt.global as { agg: { reg: { count: number; address: Uint8Array } }; meternet?: { status(): { meters?: unknown[] } } };
      addresses = Array.from(g.agg.reg.address.subarray(0, g.agg.reg.count));
      polled = g.meternet ? (g.meternet.status().meters || []).length : -1;
    },
  });
  return { output: r.output, addresses, polled };
}

test("the aggregator boots on the NOR list; agg.json's older list still works and wins; neither: no meter, said (needs npm run build)", async () => {
  const nor = aggregatorSetup(8, 18080);
  const a = await boot({ name: "nor", bundle: "aggregator", ...nor, atS: [0, 2] });
  assert.match(a.output, /meters: 8 from the NOR/);
  assert.deepEqual(a.addresses, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(a.polled, 8, "the link polls the registry's meters: " + a.output);
  const older = await boot({ name: "older", bundle: "aggregator", files: aggregatorFiles(3, 18080), nor: aggregatorSetup(8, 18080).nor, atS: [0, 2] });
  assert.doesNotMatch(older.output, /meters: /, "agg.json's list: the NOR is not read");
  assert.deepEqual(older.addresses, [1, 2, 3]);
  assert.equal(older.polled, 3);
  const none = await boot({ name: "none", bundle: "aggregator", files: nor.files, atS: [0, 2] });
  assert.match(none.output, /meters: no list on the NOR: npm run upload -- --role aggregator/);
  assert.deepEqual(none.addresses, []);
  assert.doesNotMatch(a.output + older.output + none.output, /Uncaught/);
});

test("loadSiteOntoDevice (the simulator's path) fails loudly without a NOR", async () => {
  const rt = new EspruinoRuntime({ clock: new VirtualClock(0), output: () => {} });
  try {
    assert.throws(() => loadSiteOntoDevice(rt, siteUpload(NEW, []) as SiteUpload), /the meter list's NOR script did not finish/);
  } finally { await rt.dispose(); }
});

test("upload --role aggregator --site to a simulated aggregator console, through the espruino CLI: agg.json, meternet.json and the NOR list (needs npm run build)", { timeout: 180000 }, async () => {
  const { ConsoleDevice } = await import("../console/index.ts");
  const { RealClock } = await import("../runtime/index.ts");
  const dir = mkdtempSync(join(tmpdir(), "meternet-aggupload-"));
  const nor = new NorModel();
  const dev = new ConsoleDevice({ clock: new RealClock(), globals: () => ({ SPI1: norSpi(nor, { cs: NOR_CS }) }) });
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  try {
    writeFileSync(join(dir, "key.json"), JSON.stringify({ masterKeyHex: "000102030405060708090a0b0c0d0e0f" }));
    writeFileSync(join(dir, "site.json"), JSON.stringify(NEW));
    // the "bundle": reads agg.json as the app does (over 512 bytes as sent: CLI 0.1.67 reports the end then)
    let code = "var seen = require(\"Storage\").readJSON(\"agg.json\", true);\nvar seenLimit = seen.site.limitW, seenMeters = seen.site.meters;\n";
    for (let i = 0; i < 12; i++) code += "function pad" + i + "() {\n  return \"padding so that the espruino CLI reports completion\" + " + i + ";\n}\n";
    writeFileSync(join(dir, "agg.js"), code);
    dev.runtime.eval(`require("Storage").write("agg.json", JSON.stringify({ port: 81, auth: { user: "set before" } }))`);
    dev.powerOn();
    const port = await dev.listen(0);
    process.stdout.write = ((t: string) => { out.push(String(t)); return true; }) as typeof process.stdout.write;
    const rc = await main(["--port", "tcp://127.0.0.1:" + port, "--role", "aggregator", "--key-file", join(dir, "key.json"), "--site", join(dir, "site.json"), "--no-web", "--bundle", join(dir, "agg.js")], 60000);
    process.stdout.write = write;
    const text = out.join("");
    assert.equal(rc, 0, text);
    assert.match(text, /upload: meter list, 5 meters, 496 B, onto the SPI NOR at 0x130000:/);
    assert.match(text, /5 meters on the NOR \(1 sectors written, 0 kept\)/);
    const read = (name: string) => { const f = dev.runtime.flash.find(name); return f ? JSON.parse(Buffer.from(dev.runtime.flash.read(f.dataAddr, f.size)).toString("latin1")) : undefined; };
    const agg = read("agg.json");
    assert.equal(agg.site.meters, undefined, "no meter list in agg.json");
    assert.equal(agg.site.limitW, 6000);
    assert.deepEqual(agg.auth, { user: "set before" }, "the login set before is kept");
    assert.deepEqual(Object.keys(read("meternet.json")), ["role", "masterKeyHex"]);
    assert.deepEqual(readBack(nor).meters!.map((m) => m.name), ["Washing machine", "Heater", "Fridge", "PV roof", "x".repeat(20)]);
    assert.equal(dev.runtime.global.seenLimit, 6000, "the bundle ran and read agg.json");
  } finally {
    process.stdout.write = write;
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
