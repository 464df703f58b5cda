/**
 * The selftest bundle on the real interpreter, booted from Storage as a board boots it:
 * test/realInterpreter/prelude.js as ".boot0" (its CAN1 stands in for the native hook, so
 * the CAN controller checks of modules/can/controller.kat.ts run on it), build/selftest.js
 * as ".bootcde", then load(). (`espruino --test prelude+bundle` does not fit: it copies
 * the whole source, 32 KB, into RAM, OUT OF MEMORY at 3600 variables even before this
 * kat.) Prints the lines the bundle prints (FAIL/SKIP, then `N passed, M failed`) and
 * PASS or FAIL from the global `result`, as `--test` does; exit status 0 only on PASS.
 *
 *   npm run build && npm run selftest:real -- /work/scratch/bin/espruino32-3600 [--prelude FILE] [--bundle FILE]
 *
 * --prelude boots another stand-in (a scratch copy with a behaviour broken shows the
 * checks fail). Never downloads anything; CI does not run it (CI has no interpreter):
 * under CI the same bundle runs in the host runtime (host/sim/selftestCan.test.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startInterpreter, writeFile } from "./measureJsVars.ts";

async function main(args: string[]): Promise<number> {
  const here = resolve(import.meta.dirname);
  let bin: string | undefined;
  let prelude = join(here, "prelude.js");
  let bundle = join(here, "../../build/selftest.js");
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--prelude") prelude = resolve(args[++i] || "");
    else if (args[i] === "--bundle") bundle = resolve(args[++i] || "");
    else if (bin === undefined) bin = args[i];
    else bin = "";
  }
  if (!bin || !existsSync(bin) || !existsSync(prelude) || !existsSync(bundle)) {
    console.error("usage: npx tsx test/realInterpreter/runSelftest.ts ESPRUINO_BINARY [--prelude FILE] [--bundle FILE]\n(build/selftest.js comes from npm run build)");
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), "mn-selftest-"));
  const c = startInterpreter(bin, dir);
  try {
    await c.waitFor(/\n>/, 0, 10000);
    await writeFile(c, ".boot0", readFileSync(prelude, "latin1"));
    await writeFile(c, ".bootcde", readFileSync(bundle, "latin1"));
    const from = c.out().length;
    c.send("load()");
    await c.waitFor(/\d+ passed, \d+ failed/, from, 60000);
    const asked = c.out().length;
    c.send('print("@@RESULT " + (result ? "PASS" : "FAIL"))');
    const verdict = (await c.waitFor(/@@RESULT (PASS|FAIL)/, asked, 10000))[1];
    // The console's prompt and line clearing ("\r\x1b[J", ">") are not the bundle's.
    const lines = c.out().slice(from, asked).split(/\r?\n/).map((l) => l.replace(/\x1b\[J/g, "").replace(/^[>\r]+/, ""))
      .filter((l) => /^(FAIL |SKIP |\d+ passed, \d+ failed$|Uncaught)|OUT OF MEMORY|ERROR/.test(l));
    console.log(lines.concat([verdict + " (" + bin + ", prelude " + prelude + ")"]).join("\n"));
    return verdict === "PASS" ? 0 : 1;
  } finally {
    c.proc.kill("SIGKILL"); // the Linux build ignores SIGTERM while it runs
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
