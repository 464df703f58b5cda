// Issue 18's end-to-end run in the simulator, through the operator's path: the HTTP API
// of the aggregator's route.ota (login, upload to its NOR, start, status), the boards' C
// on the bit-timed bus (otaAttach.ts), the meters' JavaScript (modules/ota/meterOta.ts:
// counters, trial) and the board's C boot hook through the addon (meterBoot.ts) on the meters' NOR models.
// 1. every meter is updated to a changed bundle, switches, runs it in trial and confirms;
//    the aggregator's API says so per meter (switched, trial, confirmed: each meter's boot
//    report in its STATUS answer, asked by the aggregator's C after the switch);
// 2. every meter is updated to a bundle that throws at start: it switches, never
//    confirms, and its boot record reverts it at the deadline to the changed bundle, which
//    then says at boot that the update was reverted and why; the API says "reverted
//    (deadline)" per meter.
// 3. what npm start's summary makes of it: a restarted meter is silent until the
//    aggregator resynchronises it (no bad MAC: before, 9 per 3 power cycles and 27 per
//    switch of 3 meters), the polls missed while updates restarted the meters and the
//    crashing script's uncaught errors are the updates' (counted apart), and the run is
//    ok; a forged frame still counts and fails it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "./network.ts";
import { authConfig } from "./adminLogin.ts";
import { otaUpdate, type OtaStatus } from "../cli/otaClient.ts";
import { BOOT_F_TRIAL } from "../native/ota.ts";
import { summary } from "./report.ts";
import { BxcanModel } from "../canbus/bxcanModel.ts";
import { tokenise } from "../../tools/build/pretokenise.js";
import { clockPump } from "./clockPump.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const MASTER = new Uint8Array(16).fill(0x42);
const PASSWORD = "correct horse battery";
const METERS = 3;
const built = existsSync(root + "build/stored/meter.js") && existsSync(root + "build/stored/aggregator/route.ota.js");

test("npm start's update path: every meter updated and confirmed, then every meter reverted from a crashing bundle", { skip: built ? false : "npm run build first", timeout: 300000 }, async () => {
  // the images are the stored (pretokenised) bundle, what a meter's Storage holds and its slot is sized for
  const v1 = readFileSync(root + "build/stored/meter.js", "latin1");
  const v2 = v1 + tokenise("\nvar otaVersion = 2;\n");
  const bad = tokenise("throw new Error('ota test: this script fails at start');\n") + v1;
  const lines: string[] = [];
  const net = new SimNetwork({
    meters: METERS, speed: 1, masterKey: MASTER, aggregatorBundle: readFileSync(root + "build/aggregator.js", "utf8"), meterBundle: v1,
    httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 21, 9, 0), startOfDayS: 11 * 3600, dipsPerSlot: 0, siteData: false, cogenerator: false,
    auth: authConfig("admin", PASSWORD), otaConfirmS: 10, otaTrialDeadlineS: 30,
    output: (node, text) => { for (const l of text.split("\n")) if (l.trim()) lines.push(node + ": " + l); },
  });
  const pump = clockPump(net.clock);
  const update = (bytes: string, log: string[]): Promise<OtaStatus> => otaUpdate({
    base: `http://127.0.0.1:${net.httpPort}/`, user: "admin", password: PASSWORD, bytes: new Uint8Array(Buffer.from(bytes, "latin1")),
    request: (u, i) => pump(fetch(u, i)), wait: async (ms) => { net.clock.advance(ms); }, log: (l) => { log.push(l); lines.push("client: " + l); },
  });
  const meters = net.nodes.filter((n) => n.meter);
  const version = (i: number) => String(meters[i].rt.eval("typeof otaVersion === 'undefined' ? 1 : otaVersion"));
  const said = (node: string, re: RegExp) => lines.some((l) => l.startsWith(node + ": ") && re.test(l));
  try {
    await net.start();
    net.clock.advance(6000);

    // a state change like the others: no login, no update (and a login without the CSRF token neither)
    const anon = await pump(fetch(`http://127.0.0.1:${net.httpPort}/api/ota`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ do: "begin", size: 100 }) }));
    assert.ok(anon.status === 401 || anon.status === 403, "unauthenticated: " + anon.status);
    const login = await pump(fetch(`http://127.0.0.1:${net.httpPort}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "admin", password: PASSWORD }) }));
    const sid = /sid=[^;]+/.exec(login.headers.get("set-cookie") || "")![0];
    const noCsrf = await pump(fetch(`http://127.0.0.1:${net.httpPort}/api/ota`, { method: "POST", headers: { "content-type": "application/json", cookie: sid }, body: JSON.stringify({ do: "begin", size: 100 }) }));
    assert.equal(noCsrf.status, 403, "no CSRF token");

    const log1: string[] = [];
    const s1 = await update(v2, log1);
    assert.deepEqual(s1.meters.map((t) => t.state), Array(METERS).fill("confirmed"), log1.join("\n"));
    assert.equal(s1.phase, "done", "every switched meter reported: the watch is over");
    for (const t of s1.meters) assert.equal(t.have, t.total);
    // on the way: switched, then each meter's trial (its boot report), then confirmed
    assert.ok(log1.some((l) => /^ota: watching: (\d+ (switched|trial) \d+\/\d+(, )?){3}$/.test(l)), log1.join("\n"));
    assert.ok(log1.some((l) => /^ota: watching: .*\b1 trial\b/.test(l)), "meter 1's trial was seen: " + log1.join("\n"));
    net.clock.advance(20000); // 50 ms to the restart, then the 10 s trial
    for (let i = 0; i < METERS; i++) {
      const name = meters[i].name;
      assert.equal(version(i), "2", name + " runs the changed bundle");
      assert.ok(said(name, /ota: update \d+ started, \d+ chunks/), name + " printed the start");
      assert.ok(said(name, /ota: image verified/), name + " printed the verdict");
      assert.ok(said(name, /ota: on trial, confirming after 10 s healthy/), name);
      assert.ok(said(name, /ota: trial confirmed, windows \d+, answers [1-9]\d*/), name + " confirmed after answering polls");
      const rec = meters[i].ota!.hook!.record();
      assert.equal(rec[1], 1, name + " runs slot B");
      assert.equal(rec[2] & BOOT_F_TRIAL, 0, name + " trial over");
    }

    const log2: string[] = [];
    const s2 = await update(bad, log2);
    // the transfer does not judge the script; the trial does, and the API reports its outcome
    assert.deepEqual(s2.meters.map((t) => t.state + " (" + t.cause + ")"), Array(METERS).fill("reverted (deadline)"), log2.join("\n"));
    // a script that throws at start never listens: "switched" (no answer, no failure) until the revert
    assert.ok(log2.some((l) => /^ota: watching: (\d+ switched \d+\/\d+(, )?){3}$/.test(l)), log2.join("\n"));
    net.clock.advance(5000);
    for (let i = 0; i < METERS; i++) {
      const name = meters[i].name, hook = meters[i].ota!.hook!;
      assert.equal(hook.reverts, 1, name + " reverted once");
      assert.equal(hook.record()[4], 3, name + ": reason deadline");
      assert.equal(hook.last.action, 1, name + ": the boot hook copied the previous slot back into Storage");
      assert.equal(version(i), "2", name + " back on the changed bundle");
      assert.ok(said(name, /ota: last update REVERTED \(deadline\)/), name + " said so at boot");
      assert.ok(said(name, /Uncaught Error: ota test: this script fails at start/), name + " ran the failing bundle");
    }
    // and they answer polls again
    const answered = meters.map((m) => { const o = new Uint32Array(5); net.aggregator.can.linkMeter(m.meter!.address, o); return o[1]; });
    net.clock.advance(5000);
    meters.forEach((m, i) => { const o = new Uint32Array(5); net.aggregator.can.linkMeter(m.meter!.address, o); assert.ok(o[1] > answered[i], m.name + " answers polls"); });

    // the summary: no bad MAC from 6 restarts, the updates' misses and errors apart, ok
    const web = { status: 200, bytes: 1, dashboard: true };
    const s = summary(net, 1, web, false) as { ok: boolean; failures: string[]; rejected: { badMac: number }; perMeter: { missed: number; otaMissed?: number; otaUncaughtReverted?: number }[] };
    assert.deepEqual(s.failures, [], "the run is ok");
    assert.equal(s.rejected.badMac, 0, "restarted meters stay silent until resynchronised: no bad MAC");
    for (const m of s.perMeter) {
      assert.ok((m.otaMissed ?? 0) > 0, "the polls missed while the updates restarted it are counted apart: " + JSON.stringify(m));
      assert.equal(m.otaUncaughtReverted, 1, "the crashing script's error is the update's");
    }
    for (const m of meters) assert.equal(m.ota!.hook!.cost.open, false, m.name + ": both updates' windows closed");
    // a forged answer (meter 1's identifier, a MAC nobody computed) is still a bad MAC and fails the run
    const rogue = new BxcanModel(net.bus, "rogue");
    rogue.start(125000);
    rogue.send({ id: 0x001, extended: false, rtr: false, dlc: 8, data: new Uint8Array([0, 0, 0, 0, 0, 0x12, 0x34, 0x56]) });
    net.clock.advance(200);
    const forged = summary(net, 1, web, false) as { ok: boolean; failures: string[]; rejected: { badMac: number } };
    assert.equal(forged.rejected.badMac, 1);
    assert.equal(forged.ok, false);
    assert.match(forged.failures.join("; "), /\d+ rejected frames without an attacker/); // the aggregator's bad MAC, and meter 1 refuses it too
  } finally {
    // OTA_TRACE=FILE: the devices' OTA lines and the client's, for a reader
    if (process.env.OTA_TRACE) writeFileSync(process.env.OTA_TRACE, lines.filter((l) => /ota|OTA|SIMULATOR|Uncaught/.test(l)).join("\n") + "\n");
    await net.stop();
  }
});
