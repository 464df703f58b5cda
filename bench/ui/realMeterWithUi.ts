/**
 * The meter bundle with the touchscreen UI active, on the real interpreter (Espruino
 * RELEASE_2V29 Linux 32-bit): booted from Storage as measureJsVars.ts boots the meter
 * scenario (prelude.js as .boot0 standing in for MeterADC and CAN1, meternet.json, the
 * bundle as .bootcde), plus .boot1 = a stand-in LCD whose init() answers `true` (UI) or
 * `false` (headless: same stand-in, so its own JsVars cancel), build/meterUi.js in Storage
 * as "meterUi.js" and its screen modules build/meterUi/ui<i>.js as "ui<i>".
 *
 * Headless: the meter's lines and process.memory() at boot, 10 s and 30 s. With the UI: the
 * same, then every screen opened by touches as a person would (home's tile, the back
 * button; Settings > Calibrate touch, three touches on its crosses), each held for a few
 * readings, then measured; process.memory() garbage-collects first, so the figure is what
 * stays while that screen shows. The error flags after every step say whether anything ran
 * out of memory while switching. "chip": the CAN1 stand-in's state replaced by the chip's
 * flat strings (measureJsVars.ts). `--minutes N` then walks every screen and back again and
 * again for N minutes, one row per round (home's figure after the round, the busiest screen's):
 * no growth means home's figure stays where the first round left it.
 *
 * A step that fails (the interpreter printed an error or OUT OF MEMORY, its error flags say
 * MEMORY, or its console no longer answers) ends the walk there: the table so far, the
 * failing step (the screen), the interpreter's lines and the last memory figure are printed,
 * and the command exits with status 1 (no timeout). Run by hand (CI has no interpreter):
 *
 *   npm run build && npx tsx bench/ui/realMeterWithUi.ts /work/scratch/bin/espruino32-2600 [--stored] [--60hz] [--ui-only] [--minutes N]
 */
import { readFileSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInterpreter, writeFile, type Console } from "../../test/realInterpreter/measureJsVars.ts";
import { meterFiles } from "../../host/runtime/accounting/scenarios.ts";
import { chipCanJsVars } from "../../host/runtime/accounting/chipCan.ts";
import { SCREEN_NAMES } from "../../modules/ui/screens/index.ts";
import { tile, BACK, CALIBRATE, type Rect } from "../../modules/ui/layout.ts";
import { DEFAULT_CAL, CAL_POINTS } from "../../modules/ui/calibration.ts";
import { rawOf } from "../../host/ui/scriptedTouch.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const args = process.argv.slice(2);
const stored = args.includes("--stored");
const hz = args.includes("--60hz") ? 60 : 50;
const bin = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--minutes") || "/work/scratch/bin/espruino32-2600";
const dirOf = stored ? "build/stored" : "build";
const minutesAt = args.indexOf("--minutes");
const minutes = minutesAt >= 0 ? Number(args[minutesAt + 1]) : 0;

function lcdStandIn(fitted: boolean): string {
  // counts what the UI draws, so the run shows it drew; touches come in as the native
  // driver gives them: LCD.emit("touch", rawX, rawY), then "release"
  return `global.LCD = { n: 0, init: function () { return ${fitted}; }, rect: function () { this.n++; }, text: function () { this.n++; }, line: function () { this.n++; }, light: function () {} };`;
}

/** One measurement: whole-heap usage, the chip's figure, error flags, LCD calls so far. */
async function mem(c: Console, blocksize: number, timeoutMs: number): Promise<{ usage: number; chip: number; flags: string; lcd: number }> {
  const f = c.out().length;
  // the prelude's mnMem (as measureJsVars.ts asks): usage, free, error flags, the CAN1 stand-in's size and its chip bytes
  c.send(`mnMem();print("@@LCD",LCD.n)`);
  const n = await c.waitFor(/@@MEM now (\d+) (\d+) (\S*) (\d+) ([\d,]+)\s+@@LCD (\d+)/, f, timeoutMs);
  const usage = Number(n[1]);
  return { usage, chip: usage - Number(n[4]) + chipCanJsVars(n[5].split(",").map(Number), blocksize), flags: n[3], lcd: Number(n[6]) };
}

/** The interpreter's error lines in `out` (an uncaught error with its stack, OUT OF MEMORY), at most `max`. */
function errorLines(out: string, max: number): string[] {
  const lines = out.split(/\r?\n/).map((l) => l.replace(/\x1b\[J/g, "").replace(/^>/, ""));
  const first = lines.findIndex((l) => /Uncaught|OUT OF MEMORY|Error|MEMORY_BUSY/.test(l));
  return first < 0 ? [] : lines.slice(first).filter((l) => l.trim() && !l.startsWith("@@") && !/^t=[\d.]+s /.test(l)).slice(0, max);
}

/** What made a step fail, if anything: an error printed since `from`, a MEMORY flag, or no answer. */
function failureOf(errors: string[], flags: string | null): string | null {
  if (flags === null) return "the console did not answer process.memory() within the time allowed" + (errors.length ? " after an error" : "");
  if (errors.length) return "the interpreter printed an error";
  if (/"MEMORY"/.test(flags)) return "error flags " + flags + " (an allocation failed)";
  return null;
}

/** A step of the walk that failed: which (the screen), why, the interpreter's lines, the memory then. */
class StepFailed extends Error {
  constructor(readonly step: string, readonly why: string, readonly errors: string[], readonly memory: string) {
    super(step + ": " + why);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tap(c: Console, x: number, y: number): Promise<void> {
  const r = rawOf(DEFAULT_CAL, x, y);
  c.send(`LCD.emit("touch",${Math.round(r[0])},${Math.round(r[1])});LCD.emit("release")`);
  await sleep(600);
}
const tapRect = (c: Console, r: Rect) => tap(c, r[0] + (r[2] >> 1), r[1] + (r[3] >> 1));

async function run(fitted: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mn-ui-"));
  const c = startInterpreter(bin, dir);
  try {
    await c.waitFor(/\n>/, 0, 10000);
    await writeFile(c, ".boot0", readFileSync(join(ROOT, "test/realInterpreter/prelude.js"), "latin1"));
    await writeFile(c, ".boot1", lcdStandIn(fitted));
    await writeFile(c, "meterUi.js", readFileSync(join(ROOT, dirOf, "meterUi.js"), "latin1"));
    for (const f of readdirSync(join(ROOT, dirOf, "meterUi")).filter((n) => /^ui\d+\.js$/.test(n))) {
      await writeFile(c, f.replace(/\.js$/, ""), readFileSync(join(ROOT, dirOf, "meterUi", f), "latin1"));
    }
    for (const [name, value] of Object.entries(meterFiles(hz))) await writeFile(c, name, JSON.stringify(value));
    await writeFile(c, ".bootcde", readFileSync(join(ROOT, dirOf, "meter.js"), "latin1"));
    const from = c.out().length;
    c.send("load()");
    const boot = await c.waitFor(/@@MEM boot free (\d+) usage (\d+) total (\d+) blocksize (\d+)/, from, 30000);
    const blocksize = Number(boot[4]);
    const t0 = Date.now();
    const rows: string[] = [`| boot | ${boot[2]} | | | |`];
    // output already checked for errors: each step looks only at what came after the last one
    let checked = from;
    let lastGood = `boot: usage ${boot[2]} of ${boot[3]}, free ${boot[1]}`;
    const row = async (what: string) => {
      const errors = errorLines(c.out().slice(checked), 14);
      let m: { usage: number; chip: number; flags: string; lcd: number } | null = null;
      try {
        m = await mem(c, blocksize, errors.length ? 8000 : 20000);
      } catch {
        m = null;
      }
      checked = c.out().length;
      const why = failureOf(errors, m ? m.flags : null);
      rows.push(m ? `| ${what}${why ? " **FAILED**" : ""} | ${m.usage} | ${m.chip} | ${m.flags} | ${m.lcd} |` : `| ${what} **FAILED** | no answer | | | |`);
      if (why) throw new StepFailed(what, why, errors, m ? `usage ${m.usage} of ${boot[3]} (chip ${m.chip}), flags ${m.flags}, LCD calls ${m.lcd}` : "none (no answer); the last step's: " + lastGood);
      lastGood = `${what}: usage ${m!.usage} of ${boot[3]} (chip ${m!.chip}), flags ${m!.flags}`;
    };
    // a step checked as row() checks it, without a row in the table (the walk's rounds)
    const quiet = async (what: string) => {
      const n = rows.length;
      await row(what);
      const m = /\| (\d+) \| (\d+) \|/.exec(rows.splice(n, 1)[0])!;
      return { usage: Number(m[1]), chip: Number(m[2]) };
    };
    let failed: StepFailed | null = null;
    try {
      for (const at of [10, 30]) {
        const wait = t0 + at * 1000 - Date.now();
        if (wait > 0) await sleep(wait);
        await row((fitted ? "home, " : "") + at + " s");
      }
      if (fitted) {
        // home's tile i opens screen i + 1 (tile 7 turns the backlight off: not a screen)
        for (let i = 1; i <= 7; i++) {
          await tapRect(c, tile(i - 1));
          await sleep(2500);
          await row(SCREEN_NAMES[i]);
          if (i === 7) {
            await tapRect(c, CALIBRATE);
            await sleep(2500);
            await row(SCREEN_NAMES[8]);
            // the three crosses, touched where they are: the default map comes back, settings show again
            for (let k = 0; k < 3; k++) await tap(c, CAL_POINTS[2 * k], CAL_POINTS[2 * k + 1]);
            await sleep(1500);
            await row("settings again (after calibrating)");
          }
          await tapRect(c, BACK);
        }
        await sleep(2000);
        await row("home again");
        // --minutes N: the walk again and again (every screen by its tile and back, a reading or
        // two on each), one row per round: the busiest screen's figure and home's after it
        const endMs = Date.now() + minutes * 60000;
        for (let round = 1; Date.now() < endMs; round++) {
          let busiest = 0, at = "";
          for (let i = 1; i <= 7; i++) {
            await tapRect(c, tile(i - 1));
            await sleep(1200);
            const m = await quiet(SCREEN_NAMES[i] + " (round " + round + ")");
            if (m.usage > busiest) { busiest = m.usage; at = SCREEN_NAMES[i]; }
            await tapRect(c, BACK);
          }
          await sleep(1000);
          await row(`walk round ${round} (${Math.round((Date.now() - t0) / 1000)} s): home; busiest ${at} ${busiest}`);
        }
      }
    } catch (e) {
      if (!(e instanceof StepFailed)) throw e;
      failed = e;
    }
    const lines = c.out().slice(from).split(/\r?\n/).filter((l) => l.trim() && !l.startsWith("@@") && !/^>?\s*(\x1b\[J)?$/.test(l)).slice(0, 5);
    const errs = c.out().slice(from).split(/\r?\n/).filter((l) => /Uncaught|OUT OF MEMORY|Error/.test(l));
    console.log(`## ${fitted ? "display fitted (UI loaded)" : "headless (LCD.init() false)"}: ${bin.split("/").pop()}, ${hz} Hz, ${stored ? "stored (pretokenised)" : "plain"} files\n`);
    console.log(lines.map((l) => "    " + l).join("\n") + "\n");
    console.log("| when | usage | chip | error flags | LCD calls |\n|---|---:|---:|---|---:|\n" + rows.join("\n") + "\n");
    if (failed) {
      console.log(`**FAILED at "${failed.step}"**: ${failed.why}.\nmemory: ${failed.memory}\n`);
      if (failed.errors.length) console.log("interpreter said:\n" + failed.errors.map((l) => "    " + l).join("\n") + "\n");
      process.exitCode = 1;
    } else if (errs.length) console.log("interpreter said:\n" + errs.slice(0, 5).map((l) => "    " + l).join("\n") + "\n");
  } finally {
    c.proc.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

// --ui-only: the run with the display alone (the headless run is measureJsVars.ts' meter scenario plus the stand-in)
if (!args.includes("--ui-only")) await run(false);
await run(true);
