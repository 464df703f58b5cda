// The copy scan as a test, so CI runs it: duplication under .jscpd.json's threshold and
// every clone between files tools/copyScan/allowed.json lists with a reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { copyScan } from "./copyScan.ts";

const bin = fileURLToPath(new URL("../../node_modules/.bin/jscpd", import.meta.url));

test("copy scan: duplicated lines under the threshold, every clone's file pair listed with why it stays", { skip: !existsSync(bin) && "npm install first (jscpd)" }, () => {
  const r = copyScan();
  assert.ok(r.clones.length > 0, "the scan sees the deliberate oracle copy (modules/can/testing/scanPoller.ts): it ran over the tree");
  assert.ok(r.clones.some((c) => /scanPoller/.test(c.a + c.b)), "the oracle copy is among the clones found");
  assert.ok(r.percentage <= r.threshold, `${r.percentage.toFixed(2)} % of lines duplicated, threshold ${r.threshold} %`);
  assert.deepEqual(r.unlisted.map((c) => `${c.a} | ${c.b} (${c.lines})`), [], "clones between files not in tools/copyScan/allowed.json");
});
