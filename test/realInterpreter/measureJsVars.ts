/**
 * Measures the JsVars our bundles use on the real interpreter, booted from Storage as a
 * board boots (function code stays in flash: a --test run copies the whole source into
 * RAM and does not fit). For every scenario of host/runtime/accounting/scenarios.ts it
 * starts the interpreter in a fresh folder (its Storage is ./espruino.flash there), types
 * at its console what the espruino CLI sends with SAVE_ON_SEND (Storage.write chunks of
 * .boot0 = test/realInterpreter/prelude.js, .bootcde = build/<bundle>.js, the config
 * files), then load(); the prelude prints "@@MEM boot ..." at the first idle after boot,
 * and at each later snapshot the console asks process.memory() (which garbage-collects
 * first). Writes the figures to test/realInterpreter/measuredJsVars.json, the fixture
 * host/runtime/accounting/jsVars.test.ts holds the host estimate against.
 *
 *   npm run build && npx tsx test/realInterpreter/measureJsVars.ts /work/scratch/bin/espruino32-3600 [--stored] [scenario...]
 *
 * --stored: the bundle and its code files in their stored (pretokenised) form,
 * build/stored/ (what npm run upload puts in Storage, tools/build/pretokenise.js); the
 * figures are filed as "stored:<scenario>[@N]", apart from the plain ones the host
 * estimate is checked against.
 *
 * Never downloads anything; CI does not run it (CI has no interpreter).
 */
import { builtAssets } from "../../host/web/assets.ts";
import { norWebImage } from "../../host/cli/uploadWebNor.ts";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SCENARIOS, AGG_PORT, WEB_ROUTES, codeFiles, norStandInFiles, type Scenario } from "../../host/runtime/accounting/scenarios.ts";
import { chipCanJsVars } from "../../host/runtime/accounting/chipCan.ts";

const ROOT = resolve(import.meta.dirname, "../..");
export const FIXTURE = join(ROOT, "test/realInterpreter/measuredJsVars.json");
const CHUNK = 1024;

export interface Console {
  proc: ChildProcess;
  out: () => string;
  waitFor: (re: RegExp, fromIndex: number, timeoutMs: number) => Promise<RegExpExecArray>;
  send: (line: string) => void;
}

export function startInterpreter(bin: string, cwd: string, args: string[] = []): Console {
  const proc = spawn(bin, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
  // an interpreter that has exited fails the next wait with its output, not the host with EPIPE
  proc.stdin!.on("error", () => {});
  let text = "";
  proc.stdout!.on("data", (d) => { text += d; });
  proc.stderr!.on("data", (d) => { text += d; });
  // a scenario that timed out is killed while its input is still being typed: no EPIPE crash for the rest
  proc.stdin!.on("error", () => {});
  const waitFor = (re: RegExp, fromIndex: number, timeoutMs: number) =>
    new Promise<RegExpExecArray>((res, rej) => {
      const t0 = Date.now();
      const poll = () => {
        const m = re.exec(text.slice(fromIndex));
        if (m) return res(m);
        if (Date.now() - t0 > timeoutMs) return rej(new Error("timed out waiting for " + re + "; output tail: " + text.slice(-600)));
        setTimeout(poll, 20);
      };
      poll();
    });
  // Typed in slices with pauses, as a serial line would deliver it: the Linux build drops
  // console input that arrives faster than its event queue drains when the machine is
  // busy (a chunk then lands short: "File already written with different data").
  let queue = "";
  let pumping = false;
  const pump = () => {
    if (!queue) { pumping = false; return; }
    pumping = true;
    if (proc.exitCode === null && !proc.killed) proc.stdin!.write(queue.slice(0, 64));
    queue = queue.slice(64);
    setTimeout(pump, 16);
  };
  const send = (line: string) => {
    queue += "\x10" + line + "\n";
    if (!pumping) pump();
  };
  return { proc, out: () => text, waitFor, send };
}

/**
 * A string literal to type at the console: JSON's, with bytes 0x7F..0xFF as \xNN (stored
 * code holds token bytes, and the console line editor takes 0x7F for a backspace).
 * ASCII content gives JSON's literal unchanged.
 */
function consoleLiteral(s: string): string {
  return JSON.stringify(s).replace(/[\x7f-\xff]/g, (ch) => "\\x" + ch.charCodeAt(0).toString(16));
}

/** Where a scenario's code comes from: build/ (plain) or build/stored/ (--stored). */
let codeDir = "build";
/** Where the bundles are read from: build/ (plain) or build/stored/ (pretokenised); soak.ts sets it too. */
export function setCodeDir(dir: string): void {
  codeDir = dir;
}

export async function writeFile(c: Console, name: string, content: string): Promise<void> {
  for (let off = 0; off < content.length; off += CHUNK) {
    const mark = "@@W" + name.length + "_" + off;
    const line = `require("Storage").write(${JSON.stringify(name)},${consoleLiteral(content.slice(off, off + CHUNK))},${off},${content.length});print(${JSON.stringify(mark)})`;
    // A busy machine can still lose console input (the line then never runs): Ctrl-C
    // clears the half-typed line and the chunk is typed again (a line runs whole or not at all).
    for (let attempt = 1; ; attempt++) {
      const from = c.out().length;
      c.send(line);
      try {
        await c.waitFor(new RegExp(mark.replace(/[$]/g, "\\$") + "\\b"), from, 8000);
        break;
      } catch (e) {
        if (attempt >= 4) throw e;
        c.proc.stdin!.write("\x03");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

/**
 * usage: process.memory().usage, the whole heap. chipUsage: the chip's figure, the CAN1
 * stand-in's state (standIn: E.getSizeOf(mnCanState), test/realInterpreter/prelude.js)
 * replaced by what the chip holds for it (chipCan: its flat strings, chipCan.ts).
 */
export interface Snapshot { atS: number; usage: number; free: number; errorFlags?: string; standIn?: number; chipCan?: number; chipUsage?: number }

/** A snapshot with the chip's figure beside the measured one. */
function snapshot(atS: number, usage: number, free: number, blocksize: number, standIn: string | undefined, bytes: string | undefined, errorFlags?: string): Snapshot {
  const s: Snapshot = { atS, usage, free };
  if (errorFlags !== undefined) s.errorFlags = errorFlags;
  if (standIn !== undefined && bytes !== undefined) {
    s.standIn = Number(standIn);
    s.chipCan = chipCanJsVars(bytes.split(",").map(Number), blocksize);
    s.chipUsage = usage - s.standIn + s.chipCan;
  }
  return s;
}

/** Binary content (the app's gzipped files) as the upload tool writes it: base64 pieces through atob. */
export async function writeBinary(c: Console, name: string, content: string): Promise<void> {
  const PIECE = 600;
  for (let off = 0; off < content.length; off += PIECE) {
    const mark = "@@B" + name.length + "_" + off;
    const b64 = Buffer.from(content.slice(off, off + PIECE), "latin1").toString("base64");
    const line = `require("Storage").write(${JSON.stringify(name)},atob(${JSON.stringify(b64)}),${off}${off === 0 ? "," + content.length : ""});print(${JSON.stringify(mark)})`;
    for (let attempt = 1; ; attempt++) {
      const from = c.out().length;
      c.send(line);
      try {
        await c.waitFor(new RegExp(mark + "\\b"), from, 8000);
        break;
      } catch (e) {
        if (attempt >= 4) throw e;
        c.proc.stdin!.write("\x03");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

/**
 * The app's files on the aggregator's NOR as `npm run upload` puts them there
 * (host/cli/uploadWebNor.ts's image), in the prelude's form of a programmed NOR sector: a
 * Storage file "nor<sector>" of 1 + 4096 bytes (test/realInterpreter/prelude.js); its paths.
 */
async function writeWebApp(c: Console): Promise<string[]> {
  const files = builtAssets();
  if (!files) throw new Error("build/web missing: run npm run build");
  const img = norWebImage(files);
  for (const s of img.sectors) {
    const sector = Buffer.alloc(4096, 0xff);
    sector.set(s.bytes);
    await writeBinary(c, "nor" + s.address / 4096, "\xff" + sector.toString("latin1"));
  }
  return Object.keys(img.manifest);
}

/** Result of the "web" client: requests answered 2xx/3xx, failed (status or network), bytes read. */
export interface ClientStats { ok: number; failed: number; bytes: number; errors: string[] }

/**
 * Fetches every path once a second, one after another (a browser on the app's pages:
 * the app's files, then its API calls), until stop() is called.
 */
function webClient(port: number, paths: string[]): { stats: ClientStats; stop: () => Promise<void> } {
  const stats: ClientStats = { ok: 0, failed: 0, bytes: 0, errors: [] };
  let running = true;
  const start = Date.now();
  const at = () => " at " + ((Date.now() - start) / 1000).toFixed(1) + " s";
  const loop = (async () => {
    while (running) {
      const t0 = Date.now();
      for (const p of paths) {
        if (!running) break;
        try {
          const r = await fetch("http://127.0.0.1:" + port + p, { signal: AbortSignal.timeout(10000), headers: { "accept-encoding": "gzip" } });
          const b = await r.arrayBuffer();
          stats.bytes += b.byteLength;
          if (r.status < 400) stats.ok++;
          else { stats.failed++; if (stats.errors.length < 10) stats.errors.push(r.status + " " + p + at()); }
        } catch (e) {
          stats.failed++;
          if (stats.errors.length < 10) stats.errors.push((e as Error).message + " " + p + at());
        }
      }
      const wait = 1000 - (Date.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return { stats, stop: async () => { running = false; await loop; } };
}

export interface Measured {
  scenario: string; totalJsVars: number; blocksize: number; bundleBytes: number; snapshots: Snapshot[]; firstLines: string[];
  /** Bytes of the other code files in Storage (route modules), by Storage name. */
  codeFiles?: Record<string, number>;
  /** "web" client: requests and the highest JsVars in use (no GC) at a reply's write/end (requestPeak.js). */
  client?: ClientStats & { peakUsage: number; peakAt: string; replies: number; peakByRoute: Record<string, number> };
}

/**
 * Writes a scenario's Storage as the espruino CLI would (the prelude as .boot0, its
 * files, the bundle as .bootcde), then load()s it; resolves at the prelude's "@@MEM boot" line.
 */
export async function bootScenario(c: Console, s: Scenario): Promise<{ boot: RegExpExecArray; bootFrom: number; bundleBytes: number; codeBytes: Record<string, number>; webPaths: string[] }> {
  await c.waitFor(/\n>/, 0, 10000);
  await writeFile(c, ".boot0", readFileSync(join(ROOT, "test/realInterpreter/prelude.js"), "latin1"));
  for (const [name, value] of Object.entries(s.files)) await writeFile(c, name, JSON.stringify(value));
  for (const [name, bytes] of Object.entries(norStandInFiles(s.nor || []))) await writeBinary(c, name, bytes);
  if (s.client) await writeFile(c, ".boot1", readFileSync(join(ROOT, "test/realInterpreter/requestPeak.js"), "latin1"));
  const codeBytes: Record<string, number> = {};
  for (const [name, path] of Object.entries(codeFiles(s.bundle))) {
    const code = readFileSync(join(ROOT, codeDir === "build" ? path : path.replace(/^build\//, codeDir + "/")), "latin1");
    codeBytes[name] = code.length;
    await writeFile(c, name, code);
  }
  const webPaths = s.client ? await writeWebApp(c) : [];
  let bundleBytes = 0;
  if (s.bundle) {
    const code = readFileSync(join(ROOT, codeDir, s.bundle + ".js"), "latin1");
    bundleBytes = code.length;
    await writeFile(c, ".bootcde", code);
  }
  const bootFrom = c.out().length;
  c.send("load()");
  const boot = await c.waitFor(/@@MEM boot free (\d+) usage (\d+) total (\d+) blocksize (\d+)(?: standIn (\d+) bytes ([\d,]+))?/, bootFrom, 20000);
  return { boot, bootFrom, bundleBytes, codeBytes, webPaths };
}

/**
 * Boots scenario `s` in a fresh folder (bootScenario), lets it settle 3 s, runs `work` at
 * its console with the boot line, then kills the interpreter and removes the folder
 * (jsVarBreakdown.ts, jsVarOwners.ts).
 */
export async function atSettledBoot<T>(bin: string, s: Scenario, work: (c: Console, boot: RegExpExecArray) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "mn-jsvars-"));
  const c = startInterpreter(bin, dir);
  try {
    const m = (await bootScenario(c, s)).boot;
    await new Promise((r) => setTimeout(r, 3000));
    return await work(c, m);
  } finally {
    c.proc.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The aggregator scenarios serve on the fixed AGG_PORT (its digits are part of the
 * recorded console lines). A second measurement running at the same time would bind
 * nothing and answer another interpreter's requests: its figures would be wrong without
 * any error (seen when several sessions measured at once). Refuse to start instead.
 */
async function assertPortFree(port: number): Promise<void> {
  const free = () => new Promise<boolean>((ok) => {
    const srv = createServer();
    srv.once("error", () => ok(false));
    srv.listen(port, "0.0.0.0", () => srv.close(() => ok(true)));
  });
  // the previous scenario's interpreter may take a moment to exit and let its socket go
  for (let i = 0; i < 20; i++) {
    if (await free()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`port ${port} is in use (another measureJsVars or interpreter running?): ` +
    "the aggregator scenarios need it free; wait for the other run or stop it");
}

export async function measure(bin: string, s: Scenario): Promise<Measured> {
  if (s.bundle === "aggregator") await assertPortFree(AGG_PORT);
  const dir = mkdtempSync(join(tmpdir(), "mn-jsvars-"));
  const c = startInterpreter(bin, dir);
  try {
    const { boot: m, bootFrom, bundleBytes, codeBytes, webPaths } = await bootScenario(c, s);
    const t0 = Date.now();
    const blocksize = Number(m[4]);
    const snapshots: Snapshot[] = [snapshot(0, Number(m[2]), Number(m[1]), blocksize, m[5], m[6])];
    const client = s.client ? webClient(AGG_PORT, WEB_ROUTES.flatMap((p) => (p === "@app" ? webPaths : [p]))) : null;
    for (const at of s.atS.filter((a) => a > 0)) {
      const wait = t0 + at * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const from = c.out().length;
      // no variable of ours: a bundle's top-level const may already own any short name
      // the prelude's mnMem: usage, free, error flags, E.getSizeOf(mnCanState) (the CAN1 stand-in's state) and its chip bytes
      c.send(`mnMem()`);
      const n = await c.waitFor(/@@MEM now (\d+) (\d+) (\S*) (\d+) ([\d,]+)/, from, 20000);
      snapshots.push(snapshot(at, Number(n[1]), Number(n[2]), blocksize, n[4], n[5], n[3]));
    }
    let clientResult: Measured["client"];
    if (client) {
      await client.stop();
      const from = c.out().length;
      c.send(`print("@@PEAK",reqPeak.max,reqPeak.n,JSON.stringify(reqPeak.url),JSON.stringify(reqPeak.by))`);
      const p = await c.waitFor(/@@PEAK (\d+) (\d+) ("[^"\r\n]*") (\{[^\r\n]*\})/, from, 20000);
      clientResult = { ...client.stats, peakUsage: Number(p[1]), replies: Number(p[2]), peakAt: JSON.parse(p[3]), peakByRoute: JSON.parse(p[4]) };
    }
    const firstLines = c.out().slice(bootFrom).split(/\r?\n/).filter((l) => l.trim() && !l.startsWith("@@")).slice(0, 8);
    return { scenario: s.name, totalJsVars: Number(m[3]), blocksize, bundleBytes, codeFiles: Object.keys(codeBytes).length ? codeBytes : undefined, snapshots, firstLines, client: clientResult };
  } finally {
    c.proc.kill("SIGKILL"); // the Linux build ignores SIGTERM while it runs
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const bin = argv[0];
  if (!bin || !existsSync(bin)) {
    console.error("usage: npx tsx test/realInterpreter/measureJsVars.ts PATH/TO/espruino32-3600 [scenario...]\n(a 32-bit Linux build of Espruino RELEASE_2V29 with 13-byte JsVars)");
    return 2;
  }
  const stored = argv.includes("--stored");
  if (stored) codeDir = "build/stored";
  const only = argv.slice(1).filter((a) => a !== "--stored");
  const fixture = existsSync(FIXTURE) ? JSON.parse(readFileSync(FIXTURE, "utf8")) : { results: {} };
  fixture.commands = fixture.commands || {};
  fixture.commands[(stored ? "--stored " : "") + bin] = "npm run build && npx tsx test/realInterpreter/measureJsVars.ts " + bin + (stored ? " --stored" : "") + (only.length ? " " + only.join(" ") : "");
  fixture.interpreter = "Espruino RELEASE_2V29 Linux 32-bit (a scratch board file: -Os, RELEASE=1, the images' libraries, SPIFLASH_BASE=0 so function code stays in Storage as on the chip), 13-byte JsVars; 3600 variables unless the key says @N (same board file with 'variables' changed: up to 4095 keeps the 13-byte layout; @12000 has 14-byte JsVars and 16-bit references, where strings and typed arrays take about 1 % fewer variables)";
  fixture.note = "usage = process.memory().usage after GC; atS 0 is printed by the prelude at the first idle after load(), later ones are asked at the console (the console line itself holds a few JsVars while it runs: compare prelude@0 with prelude@5). chipUsage = usage - standIn + chipCan: the CAN1 stand-in's state (standIn = E.getSizeOf(mnCanState), prelude.js) replaced by the chip's flat strings of the same bytes (chipCan, host/runtime/accounting/chipCan.ts); entries measured before this existed have no chipUsage";
  for (const s of SCENARIOS) {
    if (only.length && !only.includes(s.name)) continue;
    try {
      const r = await measure(bin, s);
      // a build with another variable count (same 13-byte layout up to 4095) files its figures apart
      fixture.results[(stored ? "stored:" : "") + (r.totalJsVars === 3600 ? s.name : s.name + "@" + r.totalJsVars)] = r;
      console.log(s.name.padEnd(14), r.snapshots.map((x) => "@" + x.atS + "s " + x.usage + (x.chipUsage !== undefined ? " (chip " + x.chipUsage + ")" : "") + (x.errorFlags && x.errorFlags !== "[]" ? " flags " + x.errorFlags : "")).join("  "));
      if (r.client) console.log("".padEnd(14), `requests ok ${r.client.ok} failed ${r.client.failed} (${r.client.errors.slice(0, 3).join("; ")}), ${r.client.bytes} B; peak ${r.client.peakUsage} JsVars without GC at ${r.client.peakAt} (${r.client.replies} replies); by route ${JSON.stringify(r.client.peakByRoute)}`);
    } catch (e) {
      console.log(s.name.padEnd(14), "FAILED: " + (e as Error).message);
      // filed apart: a failed run (a console write lost on a busy machine) never replaces a measurement
      fixture.failures = fixture.failures || {};
      fixture.failures[(stored ? "stored:" : "") + s.name] = { scenario: s.name, bin, error: (e as Error).message.slice(0, 400) };
    }
  }
  writeFileSync(FIXTURE, JSON.stringify(fixture, null, 1) + "\n");
  console.log("wrote " + FIXTURE);
  return 0;
}

if (import.meta.url === "file://" + process.argv[1] || process.argv[1]?.endsWith("measureJsVars.ts")) {
  main(process.argv.slice(2)).then((c) => process.exit(c));
}
