import { test } from "node:test";
import assert from "node:assert/strict";
import { aggSettingsOf, LOCKED_HASH, type AggSettings } from "./siteConfig.ts";
import { Aggregator } from "./aggregator.ts";

function read(raw: unknown): { s: AggSettings; lines: string[] } {
  const lines: string[] = [];
  const s = aggSettingsOf(raw, (l) => lines.push(l));
  return { s, lines };
}

const METER = { address: 1, name: "Heater", household: "A", keyId: 1, hasRelay: true, priority: 2 };

test("no agg.json (or not JSON): one line, every setting on its safe default", () => {
  for (const raw of [undefined, null, 5, "x", [1]]) {
    const { s, lines } = read(raw);
    assert.equal(s.problems, 1);
    assert.deepEqual(lines, ["agg.json: missing or not JSON: all defaults (port 80, no meter, no login)"]);
    assert.equal(s.port, 80);
    assert.equal(s.publicRead, false, "reading needs a login unless agg.json says otherwise");
    assert.equal(s.apiToken, "");
    assert.equal(s.auth, undefined);
    assert.deepEqual(s.site, { maxMeters: 8, tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 12000, exportTariffMc: 5000, defaultPriceMc: 10000, limitW: 9200, holdS: 300, saveIntervalS: 900, meters: [] });
  }
  assert.deepEqual(read({}).lines, [], "an empty object is a valid file: defaults, nothing to say");
});

test("an agg.json as the simulator writes it (host/sim/nodeConfig.ts aggFile) reads back whole, with no problem", () => {
  const file = {
    port: 80, publicRead: true, apiToken: "a token",
    auth: { user: "admin", saltHex: "00", hashHex: "ab", iterations: 64, sessionS: 3600, maxFailures: 5, lockS: 300 },
    site: {
      maxMeters: 8, tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 12000, exportTariffMc: 5000, defaultPriceMc: 10000, limitW: 6000, holdS: 300,
      hysteresisPct: 10, maxSwitchesPerHour: 4, offlineAfterMisses: 3, saveIntervalS: 900,
      meters: [METER, { address: 2, name: "Fridge", household: "A", keyId: 2, hasRelay: false, priority: 9, maxPriceMc: 50000, minRenewPct: 20 }],
    },
  };
  const { s, lines } = read(JSON.parse(JSON.stringify(file)));
  assert.deepEqual(lines, []);
  assert.equal(s.problems, 0);
  assert.deepEqual(s.site, file.site);
  assert.deepEqual(s.auth, file.auth);
  assert.equal(s.publicRead, true);
  assert.equal(s.apiToken, "a token");
});

test("each wrong field is said, counted and replaced by its default; the right ones are kept", () => {
  const { s, lines } = read({
    port: "8080", publicRead: 1, apiToken: 7,
    site: { maxMeters: 65, limitW: "9k", holdS: 120, importAdderMc: 16777216, hysteresisPct: 100, maxSwitchesPerHour: 1, saveIntervalS: 30, tz: { stdOffsetS: 3600.5, euDst: false }, meters: [METER] },
  });
  assert.deepEqual(lines, [
    'agg.json: port "8080" is not a whole number 1..65535: its default',
    "agg.json: publicRead 1 is not true or false: its default",
    "agg.json: apiToken 7 is not a string: its default",
    "agg.json: site.maxMeters 65 is not a whole number 1..64: its default",
    "agg.json: site.importAdderMc 16777216 is not a whole number -16777215..16777215: its default",
    'agg.json: site.limitW "9k" is not a whole number 1..1000000000: its default',
    "agg.json: site.saveIntervalS 30 is not a whole number 60..86400: its default",
    "agg.json: site.hysteresisPct 100 is not a whole number 0..99: its default",
    "agg.json: site.maxSwitchesPerHour 1 is not a whole number 2..60: its default",
    "agg.json: site.tz.stdOffsetS 3600.5 is not a whole number -50400..50400: its default",
  ]);
  assert.equal(s.problems, 10);
  assert.equal(s.port, 80);
  assert.equal(s.site.maxMeters, 8);
  assert.equal(s.site.limitW, 9200);
  assert.equal(s.site.holdS, 120, "a right field next to wrong ones is kept");
  assert.equal(s.site.hysteresisPct, undefined, "an optional field left to the aggregator's own default");
  assert.deepEqual(s.site.tz, { stdOffsetS: 3600, euDst: false });
  assert.deepEqual(s.site.meters, [METER]);
  // what comes out builds an aggregator (a wrong hysteresis would throw in Decisions)
  const noStore = { get: () => undefined, set: () => true };
  assert.doesNotThrow(() => new Aggregator(s.site, noStore, { sendCommand: () => 0 }));
});

test("a wrong object on the way is said once and its fields keep their defaults", () => {
  const { s, lines } = read({ site: 5 });
  assert.deepEqual(lines, ["agg.json: site 5 is not an object: its default"]);
  assert.equal(s.site.maxMeters, 8);
  const tz = read({ site: { tz: "CET" } });
  assert.deepEqual(tz.lines, ['agg.json: site.tz "CET" is not an object: its default']);
  assert.deepEqual(tz.s.site.tz, { stdOffsetS: 3600, euDst: true });
  assert.deepEqual(read({ site: { meters: { 1: METER } } }).lines, ["agg.json: site.meters is not a list: no meter"]);
});

test("a wrong meter goes through the registry's own checks and is left out, the others stay", () => {
  const { s, lines } = read({ site: { maxMeters: 2, meters: [METER, { ...METER, address: 64 }, 7, { ...METER }, { ...METER, address: 2, priority: 300 }, { ...METER, address: 3 }, { ...METER, address: 4 }] } });
  assert.deepEqual(lines, [
    "agg.json: site.meters[1] left out: meter address 64: must be 0..63 (the CAN identifier plan)",
    "agg.json: site.meters[2] left out: not an object",
    "agg.json: site.meters[3] left out: meter 1 is already registered",
    "agg.json: site.meters[4] left out: meter 2: priority must be 0..255",
    "agg.json: site.meters[6] left out: registry full (2 meters)",
  ]);
  assert.equal(s.problems, 5);
  assert.deepEqual(s.site.meters.map((m) => m.address), [1, 3]);
});

test("a wrong login locks it (nobody can log in) instead of reopening the first-run page", () => {
  for (const auth of [5, { user: "admin", saltHex: "00", hashHex: 12, iterations: 64, sessionS: 3600, maxFailures: 5, lockS: 300 }, { user: "admin", saltHex: "00", hashHex: "ab", iterations: 0, sessionS: 3600, maxFailures: 5, lockS: 300 }]) {
    const { s, lines } = read({ auth });
    assert.equal(s.problems, 1, JSON.stringify(auth));
    assert.match(lines[0], /^agg\.json: auth(\.\w+)? .* is not .*: login locked until it is fixed \(npm run password\)$/);
    assert.equal(s.auth!.hashHex, LOCKED_HASH);
    assert.ok(s.auth!.hashHex.length > 0, "not first-run: that page would let anyone set the password");
  }
  // a login without its hash is locked too (silently: nothing wrong was given)
  assert.equal(read({ auth: { user: "admin" } }).s.auth!.hashHex, LOCKED_HASH);
  assert.equal(read({}).s.auth, undefined, "no login in agg.json: auth.json or the first-run page decide");
});
