import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBundle } from "./runBundle.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

function collect(): { output: (t: string) => void; text: () => string } {
  let s = "";
  return { output: (t) => { s += t; }, text: () => s };
}

test("a --test style bundle passes only when `result` is truthy; timers run until idle", async () => {
  const c = collect();
  const ok = await runBundle({ code: `setTimeout(function(){ print("1 passed, 0 failed"); result = true; }, 5000);`, runtime: { flashBytes: 1024, output: c.output } });
  assert.deepEqual({ passed: ok.passed, result: ok.result, ran: ok.ranSeconds }, { passed: true, result: true, ran: 5 });
  assert.equal(c.text(), "1 passed, 0 failed\n");
  const bad = await runBundle({ code: `result = false;`, runtime: { flashBytes: 1024, output: () => {} } });
  assert.equal(bad.passed, false);
});

test("an app bundle passes when its top level did not throw; --virtual-seconds bounds the run", async () => {
  const c = collect();
  const app = await runBundle({ code: `var n=0; setInterval(function(){ n++; }, 1000); print("up");`, virtualSeconds: 7200, runtime: { flashBytes: 1024, output: c.output } });
  assert.equal(app.passed, true);
  assert.equal(app.ranSeconds, 7200);
  const broken = await runBundle({ code: `print("a"); undefinedThing();`, runtime: { flashBytes: 1024, output: c.output } });
  assert.equal(broken.passed, false);
  assert.equal(c.text(), "up\na\nUncaught ReferenceError: undefinedThing is not defined\n");
});

test("host/run.ts: runs a file, keeps the bundle's last line last, exit status follows result", () => {
  const dir = mkdtempSync(join(tmpdir(), "runts-"));
  try {
    const pass = join(dir, "pass.js");
    const fail = join(dir, "fail.js");
    const image = join(dir, "flash.bin");
    writeFileSync(pass, `require("Storage").write("n", "1"); print("2 passed, 0 failed"); result = true;`);
    writeFileSync(fail, `print("1 passed, 1 failed"); result = false;`);
    const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "host/run.ts", ...args], { cwd: root, encoding: "utf8" });
    const p = run([pass, "--storage", image, "--flash-bytes", "1024"]);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(p.stdout, "2 passed, 0 failed\n");
    const f = run([fail]);
    assert.equal(f.status, 1);
    assert.equal(f.stdout.trim().split("\n").pop(), "1 passed, 1 failed");
    const boot = run(["-", "--boot", "--storage", image, "--flash-bytes", "1024"]);
    assert.equal(boot.status, 0, boot.stderr);
    assert.equal(run(["--nope"]).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("build/selftest.js (when built) runs to its closing 'N passed, M failed' line", { skip: !existsSync(join(root, "build/selftest.js")) && "run npm run build first" }, async () => {
  const c = collect();
  const r = await runBundle({ code: readFileSync(join(root, "build/selftest.js"), "utf8"), runtime: { output: c.output } });
  const last = c.text().trim().split("\n").pop() as string;
  assert.match(last, /^\d+ passed, \d+ failed$/);
  assert.equal(r.topLevelOk, true);
  // result follows the closing line, whatever the checks say
  assert.equal(r.passed, / 0 failed$/.test(last));
});
