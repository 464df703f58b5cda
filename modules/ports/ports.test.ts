/**
 * Behaviour particular to one port implementation (the behaviour every implementation
 * shares is in the contract suites, modules/ports/contracts/).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileKvStore } from "../../host/ports/kvStore.ts";
import { ManualClock } from "../../host/ports/clock.ts";
import { installEspruinoCryptoShim } from "../../host/ports/espruinoCryptoShim.ts";
import { espruinoKvStore } from "./device/kvStore.ts";

installEspruinoCryptoShim();

const kvDir = mkdtempSync(join(tmpdir(), "kv-"));
test.after(() => rmSync(kvDir, { recursive: true, force: true }));

test("fileKvStore survives a reopen (a reboot of the host process)", () => {
  const path = join(kvDir, "reopen.json");
  fileKvStore(path).set("aggepoch", "7");
  assert.equal(fileKvStore(path).get("aggepoch"), "7");
});

test("espruinoKvStore refuses names longer than Storage allows", () => {
  assert.throws(() => espruinoKvStore("a-very-long-prefix-for-names.").get("x"), /longer than 28/);
});

test("ManualClock moves only forward", () => {
  const c = new ManualClock(5);
  c.advance(10);
  assert.equal(c.nowMs(), 15);
  assert.throws(() => c.advance(-1), /cannot go back/);
});
