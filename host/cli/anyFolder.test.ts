// The `meternet` command runs from any folder (issue 13 item 7): bin/meternet.js finds
// tsx next to itself, not in the caller's working directory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateRecord } from "../waveform/generateRecord.ts";

const bin = join(import.meta.dirname, "../../bin/meternet.js");

test("meternet analyze runs from a temporary directory outside the project", () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "meternet-anyfolder-")));
  try {
    generateRecord({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 5 }, seed: 1 }, join(dir, "rec"), { stage: "adc", durationS: 0.5 });
    const r = spawnSync(process.execPath, [bin, "analyze", "rec.cfg", "--json"], { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /ERR_MODULE_NOT_FOUND/);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines[lines.length - 1].type, "summary");
    assert.ok(lines.filter((o) => o.type === "window").length >= 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("installed with npm install -g (a temporary prefix), `meternet analyze` runs from another folder", () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "meternet-global-")));
  try {
    const project = join(import.meta.dirname, "../..");
    const npm = spawnSync("npm", ["install", "-g", "--prefix", join(dir, "prefix"), "--ignore-scripts", "--no-audit", "--no-fund", "--offline", project], { cwd: dir, encoding: "utf8" });
    assert.equal(npm.status, 0, npm.stderr);
    generateRecord({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 5 }, seed: 1 }, join(dir, "rec"), { stage: "adc", durationS: 0.5 });
    const r = spawnSync(join(dir, "prefix", "bin", "meternet"), ["analyze", "rec.cfg"], { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^record +meternet generator/m);
    assert.match(r.stdout, /\d+ windows, 0 events/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

