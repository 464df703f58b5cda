// `meternet start` headless: 4 meters at --speed 60 for about 15 s of wall time. Every
// meter is polled and answers, the aggregator's dashboard is served during the run,
// and the summary (last line) has its documented shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("npm start --duration: every meter answers, the dashboard is served, the summary is complete", { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-start-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "key.json"), JSON.stringify({ masterKeyHex: "000102030405060708090a0b0c0d0e0f" }));
  const p = spawn(process.execPath, ["--import", "tsx", "host/cli/main.ts", "start", "--duration", "15", "--speed", "60", "--port", "0",
    "--slcan-port", "0", "--console-port", "0", "--key-file", join(dir, "key.json"), "--log", join(dir, "sim.log"), "--status-every", "5"], { cwd: root });
  let out = "";
  let err = "";
  p.stderr.on("data", (d) => (err += d));
  const page = new Promise<{ status: number; body: string }>((resolve, reject) => {
    p.stdout.on("data", async (d) => {
      const before = out;
      out += d;
      const m = /web page\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m && !/web page\s+http/.test(before)) {
        try {
          // Let a few seconds of device time pass so readings have arrived.
          await new Promise((r) => setTimeout(r, 3000));
          const r = await fetch(m[1]);
          resolve({ status: r.status, body: await r.text() });
        } catch (e) {
          reject(e);
        }
      }
    });
  });
  const code = await new Promise<number>((resolve) => p.on("close", (c) => resolve(c ?? -1)));
  const web = await page;
  assert.equal(web.status, 200);
  assert.match(web.body, /<html/i);
  const lines = out.trim().split("\n");
  const s = JSON.parse(lines[lines.length - 1]);
  assert.equal(code, 0, `exit ${code}: ${lines[lines.length - 1]}\n${err}`);
  assert.equal(s.ok, true);
  assert.deepEqual(s.failures, []);
  assert.equal(s.meters, 4);
  for (const k of ["sent", "answered", "late", "missed", "syncs"]) assert.equal(typeof s.polls[k], "number", k);
  // Simulated time is deterministic: no poll is late or missed, one sync per meter,
  // and only the polls in flight at the end (at most 3) are unanswered.
  assert.equal(s.polls.late, 0);
  assert.equal(s.polls.missed, 0);
  assert.equal(s.polls.syncs, 4);
  assert.ok(s.polls.answered >= s.polls.sent - 3 && s.polls.answered <= s.polls.sent, JSON.stringify(s.polls));
  assert.deepEqual(Object.keys(s.rejected).sort(), ["badMac", "internal", "length", "stale", "unknownId", "unsynced"]);
  assert.equal(typeof s.decisions, "number");
  assert.equal(s.web.status, 200);
  assert.equal(s.uncaught, 0);
  // 15 s at x60 is 15 simulated minutes; allow a loaded machine half of that.
  assert.ok(s.simulatedS > 400, `simulated ${s.simulatedS} s`);
  assert.equal(s.perMeter.length, 4);
  assert.deepEqual(s.perMeter.map((m: { appliance: string }) => m.appliance), ["washing-machine", "heater", "fridge", "pv"]);
  for (const m of s.perMeter) {
    assert.ok(m.polls > 100 && m.answered > 100, `meter ${m.address}: ${m.polls} polls, ${m.answered} answered`);
    assert.ok(m.answered >= m.polls - 3, `meter ${m.address}: ${m.answered} of ${m.polls} answered`);
    assert.equal(m.missed, 0);
    assert.ok(m.readings >= m.answered, `meter ${m.address}: readings ${m.readings}`);
    assert.ok(m.windows > 1000, `meter ${m.address}: ${m.windows} kernel windows`);
  }
  // The non-TTY status lines were printed: one per node.
  assert.match(out, /^aggregator\s+error-active/m);
  assert.equal((out.match(/^meter \d /gm) || []).length % 4, 0);
  // Devices printed into the log, not onto the terminal.
  assert.match(readFileSync(join(dir, "sim.log"), "utf8"), /meter2: meternet meter: sampling at 12800 Hz/);
});
