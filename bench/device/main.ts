/**
 * npm run bench:device -- --espruino DIR [--n1 10 --n2 40] [--only meter|aggregator|http|pretokenise] [--routes / /api/state ...]
 *                          [--meters 8] [--pretokenise] [--switched] [--rebuild] [--port 18780]
 *
 * The timing rig of issue 17, run by hand on the current code (after `npm run build`):
 * the x86-64 proxy. Espruino's Linux interpreter built from DIR as a board build is
 * (bench/device/MNBENCH_LINUX64.py), running build/meter.js and build/aggregator.js with
 * test/realInterpreter/prelude.js under valgrind's callgrind. Each figure is a difference
 * between runs of N1 and N2 iterations (boot and teardown cancel), minus the same
 * difference for an empty baseline where there is one. Never downloads; CI does not run it.
 * README: bench/device/README.md.
 */
import { existsSync, mkdirSync } from "node:fs";
import { request } from "node:http";
import { join, resolve } from "node:path";
import { readTreeVersion, describeVersion, versionProblem } from "../../tools/firmware/espruinoTree.ts";
import { callgrindRun } from "./callgrind.ts";
import { scriptFor, WINDOW_MS, type Scenario } from "./harness.ts";
import { buildLinuxInterpreter } from "./linuxInterpreter.ts";

const ROOT = resolve(new URL("../..", import.meta.url).pathname);
const KEY = "000102030405060708090a0b0c0d0e0f";

interface Args { espruino?: string; n1: number; n2: number; only?: string; routes: string[]; rebuild: boolean; port: number; meters: number; pretokenise: boolean; switched: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { n1: 10, n2: 40, routes: [], rebuild: false, port: 18780, meters: 8, pretokenise: false, switched: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${k} needs a value`); return argv[++i]; };
    if (k === "--espruino") a.espruino = resolve(v());
    else if (k === "--n1") a.n1 = Number(v());
    else if (k === "--n2") a.n2 = Number(v());
    else if (k === "--only") a.only = v();
    else if (k === "--routes") { while (i + 1 < argv.length && argv[i + 1].startsWith("/")) a.routes.push(argv[++i]); }
    else if (k === "--rebuild") a.rebuild = true;
    else if (k === "--port") a.port = Number(v());
    else if (k === "--meters") a.meters = Number(v());
    else if (k === "--pretokenise") a.pretokenise = true;
    else if (k === "--switched") a.switched = true;
    else throw new Error(`unknown option ${k}`);
  }
  if (!a.espruino) throw new Error("--espruino DIR is required (an Espruino tree at RELEASE_2V29)");
  if (!(a.n2 > a.n1 && a.n1 >= 1)) throw new Error("--n2 must be larger than --n1 (both >= 1)");
  if (!a.routes.length) a.routes = ["/", "/api/state"];
  return a;
}

function get(port: number, path: string): Promise<number> {
  return new Promise((res, rej) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET", timeout: 120000 }, (r) => {
      let bytes = 0;
      r.on("data", (d: Buffer) => { bytes += d.length; });
      r.on("end", () => res(bytes));
    });
    req.on("error", rej);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try { await get(port, "/__bench_ping_does_not_exist"); return; } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const fmt = (x: number) => (x / 1e6).toFixed(3) + " M";

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const v = readTreeVersion(a.espruino!);
  console.log(`tree: ${describeVersion(v)}${versionProblem(v) ? ` (warning: ${versionProblem(v)})` : ""}`);
  for (const b of ["meter", "aggregator"]) {
    if (!existsSync(join(ROOT, "build", `${b}.js`))) throw new Error(`build/${b}.js is missing: npm run build first`);
  }
  const out = join(ROOT, "build", "device", a.switched ? "linux64-switched" : "linux64");
  mkdirSync(out, { recursive: true });
  const interpreter = buildLinuxInterpreter(a.espruino!, out, 2, a.rebuild, a.switched);
  console.log(`interpreter: ${interpreter}; N1 = ${a.n1}, N2 = ${a.n2}`);

  const rows: string[] = [];
  /** instructions per iteration: (I(N2) - I(N1)) / (N2 - N1) */
  const perIteration = async (label: string, s: Scenario, n1: number, n2: number, client?: (n: number) => Promise<void>) => {
    const r1 = await callgrindRun({ interpreter, script: scriptFor(s, n1), whileRunning: client && (() => client(n1)) });
    const r2 = await callgrindRun({ interpreter, script: scriptFor(s, n2), whileRunning: client && (() => client(n2)) });
    const per = (r2.instructions - r1.instructions) / (n2 - n1);
    console.log(`  ${label}: ${r1.instructions} (N=${n1}) ${r2.instructions} (N=${n2}) -> ${fmt(per)} per iteration; ${r2.benchLine}`);
    return per;
  };

  if (!a.only || a.only === "meter" || a.only === "pretokenise") {
    console.log("meter (per window of 10 cycles, 199.8 ms of device time):");
    const base = await perIteration("baseline: prelude, empty listener", { drive: "windows" }, a.n1, a.n2);
    if (a.only !== "pretokenise") {
      const off = await perIteration("build/meter.js, CAN link off", { drive: "windows", bundle: join(ROOT, "build/meter.js") }, a.n1, a.n2);
      const on = await perIteration("build/meter.js, CAN link on", { drive: "windows", bundle: join(ROOT, "build/meter.js"),
        files: { "meternet.json": { role: "meter", address: 1, keyHex: KEY, name: "bench" } } }, a.n1, a.n2);
      for (const [what, x] of [["meter JavaScript per window, CAN link off", off - base], ["meter JavaScript per window, CAN link on", on - base],
        ["of which the CAN link (answers re-signed every 5th window)", on - off]] as const) {
        rows.push(`| ${what} | ${fmt(x)} | ${(100 * x / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % | ${(100 * 1.5 * x / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % |`);
      }
    }
    rows.push(`| (prelude's own window decoding, subtracted) | ${fmt(base)} | | |`);
    if (a.pretokenise || a.only === "pretokenise") {
      // as a device runs it: from a Storage file, plain and as the CLI's PRETOKENISE=2 stores it
      const plain = await perIteration("build/meter.js from Storage, CAN link on", { drive: "windows", bundle: join(ROOT, "build/meter.js"), fromStorage: true,
        files: { "meternet.json": { role: "meter", address: 1, keyHex: KEY, name: "bench" } } }, a.n1, a.n2);
      const tok = await perIteration("build/meter.js from Storage pretokenised, CAN link on", { drive: "windows", bundle: join(ROOT, "build/meter.js"), fromStorage: true, pretokenised: true,
        files: { "meternet.json": { role: "meter", address: 1, keyHex: KEY, name: "bench" } } }, a.n1, a.n2);
      const ramPlain = await perIteration("build/meter.js from a RAM string, CAN link on", { drive: "windows", bundle: join(ROOT, "build/meter.js"), fromRamString: true,
        files: { "meternet.json": { role: "meter", address: 1, keyHex: KEY, name: "bench" } } }, a.n1, a.n2);
      const ramTok = await perIteration("build/meter.js from a RAM string pretokenised, CAN link on", { drive: "windows", bundle: join(ROOT, "build/meter.js"), fromRamString: true, pretokenised: true,
        files: { "meternet.json": { role: "meter", address: 1, keyHex: KEY, name: "bench" } } }, a.n1, a.n2);
      rows.push(`| meter per window from a RAM string, CAN on, plain | ${fmt(ramPlain - base)} | ${(100 * (ramPlain - base) / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % | ${(150 * (ramPlain - base) / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % |`);
      rows.push(`| meter per window from a RAM string, CAN on, pretokenised | ${fmt(ramTok - base)} | ${(100 * (ramTok - base) / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % | ${(150 * (ramTok - base) / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % |`);
      rows.push(`| meter per window from Storage, CAN on, plain | ${fmt(plain - base)} | ${(100 * (plain - base) / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % | ${(150 * (plain - base) / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % |`);
      rows.push(`| meter per window from Storage, CAN on, pretokenised | ${fmt(tok - base)} | ${(100 * (tok - base) / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % | ${(150 * (tok - base) / (WINDOW_MS / 1000 * 72e6)).toFixed(0)} % |`);
    }
  }
  if (!a.only || a.only === "aggregator" || a.only === "http") {
    const meters = Array.from({ length: a.meters }, (_, i) => ({ address: i + 1, name: `m${i + 1}`, household: `h${i + 1}`, hasRelay: false }));
    const files = { "meternet.json": { role: "aggregator", masterKeyHex: KEY, meters }, "agg.json": { port: a.port } };
    const bundle = join(ROOT, "build/aggregator.js");
    console.log(`aggregator (${a.meters} meters configured, none answering: the prelude's CAN bus is empty):`);
    if (a.only !== "http") {
      const tickBase = await perIteration("baseline: harness ticking", { drive: "seconds" }, a.n1, a.n2);
      const tick = await perIteration("build/aggregator.js, one second of polling", { drive: "seconds", bundle, files }, a.n1, a.n2);
      rows.push(`| aggregator per second of device time (${a.meters} meters polled, no answers) | ${fmt(tick - tickBase)} | ${(100 * (tick - tickBase) / 72e6).toFixed(1)} % of 1 s | ${(150 * (tick - tickBase) / 72e6).toFixed(1)} % of 1 s |`);
    }
    const n1 = Math.max(1, Math.round(a.n1 / 5));
    const n2 = Math.max(n1 + 1, Math.round(a.n2 / 5));
    for (const route of a.routes) {
      const client = async (n: number) => {
        await waitForPort(a.port, 10 * 60 * 1000);
        // the ping above was request 1; requests 2..n are the route, request n+1 ends the run
        for (let k = 1; k < n; k++) await get(a.port, route);
        await get(a.port, route).catch(() => 0);
      };
      const per = await perIteration(`GET ${route}`, { drive: "requests", bundle, files }, n1, n2, client);
      rows.push(`| aggregator per GET ${route} (server side) | ${fmt(per)} | ${(per / 72e3).toFixed(0)} ms at 72 MHz | ${(1.5 * per / 72e3).toFixed(0)} ms |`);
    }
  }
  console.log("\n| x86-64 instructions (callgrind) | per iteration | share at CPI 1.0 (72 MHz) | at CPI 1.5 |\n|---|---:|---:|---:|");
  for (const r of rows) console.log(r);
  console.log("\nShares assume one Thumb-2 instruction per x86-64 instruction (issue 17: 1.0-1.5 in practice): " +
    "window = 199.8 ms = 14.4 M cycles at 72 MHz.");
}

main().catch((e) => { console.error(`bench:device: ${e instanceof Error ? e.message : String(e)}`); process.exit(1); });
