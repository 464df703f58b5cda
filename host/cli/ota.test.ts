// meternet ota's arguments (host/cli/ota.ts) and the meter list syntax (otaClient.ts);
// the whole path against a running aggregator is host/sim/otaUpdate.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseOtaArgs, otaSucceeded, otaSummary } from "./ota.ts";
import { parseMeters } from "./otaClient.ts";
import { parseOtaStep, otaImage } from "../sim/otaPlan.ts";
import { tokenise } from "../../tools/build/pretokenise.js";

test("--meters takes ranges and lists within 1..64 (64 is the bus's last: addresses 1..63 exist)", () => {
  assert.deepEqual(parseMeters("1-3,7,9-10"), [1, 2, 3, 7, 9, 10]);
  assert.equal(parseMeters("1-64").length, 63);
  for (const bad of ["0", "3-1", "65", "a", "1-", ""]) assert.throws(() => parseMeters(bad), /--meters/, bad);
});

test("meternet ota needs the aggregator, the bundle and a login; image 1 or 2", () => {
  const a = parseOtaArgs(["--aggregator", "http://10.0.0.2/", "--bundle", "build/stored/meter.js", "--meters", "1-4", "--password", "pw"], {});
  assert.deepEqual([a.aggregator, a.bundle, a.meters, a.user, a.image], ["http://10.0.0.2/", "build/stored/meter.js", [1, 2, 3, 4], "admin", 1]);
  assert.equal(parseOtaArgs(["--aggregator", "http://x", "--bundle", "b"], { METERNET_PASSWORD: "p" }).password, "p");
  assert.throws(() => parseOtaArgs(["--bundle", "b", "--password", "p"], {}), /--aggregator URL and --bundle FILE/);
  assert.throws(() => parseOtaArgs(["--aggregator", "http://x", "--bundle", "b"], {}), /--password/);
  assert.throws(() => parseOtaArgs(["--aggregator", "x", "--bundle", "b", "--password", "p"], {}), /http:\/\//);
  assert.throws(() => parseOtaArgs(["--aggregator", "http://x", "--bundle", "b", "--password", "p", "--image", "3"], {}), /--image/);
  assert.throws(() => parseOtaArgs(["--nope"], {}), /unknown option/);
});

test("npm start --ota: steps and the images they make", () => {
  assert.deepEqual(parseOtaStep("changed@60"), { what: "changed", atS: 60 });
  assert.throws(() => parseOtaStep("changed"), /WHAT@SECONDS/);
  const plain = "print('meternet meter: hi');";
  assert.equal(Buffer.from(otaImage({ what: "changed", atS: 0 }, plain, 0)).toString("latin1"), plain + "\nvar otaVersion = 2;\n");
  assert.match(Buffer.from(otaImage({ what: "crash", atS: 0 }, plain, 1)).toString("latin1"), /^throw new Error\(.*\);\nprint/);
  // a stored (pretokenised) bundle gets stored lines
  const stored = tokenise(plain);
  assert.equal(Buffer.from(otaImage({ what: "changed", atS: 0 }, stored, 1)).toString("latin1"), stored + tokenise("\nvar otaVersion = 3;\n"));
});

test("meternet ota waits for each meter's boot report and says which did not confirm and why", () => {
  const t = (a: number, state: string, cause: string | null = null) => ({ a, state, cause, have: 10, total: 10 });
  assert.equal(parseOtaArgs(["--aggregator", "http://x", "--bundle", "b", "--password", "p"], {}).watch, true);
  assert.equal(parseOtaArgs(["--aggregator", "http://x", "--bundle", "b", "--password", "p", "--no-watch"], {}).watch, false);
  const all = [t(1, "confirmed"), t(2, "confirmed")];
  assert.equal(otaSucceeded(all, true), true);
  assert.equal(otaSummary(all, true), "ota: all 2 meters confirmed the new script");
  const mixed = [t(1, "confirmed"), t(2, "reverted", "deadline"), t(3, "trial"), t(4, "failed", "no answer")];
  assert.equal(otaSucceeded(mixed, true), false);
  assert.equal(otaSummary(mixed, true), "ota: 3 of 4 meters did NOT confirm the new script: 2 reverted (deadline), 3 trial, 4 failed (no answer)");
  // --no-watch: the switch is the end; a trial or a report already in is a switch
  assert.equal(otaSucceeded([t(1, "switched"), t(2, "trial"), t(3, "reverted", "crash")], false), true);
  assert.equal(otaSummary([t(1, "switched"), t(4, "failed", "no answer")], false), "ota: 1 of 2 meters NOT switched: 4 failed (no answer)");
});
