// meternet ota's arguments (host/cli/ota.ts) and the meter list syntax (otaClient.ts);
// the whole path against a running aggregator is host/sim/otaUpdate.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseOtaArgs, otaSucceeded, otaSummary } from "./ota.ts";
import { parseMeters, otaUpdate, OtaApiError } from "./otaClient.ts";
import { existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "../sim/network.ts";
import { authConfig } from "../sim/adminLogin.ts";
import { clockPump } from "../sim/clockPump.ts";
import { parseOtaStep, otaImage } from "../sim/otaPlan.ts";
import { tokenise } from "../../tools/build/pretokenise.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

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

// The begin carries the bundle's SHA-256 (otaClient.ts): a piece corrupted on the way to the
// aggregator makes its NOR copy differ, and the aggregator (route.ota over the board's staging C)
// refuses it with the last piece, before any manifest goes out. Against the simulator's aggregator.
test("meternet ota sends the bundle's SHA-256; a piece corrupted on the way is refused with a readable error and nothing is sent", { skip: existsSync(root + "build/aggregator.js") && existsSync(root + "build/stored/meter.js") ? false : "npm run build first", timeout: 60000 }, async () => {
  const password = "sha256 check only";
  const net = new SimNetwork({
    meters: 1, speed: 1, masterKey: new Uint8Array(16).fill(0x42), aggregatorBundle: readFileSync(root + "build/aggregator.js", "utf8"),
    meterBundle: readFileSync(root + "build/stored/meter.js", "latin1"), httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 21, 9, 0),
    startOfDayS: 11 * 3600, dipsPerSlot: 0, siteData: false, cogenerator: false, auth: authConfig("admin", password), output: () => {},
  });
  const pump = clockPump(net.clock);
  const bytes = new Uint8Array(Buffer.from(readFileSync(root + "build/stored/meter.js", "latin1") + "\nvar otaVersion = 2;\n", "latin1"));
  const bodies: Record<string, unknown>[] = [];
  try {
    await net.start();
    net.clock.advance(3000);
    const base = `http://127.0.0.1:${net.httpPort}/`;
    const update = (corrupt: boolean) => otaUpdate({
      base, user: "admin", password, bytes, log: () => {}, wait: async (ms) => { net.clock.advance(ms); },
      request: (u, i) => {
        const b = i.body ? JSON.parse(String(i.body)) as Record<string, unknown> : null;
        if (b) bodies.push(b);
        if (corrupt && b && b.do === "chunk" && b.offset === 1024) { // one byte flipped in the second piece
          const d = Buffer.from(String(b.data), "base64");
          d[7] ^= 0x20;
          i = { ...i, body: JSON.stringify({ ...b, data: d.toString("base64") }) };
        }
        return pump(fetch(u, i));
      },
    });
    await assert.rejects(update(true), (e: Error) => {
      assert.ok(e instanceof OtaApiError);
      assert.match(e.message, /^the bundle arrived corrupted: the aggregator's copy does not have its SHA-256 \([0-9a-f]{16}\.\.\.\); nothing was sent to the meters, run the update again$/);
      return true;
    });
    const begin = bodies.find((b) => b.do === "begin")!;
    assert.equal(begin.sha256, createHash("sha256").update(bytes).digest("hex"), "begin carries the bundle's SHA-256");
    assert.ok(!bodies.some((b) => b.do === "start"), "no start after the refusal");
    const login = await pump(fetch(base + "api/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "admin", password }) }));
    const cookie = /sid=[^;]+/.exec(login.headers.get("set-cookie") || "")![0];
    const st = await pump(fetch(base + "api/ota", { headers: { cookie } })).then((r) => r.json()) as { phase: string; staged: unknown; meters: unknown[] };
    assert.deepEqual([st.phase, st.staged, st.meters.length], ["idle", null, 0], "nothing staged, no update on the bus");
  } finally {
    await net.stop();
  }
});
