// `meternet start` headless: 4 meters and a co-generator at --speed 60 for about 15 s
// of wall time. Every meter is polled and answers, the aggregator's dashboard is served
// during the run (bound to 127.0.0.1), the administrator login printed works, the site
// data (prices, renewables, co-generator, deferrable runs, bills) is in the summary with
// its documented shape; a meter silenced mid-run is offline and fails the run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readProfile, DATA_DIR, PRICE_FILE } from "./siteData.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("npm start --duration: every meter answers, the dashboard is served, the summary is complete", { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-start-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "key.json"), JSON.stringify({ masterKeyHex: "000102030405060708090a0b0c0d0e0f" }));
  const p = spawn(process.execPath, ["--import", "tsx", "host/cli/main.ts", "start", "--duration", "15", "--speed", "60", "--port", "0",
    "--slcan-port", "0", "--console-port", "0", "--key-file", join(dir, "key.json"), "--log", join(dir, "sim.log"), "--status-every", "5",
    "--start", "10:13", "--date", "2026-06-10"], { cwd: root });
  let out = "";
  let err = "";
  const assets: string[] = [];
  p.stderr.on("data", (d) => (err += d));
  const page = new Promise<{ status: number; body: string; loginCookie: string }>((resolve, reject) => {
    p.stdout.on("data", async (d) => {
      const before = out;
      out += d;
      const m = /web page\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m && !/web page\s+http/.test(before)) {
        try {
          // Let a few seconds of device time pass so readings have arrived.
          await new Promise((r) => setTimeout(r, 3000));
          const r = await fetch(m[1]);
          const body = await r.text();
          // the app's script and style, from the aggregator's NOR as the page names them
          for (const f of [/src="\/(a\.[0-9a-f]{8}\.js)"/.exec(body), /href="\/(s\.[0-9a-f]{8}\.css)"/.exec(body)]) {
            const a = await fetch(m[1] + (f ? f[1] : "missing"));
            assets.push(a.status + " " + a.headers.get("content-encoding") + " " + (await a.arrayBuffer()).byteLength);
          }
          // the one-time password printed on the terminal logs in
          const pw = /Control login user "admin", password (\S+)/.exec(out);
          const login = await fetch(m[1] + "api/login", { method: "POST", redirect: "manual", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "admin", password: pw ? pw[1] : "" }) });
          resolve({ status: r.status, body, loginCookie: login.headers.get("set-cookie") ?? "" });
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
  assert.equal(assets.length, 2);
  for (const a of assets) assert.match(a, /^200 gzip [1-9]\d{2,}$/, "every file of the app served: " + assets.join(", "));
  assert.match(web.loginCookie, /sid=/, "the printed one-time password logs in");
  assert.match(out, /bound to\s+127\.0\.0\.1 \(this computer only/);
  assert.match(out, /prices\s+192 quarter hours 2026-06-10 00:00 \.\. 2026-06-12 00:00: SYNTHETIC/);
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
  assert.equal(s.polls.syncs, 5, "one per meter and the co-generator");
  assert.ok(s.polls.answered >= s.polls.sent - 3 && s.polls.answered <= s.polls.sent, JSON.stringify(s.polls));
  assert.deepEqual(Object.keys(s.rejected).sort(), ["badMac", "internal", "length", "stale", "unknownId", "unsynced"]);
  assert.equal(typeof s.decisions, "number");
  assert.equal(s.web.status, 200);
  assert.equal(s.uncaught, 0);
  // 15 s at x60 is 15 simulated minutes; the bills below need 120 s (an interval closing).
  // Measured 241-274 s with 6 test jobs on 2 cores (load average 15-19): allow 200.
  assert.ok(s.simulatedS > 200, `simulated ${s.simulatedS} s`);
  assert.equal(s.perMeter.length, 4);
  // the site as the aggregator holds it: imported prices, renewables, the co-generator over CAN
  assert.equal(s.site.prices.loaded, 192);
  assert.match(s.site.prices.source, /SYNTHETIC/);
  assert.equal(typeof s.site.prices.nowEURMWh, "number");
  assert.equal(typeof s.site.renewable.pct, "number");
  assert.ok(s.site.renewable.reports >= 1);
  assert.equal(s.site.cogenerator.address, 5);
  assert.equal(s.site.cogenerator.state, "running", "from 10:13 local: the co-generator runs");
  assert.ok(s.site.cogenerator.powerW >= 4000 && s.site.cogenerator.ageS <= 5, JSON.stringify(s.site.cogenerator));
  assert.equal(s.site.cogenerator.rejected, 0);
  // the washing machine's run is placed in the cheapest window of the next 12 hours (the midday dip)
  assert.equal(s.site.deferrable.length, 1);
  assert.deepEqual([s.site.deferrable[0].meter, s.site.deferrable[0].mode], [1, "cheapest"]);
  assert.match(s.site.deferrable[0].start, /^2026-06-10 1[1-4]:/);
  assert.equal(s.site.bills.unpricedIntervals, 0);
  assert.equal(s.site.bills.prices, "imported");
  // the 10:00-10:15 interval closes 2 minutes in (the fridge runs then): billed at the
  // imported 10:00 price plus the adder, within the milli-cent rounding of one interval
  const profile = readProfile(DATA_DIR + PRICE_FILE);
  assert.ok(Math.abs(s.site.bills.avgSpotEURMWh - profile[40]) < 2, `${s.site.bills.avgSpotEURMWh} EUR/MWh vs ${profile[40]} imported for 10:00`);
  assert.ok(s.site.bills.households[0].importKWh > 0, JSON.stringify(s.site.bills));
  assert.deepEqual(s.site.offline, []);
  assert.deepEqual(s.perMeter.map((m: { appliance: string }) => m.appliance), ["washing-machine", "heater", "fridge", "pv"]);
  for (const m of s.perMeter) {
    assert.ok(m.polls > 100 && m.answered > 100, `meter ${m.address}: ${m.polls} polls, ${m.answered} answered`);
    assert.ok(m.answered >= m.polls - 3, `meter ${m.address}: ${m.answered} of ${m.polls} answered`);
    assert.equal(m.missed, 0);
    assert.equal(m.txEpoch, 2, `meter ${m.address}: epoch 1 at boot, 2 after its sync`);
    assert.ok(m.readings >= m.answered, `meter ${m.address}: readings ${m.readings}`);
    assert.ok(m.windows > 1000, `meter ${m.address}: ${m.windows} kernel windows`);
  }
  // The non-TTY status lines were printed: one per node.
  assert.match(out, /^aggregator\s+error-active/m);
  assert.equal((out.match(/^meter \d /gm) || []).length % 4, 0);
  // Devices printed into the log, not onto the terminal.
  assert.match(readFileSync(join(dir, "sim.log"), "utf8"), /meter2: meternet meter: sampling at 12800 Hz/);
});

test("npm start --silence: a meter that stops answering is offline, excluded, and fails the run with the reason", { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-start-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "key.json"), JSON.stringify({ masterKeyHex: "000102030405060708090a0b0c0d0e0f" }));
  // --until: the run ends after 480 s of device time however fast this host is (--duration caps the wall time).
  const p = spawn(process.execPath, ["--import", "tsx", "host/cli/main.ts", "start", "--until", "480", "--duration", "60", "--speed", "60", "--port", "0",
    "--slcan-port", "-1", "--console-port", "0", "--key-file", join(dir, "key.json"), "--log", join(dir, "sim.log"), "--status-every", "100",
    "--silence", "3@120", "--offline-after", "4", "--password", "correct horse"], { cwd: root });
  let out = "";
  p.stdout.on("data", (d) => (out += d));
  const code = await new Promise<number>((resolve) => p.on("close", (c) => resolve(c ?? -1)));
  const lines = out.trim().split("\n");
  const s = JSON.parse(lines[lines.length - 1]);
  assert.equal(code, 1);
  assert.equal(s.ok, false);
  assert.ok(s.simulatedS >= 480 && s.simulatedS < 482, `stopped at ${s.simulatedS} s of device time`);
  assert.ok(s.wallS < 60, `ended by --until, not --duration (${s.wallS} s)`);
  // two reasons, both meter 3's: offline, and the share of its polls it missed (every poll it owed since 120 s)
  assert.equal(s.failures.length, 2, s.failures.join("\n"));
  assert.ok(s.failures.some((f: string) => /^meter 3 offline at the end \(\d+ polls missed in a row\)$/.test(f)), s.failures.join("\n"));
  assert.ok(s.failures.some((f: string) => /^meter 3 missed \d+ of its \d+ polls \((7\d|8\d)(\.\d)? %, more than 5 %\)/.test(f)), s.failures.join("\n"));
  assert.equal(s.site.offline.length, 1);
  assert.equal(s.site.offline[0].meter, 3);
  assert.ok(s.site.offline[0].missedInARow >= 4);
  assert.equal(s.site.loads.find((l: { meter: number }) => l.meter === 3).why, "offline");
  assert.match(out, /Control login user "admin", password as given with --password/);
  assert.doesNotMatch(out, /correct horse/, "a given password is not echoed");
  assert.match(readFileSync(join(dir, "sim.log"), "utf8"), /meter 3 offline after 4 missed polls/);
});
