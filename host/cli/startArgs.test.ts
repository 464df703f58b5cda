// meternet start's options: binding, login, date, offline settings; bad values refused with the option named.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "./start.ts";

test("defaults: bound to 127.0.0.1, generated password, today, offline after 3 misses", () => {
  const a = parseArgs([]);
  assert.equal(a.host, "127.0.0.1");
  assert.equal(a.password, undefined);
  assert.equal(a.date, undefined);
  assert.equal(a.offlineAfter, 3);
  assert.equal(a.silence, undefined);
});

test("--host, --password, --date (a DST day), --offline-after, --silence", () => {
  const a = parseArgs(["--host", "0.0.0.0", "--password", "correct horse", "--date", "2026-10-25", "--offline-after", "5", "--silence", "3@600"]);
  assert.deepEqual([a.host, a.password, a.date, a.offlineAfter, a.silence], ["0.0.0.0", "correct horse", "2026-10-25", 5, { address: 3, afterS: 600 }]);
});

test("impossible or malformed values are refused with the option named", () => {
  assert.throws(() => parseArgs(["--date", "2026-02-31"]), /--date needs a real date YYYY-MM-DD, got '2026-02-31'/);
  assert.throws(() => parseArgs(["--date", "26-1-1"]), /--date/);
  assert.throws(() => parseArgs(["--host", "a b"]), /--host needs an address/);
  assert.throws(() => parseArgs(["--host"]), /--host needs an address/);
  assert.throws(() => parseArgs(["--offline-after", "0"]), /--offline-after needs a number 1..1000/);
  assert.throws(() => parseArgs(["--offline-after", "2.5"]), /whole number/);
  assert.throws(() => parseArgs(["--silence", "3"]), /--silence needs ADDRESS@SECONDS/);
  assert.throws(() => parseArgs(["--password"]), /--password needs a value/);
});

test("--until: device seconds of a headless run (a simulated day: 86400), bad values refused", () => {
  assert.equal(parseArgs([]).untilS, undefined);
  assert.equal(parseArgs(["--until", "86400", "--speed", "1000"]).untilS, 86400);
  assert.throws(() => parseArgs(["--until", "0"]), /--until needs a number 1..100000000, got '0'/);
  assert.throws(() => parseArgs(["--until", "1e1x"]), /--until needs a number/);
});

test("--faults, --seed, --fault-every, --fault-bound: defaults, values, and --faults needs --until", () => {
  const d = parseArgs([]);
  assert.deepEqual([d.faults, d.seed, d.faultEveryS, d.faultBoundS], [false, 1, 300, 60]);
  const a = parseArgs(["--faults", "--until", "600", "--seed", "42", "--fault-every", "75", "--fault-bound", "30"]);
  assert.deepEqual([a.faults, a.untilS, a.seed, a.faultEveryS, a.faultBoundS], [true, 600, 42, 75, 30]);
  assert.throws(() => parseArgs(["--faults"]), /--faults needs --until S/);
  assert.throws(() => parseArgs(["--faults", "--until", "600", "--seed", "1.5"]), /--seed needs a whole number/);
  assert.throws(() => parseArgs(["--fault-every", "10"]), /--fault-every needs a number 30..86400, got '10'/);
  assert.throws(() => parseArgs(["--fault-bound", "x"]), /--fault-bound needs a number 1..3600/);
});
