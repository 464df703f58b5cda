/**
 * npm run bench:device -- --espruino DIR [--rig thumb|x86|both] [--n1 10 --n2 40]
 *                          [--only meter|poll|aggregator|http|kernel|pretokenise|ui] [--routes / /api/state ...]
 *                          [--meters 8] [--pretokenise] [--switched] [--rebuild] [--port 18780] [--check]
 *                          [--only ota [--ota-fps 1000]]
 *
 * The timing rig of issue 17, run by hand on the current code (after `npm run build`).
 * (b) `thumb`: Espruino's Linux build cross-compiled as Cortex-M3 Thumb-2 code with soft-float
 * doubles (MNBENCH_THUMB_M3.py), run by qemu-arm with our instruction-counting plugin
 * (insnCount.c). (a) `x86`: the x86-64 proxy, the same interpreter source built for the host
 * (MNBENCH_LINUX64.py) under valgrind's callgrind. Both run build/meter.js and
 * build/aggregator.js with test/realInterpreter/prelude.js, and the poll-answer entries of
 * bench/can/interp. Each figure is a difference between runs of N1 and N2 iterations (boot
 * and teardown cancel), minus the same difference for an empty baseline where there is one.
 * The kernel and metering chain (C) come from `npm run bench:kernel` (qemu-system-arm, M3).
 * Never downloads; CI does not run it. README: bench/device/README.md.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readTreeVersion, describeVersion, versionProblem } from "../../tools/firmware/espruinoTree.ts";
import { callgrindRun, type RunOptions, type RunResult } from "./callgrind.ts";
import { meterEvents, scriptFor, WINDOW_MS, type Scenario } from "./harness.ts";
import { buildLinuxInterpreter } from "./linuxInterpreter.ts";
import { buildThumbRig } from "./thumbInterpreter.ts";
import { checkPlugin, thumbRun } from "./thumbRun.ts";
import { callsOf, UI_SCREENS, uiScript, type UiCase } from "./uiHarness.ts";
import { otaPlan, otaTransferEvents } from "./otaEvents.ts";
import { OTA_EV_END, OTA_EV_START, OTA_EV_VERDICT } from "../../host/native/ota.ts";

const ROOT = resolve(new URL("../..", import.meta.url).pathname);
const KEY = "000102030405060708090a0b0c0d0e0f";
const CPU_HZ = 72e6;
const WINDOW_CYCLES = (WINDOW_MS / 1000) * CPU_HZ;
/** Poll answers per second with 64 meters: 3.6 polls a meter a second (PLAN in modules/link/aggregatorLink.ts). */
const ANSWERS_PER_S_64 = 3.6 * 64;

interface Args {
  espruino?: string; n1: number; n2: number; only?: string; routes: string[]; rebuild: boolean; port: number; meters: number;
  pretokenise: boolean; switched: boolean; rig: "thumb" | "x86" | "both"; check: boolean; pollN: number; linkS: number; otaFps: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { n1: 10, n2: 40, routes: [], rebuild: false, port: 18780, meters: 8, pretokenise: false, switched: false, rig: "both", check: false, pollN: 64, linkS: 10, otaFps: 1000 };
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
    else if (k === "--check") a.check = true;
    else if (k === "--poll-n") a.pollN = Number(v());
    else if (k === "--link-s") a.linkS = Number(v());
    else if (k === "--ota-fps") a.otaFps = Number(v());
    else if (k === "--rig") {
      const r = v();
      if (r !== "thumb" && r !== "x86" && r !== "both") throw new Error("--rig must be thumb, x86 or both");
      a.rig = r;
    } else throw new Error(`unknown option ${k}`);
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
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether the run includes any of `parts` (no --only: all of them). */
const all = (a: Args, parts: string[]) => !a.only || parts.includes(a.only);
const fmt = (x: number | undefined) => (x === undefined ? "" : (x / 1e6).toFixed(3) + " M");
const pct = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1)) + " %";

interface Counter { name: "thumb" | "x86"; run: (o: RunOptions) => Promise<RunResult> }
type Figure = Partial<Record<"thumb" | "x86", number>>;

/**
 * One table row: Thumb-2 and x86-64 instructions, their ratio, and the share of the
 * chip's time the Thumb-2 figure takes (the x86-64 one where there is no Thumb-2 one)
 * at CPI 1.0 and 1.5: `cyclesAvailable` cycles per iteration (a window; a second / rate).
 */
function row(what: string, f: Figure, share: (insn: number, cpi: number) => string): string {
  const base = f.thumb ?? f.x86;
  const ratio = f.thumb !== undefined && f.x86 ? (f.thumb / f.x86).toFixed(2) : "";
  return `| ${what} | ${fmt(f.thumb)} | ${fmt(f.x86)} | ${ratio} | ${base === undefined ? "" : share(base, 1)} | ${base === undefined ? "" : share(base, 1.5)} |`;
}
const ofWindow = (insn: number, cpi: number) => pct((100 * insn * cpi) / WINDOW_CYCLES);
const msAt72 = (insn: number, cpi: number) => ((insn * cpi) / 72e3).toFixed(1) + " ms";
const ofCpu = (perS: number) => (insn: number, cpi: number) => pct((100 * insn * perS * cpi) / CPU_HZ);
const diff = (a: Figure, b: Figure): Figure => {
  const r: Figure = {};
  for (const k of ["thumb", "x86"] as const) if (a[k] !== undefined && b[k] !== undefined) r[k] = a[k]! - b[k]!;
  return r;
};

/** The poll-answer entries of bench/can/interp, bundled as its run.sh bundles them. */
function pollEntries(): { dir: string; script: (entry: string, n: number, k: number) => string } {
  const dir = mkdtempSync(join(tmpdir(), "meternet-poll-"));
  const r = spawnSync("npx", ["rollup", "-c", "bench/can/interp/rollup.config.js"], { cwd: ROOT, env: { ...process.env, BENCH_OUT: dir }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bundling bench/can/interp failed:\n${r.stdout}${r.stderr}`);
  return {
    dir,
    script: (entry, n, k) => `var BENCH_N = ${n}, BENCH_K = ${k};\n${readFileSync(join(dir, `${entry}.js`), "utf8")}\n` +
      `print("@@BENCH ${entry} " + BENCH_N + " result " + result);\n`,
  };
}

/** The kernel and metering chain per window on the M3 (qemu-system-arm -icount): npm run bench:kernel, 50 Hz device build. */
function kernelPerWindow(): { perWindow: number; line: string } {
  const out = execFileSync("npx", ["tsx", "bench/kernel/main.ts"], { cwd: ROOT, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const block = out.split("meter kernel cost:")[1] ?? "";
  const m = /instructions per second \((\d+) pairs\/s, ([\d.]+) windows\/s\)\s*\|\s*([\d.]+) M/.exec(block);
  if (!m) throw new Error(`bench:kernel printed no per-second figure:\n${out.slice(0, 2000)}`);
  const perWindow = (Number(m[3]) * 1e6) / Number(m[2]);
  return { perWindow, line: `bench:kernel (50 Hz device build): ${m[3]} M instructions/s at ${m[1]} pairs/s and ${m[2]} windows/s` };
}

/**
 * The touchscreen rows (build/meterUi.js, bench/device/uiHarness.ts): per screen, the UI's
 * JavaScript for one reading that changes the voltage (the UI's refresh: a reading a second,
 * modules/ui README) and for one opening of the screen (a full draw, on a touch). Each is
 * (I(N2) - I(N1)) / (N2 - N1) minus the harness's own work per iteration (readings into an
 * empty listener; the loop calling an empty function) minus the fake LCD's calls times the
 * cost of one fake call (measured the same way). Thumb-2 figures where the rig has them.
 */
async function uiRows(a: Args, counters: Counter[]): Promise<string[]> {
  const c = counters.find((k) => k.name === "thumb") ?? counters[0];
  console.log(`touchscreen UI (build/meterUi.js, fake LCD and MeterADC of host/ui/uiJsVars.ts) on the ${c.name} rig:`);
  const per = async (label: string, u: UiCase, n1: number, n2: number): Promise<{ insn: number; calls: number }> => {
    const r1 = await c.run({ interpreter: "", script: uiScript(u, n1) });
    const r2 = await c.run({ interpreter: "", script: uiScript(u, n2) });
    const insn = (r2.instructions - r1.instructions) / (n2 - n1);
    const calls = (callsOf(r2.benchLine) - callsOf(r1.benchLine)) / (n2 - n1);
    console.log(`  [${c.name}] ${label}: ${r1.instructions} (N=${n1}) ${r2.instructions} (N=${n2}) -> ${fmt(insn)} and ${calls} LCD calls per iteration; ${r2.benchLine}`);
    return { insn, calls };
  };
  const o1 = Math.max(1, Math.round(a.n1 / 5));
  const o2 = Math.max(o1 + 1, Math.round(a.n2 / 5));
  const step = await per("baseline: readings into an empty listener", { kind: "stepBase" }, a.n1, a.n2);
  const loop = await per("baseline: loop calling an empty function", { kind: "loopBase" }, a.n1, a.n2);
  const lcd = await per("one fake LCD text() call in that loop", { kind: "lcd" }, a.n1, a.n2);
  const lcdCall = lcd.insn - loop.insn;
  console.log(`  one fake LCD call: ${(lcdCall / 1e3).toFixed(1)} k instructions (subtracted per call); harness per reading ${(step.insn / 1e3).toFixed(1)} k, per loop turn ${(loop.insn / 1e3).toFixed(1)} k`);
  const k = (x: number) => (x / 1e3).toFixed(0) + " k";
  // a fraction: the header clock's minute turned during a run (the UI reads the wall clock)
  const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  const t = [
    `| screen (${c.name === "thumb" ? "Thumb-2, qemu-arm" : "x86-64, callgrind"}) | LCD calls per reading | UI JavaScript per reading (redraw of changed fields) | of the window, CPI 1.0 / 1.5 | of the CPU at 1 reading/s, CPI 1.0 / 1.5 | LCD calls per opening | UI JavaScript per opening (full draw) | time at 72 MHz, CPI 1.0 / 1.5 | of the window, CPI 1.5 |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (let i = 0; i < UI_SCREENS.length; i++) {
    const up = await per(`${UI_SCREENS[i]}: a reading`, { kind: "update", screen: i }, a.n1, a.n2);
    const op = await per(`${UI_SCREENS[i]}: an opening`, { kind: "open", screen: i }, o1, o2);
    const u = up.insn - step.insn - up.calls * lcdCall;
    const o = op.insn - loop.insn - op.calls * lcdCall;
    t.push(`| ${UI_SCREENS[i]} | ${n(up.calls)} | ${k(u)} | ${ofWindow(u, 1)} / ${ofWindow(u, 1.5)} | ${ofCpu(1)(u, 1)} / ${ofCpu(1)(u, 1.5)} | ` +
      `${n(op.calls)} | ${fmt(o)} | ${msAt72(o, 1)} / ${msAt72(o, 1.5)} | ${ofWindow(o, 1.5)} |`);
  }
  // the lever the table points at: format.ts pads a space per loop turn
  const padLoop = await per("padR(\"-\", 18), a space per loop turn (format.ts)", { kind: "padLoop" }, a.n1, a.n2);
  const padSubstr = await per("padR(\"-\", 18), one substr of spaces", { kind: "padSubstr" }, a.n1, a.n2);
  t.push(`\nOne padR("-", 18) in a loop turn: ${k(padLoop.insn)} with a space per loop turn (modules/ui/format.ts), ${k(padSubstr.insn)} with one substr of spaces (the loop turn: ${k(loop.insn)}).`);
  t.push(`N1 = ${a.n1}, N2 = ${a.n2} readings; ${o1} and ${o2} openings. Fake LCD call ${k(lcdCall)} instructions, subtracted per call. ` +
    `Window: 199.8 ms = ${(WINDOW_CYCLES / 1e6).toFixed(2)} M cycles at 72 MHz.`);
  return t;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const v = readTreeVersion(a.espruino!);
  console.log(`tree: ${describeVersion(v)}${versionProblem(v) ? ` (warning: ${versionProblem(v)})` : ""}`);
  for (const b of a.only === "ui" ? ["meterUi"] : a.only ? ["meter", "aggregator"] : ["meter", "aggregator", "meterUi"]) {
    if (!existsSync(join(ROOT, "build", `${b}.js`))) throw new Error(`build/${b}.js is missing: npm run build first`);
  }
  const counters: Counter[] = [];
  /** The aggregator's scripts need more variables than the meter's Thumb-2 build has (its own counter). */
  const aggCounters: Counter[] = [];
  if (a.rig !== "x86") {
    const rig = buildThumbRig(a.espruino!, join(ROOT, "build", "device", "thumb-m3"), 2, a.rebuild);
    console.log(`Thumb-2 interpreter: ${rig.interpreter} under ${rig.qemu} -plugin ${rig.plugin}`);
    if (a.check) {
      const c = checkPlugin(rig, "var x = 0; for (var i = 0; i < 100; i++) x += Math.sqrt(i) * 1.5; result = x > 0;");
      console.log(`plugin check (one execution, -singlestep -d exec,nochain log lines vs plugin): log ${c.log}, plugin ${c.plugin}`);
      if (Math.abs(c.log - c.plugin) > 2) throw new Error("the plugin's count differs from QEMU's execution log");
    }
    counters.push({ name: "thumb", run: (o) => thumbRun(rig, o) });
    if (all(a, ["aggregator", "http", "poll"])) {
      const big = buildThumbRig(a.espruino!, join(ROOT, "build", "device", "thumb-m3-big"), 2, a.rebuild, true);
      console.log(`Thumb-2 interpreter for the aggregator (30 000 variables of 15 bytes): ${big.interpreter}`);
      aggCounters.push({ name: "thumb", run: (o) => thumbRun(big, o) });
    }
  }
  if (a.rig !== "thumb") {
    const out = join(ROOT, "build", "device", a.switched ? "linux64-switched" : "linux64");
    mkdirSync(out, { recursive: true });
    const interpreter = buildLinuxInterpreter(a.espruino!, out, 2, a.rebuild, a.switched);
    console.log(`x86-64 interpreter: ${interpreter} under valgrind --tool=callgrind`);
    counters.push({ name: "x86", run: (o) => callgrindRun({ ...o, interpreter }) });
    aggCounters.push(counters[counters.length - 1]);
  }
  console.log(`N1 = ${a.n1}, N2 = ${a.n2}`);

  const rows: string[] = [];
  /** instructions per iteration on each rig: (I(N2) - I(N1)) / (N2 - N1) */
  const perIteration = async (label: string, script: (n: number) => string, n1: number, n2: number, client?: (n: number) => Promise<void>, on = counters): Promise<Figure> => {
    const f: Figure = {};
    for (const c of on) {
      const r1 = await c.run({ interpreter: "", script: script(n1), whileRunning: client && (() => client(n1)) });
      const r2 = await c.run({ interpreter: "", script: script(n2), whileRunning: client && (() => client(n2)) });
      if (/ result (?!1\b)/.test(r2.benchLine)) throw new Error(`${label}: the bench entry failed its own check: ${r2.benchLine}`);
      f[c.name] = (r2.instructions - r1.instructions) / (n2 - n1);
      console.log(`  [${c.name}] ${label}: ${r1.instructions} (N=${n1}) ${r2.instructions} (N=${n2}) -> ${fmt(f[c.name])} per iteration; ${r2.benchLine}`);
    }
    return f;
  };
  const scenario = (s: Scenario) => (n: number) => scriptFor(s, n);
  const meterFiles = { "meternet.json": { role: "meter", address: 1, keyHex: KEY, name: "bench" } };
  const everything = !a.only;
  let uiTable: string[] = [];
  let meterOn: Figure | undefined;

  if (everything || a.only === "meter" || a.only === "pretokenise") {
    console.log("meter (per window of 10 cycles, 199.8 ms of device time):");
    const listen = meterEvents(readFileSync(join(ROOT, "build/meter.js"), "utf8"));
    const base = await perIteration(`baseline: prelude, empty listener (${listen.join(", ")})`, scenario({ drive: "windows", listen }), a.n1, a.n2);
    if (a.only !== "pretokenise") {
      const off = await perIteration("build/meter.js, CAN link off", scenario({ drive: "windows", bundle: join(ROOT, "build/meter.js") }), a.n1, a.n2);
      const on = await perIteration("build/meter.js, CAN link on", scenario({ drive: "windows", bundle: join(ROOT, "build/meter.js"), files: meterFiles }), a.n1, a.n2);
      meterOn = diff(on, base);
      rows.push(row("meter JavaScript per window, measurement only (CAN link off)", diff(off, base), ofWindow));
      rows.push(row("meter JavaScript per window, CAN link on", meterOn, ofWindow));
      rows.push(row("of which the CAN link (answers published every 5th window)", diff(on, off), ofWindow));
    }
    rows.push(row("(prelude's own window stand-in work, subtracted)", base, () => ""));
    if (a.pretokenise || a.only === "pretokenise") {
      for (const [what, s] of [
        ["from a RAM string, CAN on, plain", { fromRamString: true }], ["from a RAM string, CAN on, pretokenised", { fromRamString: true, pretokenised: true }],
        ["from Storage, CAN on, plain", { fromStorage: true }], ["from Storage, CAN on, pretokenised", { fromStorage: true, pretokenised: true }],
      ] as const) {
        const f = await perIteration(`build/meter.js ${what}`, scenario({ drive: "windows", bundle: join(ROOT, "build/meter.js"), files: meterFiles, ...s }), a.n1, a.n2);
        rows.push(row(`meter per window ${what}`, diff(f, base), ofWindow));
      }
    }
  }
  if (everything || a.only === "kernel") {
    const k = kernelPerWindow();
    console.log(k.line);
    rows.push(row("meter kernel + metering chain (C) per window, Cortex-M3 (bench:kernel)", { thumb: k.perWindow }, ofWindow));
    if (meterOn?.thumb !== undefined) rows.push(row("**meter total per window, CAN link on (JavaScript + C)**", { thumb: meterOn.thumb + k.perWindow }, ofWindow));
  }
  if (everything || a.only === "poll") {
    const p = pollEntries();
    try {
      console.log(`poll answers (bench/can/interp entries, N = 0 and ${a.pollN}):`);
      const pub = await perIteration("meter publish of 7 answers (meterPublish)", (n) => p.script("meterPublish", n, a.pollN), 0, a.pollN);
      rows.push(row("meter: one publish of the 7 polled answers (signed in C, armed)", pub, ofWindow));
      const ans = await perIteration("aggregator poll answer (aggAnswer)", (n) => p.script("aggAnswer", n, a.pollN), 0, a.pollN);
      rows.push(row(`aggregator per poll answer (share: ${ANSWERS_PER_S_64.toFixed(0)} answers/s, 64 meters)`, ans, ofCpu(ANSWERS_PER_S_64)));
      if (a.linkS > 0) {
        const link = await perIteration("aggregator CAN path, 64 meters (aggLink, after boot + 10 s warm-up)", (n) => p.script("aggLink", n, a.pollN), 0, a.linkS, undefined, aggCounters);
        rows.push(row("aggregator whole CAN path per device second, 64 meters (aggLink)", link, ofCpu(1)));
      }
    } finally {
      rmSync(p.dir, { recursive: true, force: true });
    }
  }
  if (everything || a.only === "aggregator" || a.only === "http") {
    // the meters in agg.json's site (its older form, still read: the link polls the registry's meters)
    const meters = Array.from({ length: a.meters }, (_, i) => ({ address: i + 1, name: `m${i + 1}`, household: `h${i + 1}`, keyId: i + 1, hasRelay: false, priority: 9 }));
    const files = { "meternet.json": { role: "aggregator", masterKeyHex: KEY }, "agg.json": { port: a.port, site: { maxMeters: Math.max(8, a.meters), meters } } };
    const bundle = join(ROOT, "build/aggregator.js");
    console.log(`aggregator (${a.meters} meters configured, none answering: the prelude's CAN bus is empty):`);
    if (a.only !== "http") {
      const tickBase = await perIteration("baseline: harness ticking", scenario({ drive: "seconds" }), a.n1, a.n2, undefined, aggCounters);
      const tick = await perIteration("build/aggregator.js, one second of polling", scenario({ drive: "seconds", bundle, files }), a.n1, a.n2, undefined, aggCounters);
      rows.push(row(`aggregator per second of device time (${a.meters} meters polled, no answers)`, diff(tick, tickBase), ofCpu(1)));
    }
    const n1 = Math.max(1, Math.round(a.n1 / 5));
    const n2 = Math.max(n1 + 1, Math.round(a.n2 / 5));
    for (const route of a.routes) {
      const client = async (n: number) => {
        await waitForPort(a.port, 10 * 60 * 1000);
        // the ping above was request 1; requests 2..n are the route, sent at once so that the
        // interpreter is not idling between them (its idle loop runs on the wall clock);
        // request n+1 ends the run
        await Promise.all(Array.from({ length: n - 1 }, () => get(a.port, route)));
        await get(a.port, route).catch(() => 0);
      };
      const per = await perIteration(`GET ${route}`, scenario({ drive: "requests", bundle, files }), n1, n2, client, aggCounters);
      rows.push(row(`aggregator per GET ${route} (server side; time at 72 MHz)`, per, msAt72));
    }
  }
  if (everything || a.only === "ui") uiTable = await uiRows(a, counters);
  if (a.only === "ota") {
    // A transfer of build/stored/meter.js (what the aggregator sends) as the C hands it to the
    // meter's JavaScript (otaEvents.ts), replayed at --ota-fps chunks a second while the bundle
    // measures (CAN link on: readings, publishes, FRAM) on the rig. Every run holds the same
    // harness timer for the events; only which events reach the callback differs.
    const image = new Uint8Array(readFileSync(join(ROOT, "build/stored/meter.js")));
    const xfer = otaTransferEvents(image);
    const plan = otaPlan(xfer, a.otaFps, WINDOW_MS);
    console.log(`OTA: build/stored/meter.js ${image.length} B, ${xfer.chunks} chunks; the C's events (otaMeterLink.c through the meterOta addon, bus time ms): ` +
      xfer.events.map((e) => `${e.type}(${e.a},${e.b})@${e.busMs.toFixed(0)}`).join(" "));
    console.log(`  replayed at ${a.otaFps} chunks/s from ${plan.atMs.toFixed(1)} ms: during the transfer windows ${plan.n1}..${plan.n2} hold ${plan.progressInSpan} progress events; ` +
      `progress every ${plan.progressEveryMs.toFixed(0)} ms; the whole update (start to the restart) within ${plan.nWhole} windows`);
    const bundle = join(ROOT, "build/meter.js");
    const ota = (deliver: (type: number) => boolean) => ({ events: plan.schedule.map((e) => [...e, deliver(e[1]) ? 1 : 0]), atMs: plan.atMs });
    const run = (deliver: (type: number) => boolean) => scenario({ drive: "windows", bundle, files: meterFiles, ota: ota(deliver) });
    // the meter at rest over a minute (windows 25..325: every periodic task of the bundle, its
    // 1 s, 3 s and 60 s ones, in proportion), without the events' timer
    const listen = meterEvents(readFileSync(bundle, "utf8"));
    const restN1 = 25, restN2 = 325;
    const base = await perIteration("baseline: prelude, empty listener", scenario({ drive: "windows", listen }), restN1, restN2);
    const rest = await perIteration("build/meter.js, CAN link on, no transfer", scenario({ drive: "windows", bundle, files: meterFiles }), restN1, restN2);
    // the transfer's own cost: the same runs with and without the events delivered
    const idle = await perIteration("build/meter.js, CAN link on, the events' timer delivering nothing", run(() => false), plan.n1, plan.n2);
    const during = await perIteration(`build/meter.js, CAN link on, a transfer at ${a.otaFps} chunks/s (windows ${plan.n1}..${plan.n2}: progress events only)`, run(() => true), plan.n1, plan.n2);
    const perEvent = diff(during, idle);
    for (const k of Object.keys(perEvent) as ("thumb" | "x86")[]) perEvent[k] = (perEvent[k]! * (plan.n2 - plan.n1)) / plan.progressInSpan;
    const perWindow: Figure = {};
    for (const k of Object.keys(perEvent) as ("thumb" | "x86")[]) perWindow[k] = perEvent[k]! * plan.progressPerWindow;
    // once each: the same run of nWhole windows with one kind of event delivered, minus none delivered
    // (the interpreter's idle loop between the harness's ticks runs on the wall clock: a run
    // varies by some 10 k instructions, so each figure is the median of three pairs)
    const once = async (label: string, deliver: (type: number) => boolean): Promise<Figure> => {
      const f: Figure = {};
      const want = plan.schedule.filter((e) => deliver(e[1])).length;
      for (const c of counters) {
        const d: number[] = [];
        for (let i = 0; i < 3; i++) {
          const r0 = await c.run({ interpreter: "", script: run(() => false)(plan.nWhole) });
          const r1 = await c.run({ interpreter: "", script: run(deliver)(plan.nWhole) });
          if (!new RegExp(` ota ${want} reboots `).test(r1.benchLine)) throw new Error(`${label}: ${want} events should have reached the bundle's onOta callback: ${r1.benchLine}`);
          d.push(r1.instructions - r0.instructions);
          console.log(`  [${c.name}] ${label}: ${r0.instructions} (none delivered) ${r1.instructions} (delivered) -> ${fmt(d[i])}; ${r1.benchLine}`);
        }
        f[c.name] = d.sort((x, y) => x - y)[1];
      }
      return f;
    };
    const start = await once("the start event (counters persisted on the FRAM)", (t) => t === OTA_EV_START);
    const verdict = await once("the verdict event (image verified)", (t) => t === OTA_EV_VERDICT);
    const end = await once("the end event (counters persisted, restart armed)", (t) => t === OTA_EV_END);
    const whole = await once("the whole update's events", () => true);
    const idleW = diff(rest, base);
    rows.push(row(`meter JavaScript per window, CAN link on, no transfer (windows ${restN1}..${restN2}: a minute)`, idleW, ofWindow));
    const withTransfer: Figure = {};
    for (const k of Object.keys(perWindow) as ("thumb" | "x86")[]) if (idleW[k] !== undefined) withTransfer[k] = idleW[k]! + perWindow[k]!;
    rows.push(row(`meter JavaScript per window, CAN link on, transfer at ${a.otaFps} chunks/s (+ progress: ${plan.progressPerWindow.toFixed(3)} events a window)`, withTransfer, ofWindow));
    rows.push(row("of which the transfer's JavaScript per window", perWindow, ofWindow));
    rows.push(row("one progress event (the C's every eighth of the chunks)", perEvent, msAt72));
    rows.push(row("the start event once (counters to the FRAM)", start, msAt72));
    rows.push(row("the verdict event once", verdict, msAt72));
    rows.push(row("the end event once (counters to the FRAM, restart armed)", end, msAt72));
    rows.push(row(`the whole update's JavaScript (${plan.schedule.length} events)`, whole, msAt72));
    rows.push(row("(prelude's own window stand-in work, subtracted from the per-window rows)", base, () => ""));
  }
  if (rows.length) console.log("\n| instructions per iteration | Thumb-2 (Cortex-M3 code, qemu-arm) | x86-64 (callgrind) | Thumb-2 / x86-64 | at CPI 1.0 (72 MHz) | at CPI 1.5 |\n|---|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(r);
  if (uiTable.length) console.log("\n" + uiTable.join("\n"));
  if (rows.length) console.log(`\nShares use the Thumb-2 count (the x86-64 one where there is none): of the window (199.8 ms = ${(WINDOW_CYCLES / 1e6).toFixed(2)} M cycles ` +
    `at 72 MHz), of the CPU (per second figures; poll answers at ${ANSWERS_PER_S_64.toFixed(1)} a second), or the time of one request.`);
}

main().catch((e) => { console.error(`bench:device: ${e instanceof Error ? e.message : String(e)}`); process.exit(1); });
