/**
 * Runs every test of the project and prints one closing line `N passed, M failed`.
 *
 * Suites, found by name so that adding one needs no edit here:
 *  1. Debian packages that any `*.suite.sh` or `*.test.ts` names in a `# needs-apt:` /
 *     `// needs-apt:` header line (first 20 lines) are
 *     checked first: installed through apt-get when running as root, otherwise the run
 *     stops at once with the exact apt-get line. No suite is ever skipped silently.
 *  2. `npm run build` (bundles, compatibility gate, budgets), the device and host
 *     typechecks and the kernel's Node addon (rebuilt if its C changed).
 *  3. Node unit tests: every `*.test.ts` (node:test, run through tsx).
 *  4. The selftest bundle under the host runtime (build/selftest.js).
 *  5. External suites: every `*.suite.sh` (C, QEMU, python); each prints
 *     `N passed, M failed` as its last line.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const SKIP_DIRS = new Set(["node_modules", "build", ".git", "fixtures"]);

function findFiles(dir: string, suffix: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findFiles(path, suffix, out);
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

interface SuiteResult { name: string; passed: number; failed: number; note?: string }
const results: SuiteResult[] = [];

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): { status: number; output: string; stdout: string } {
  // A hung suite must fail the run, not stall CI: 20 minutes at most per step.
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env: { ...process.env, ...opts.env }, maxBuffer: 256 * 1024 * 1024, timeout: 20 * 60 * 1000, killSignal: "SIGKILL" });
  const output = (r.stdout ?? "") + (r.stderr ?? "");
  return { status: r.status ?? 1, output, stdout: r.stdout ?? "" };
}

const CLOSING = /^(?:\w+:\s*)?(\d+) passed, (\d+) failed/;
/** The counts of a suite's closing line: the last line of its standard output
 *  (tools it calls may still write warnings to standard error after it). */
function closingCounts(stdout: string): { passed: number; failed: number } | null {
  const lines = stdout.trimEnd().split("\n");
  const m = CLOSING.exec(lines[lines.length - 1]?.trim() ?? "");
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
}

function ensureDebianPackages(suites: string[]): void {
  const wanted = new Set<string>();
  for (const s of suites) {
    for (const line of readFileSync(s, "utf8").split("\n").slice(0, 20)) {
      const m = /^(?:#|\/\/)\s*needs-apt:\s*(.+)$/.exec(line);
      if (m) m[1].split(/\s+/).filter(Boolean).forEach((p) => wanted.add(p));
    }
  }
  const missing = [...wanted].filter((p) => run("dpkg-query", ["-W", "-f=${Status}", p]).output.indexOf("install ok installed") < 0);
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    console.error(`Missing Debian packages for the test suites. Run:\n  sudo apt-get update && sudo ${line}`);
    process.exit(2);
  }
  console.log(`Installing Debian packages: ${missing.join(" ")}`);
  for (const args of [["update"], line.split(" ").slice(1)]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) { console.error(`apt-get ${args.join(" ")} failed`); process.exit(2); }
  }
}

function section(title: string): void { console.log(`\n=== ${title}`); }

const suites = findFiles(root, ".suite.sh");
ensureDebianPackages([...suites, ...findFiles(root, ".test.ts")]);

section("build (bundles, compatibility gate, budgets)");
{
  const b = run("npx", ["rollup", "-c", "--silent"]);
  process.stdout.write(b.output);
  results.push({ name: "build", passed: b.status === 0 ? 1 : 0, failed: b.status === 0 ? 0 : 1 });
  const report = b.status === 0 ? readFileSync(join(root, "build", "report.json"), "utf8") : "";
  if (report) console.log(report);
  const t = run("npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
  process.stdout.write(t.output);
  results.push({ name: "device typecheck", passed: t.status === 0 ? 1 : 0, failed: t.status === 0 ? 0 : 1 });
}

section("host typecheck (tsconfig.node.json)");
{
  const t = run("npx", ["tsc", "-p", "tsconfig.node.json", "--noEmit"]);
  process.stdout.write(t.output);
  results.push({ name: "host typecheck", passed: t.status === 0 ? 1 : 0, failed: t.status === 0 ? 0 : 1 });
}

section("native addon (npm run install: the kernel C as the Node tests use it)");
{
  // npm install builds it once; rebuild so that tests never run a stale kernel after a C change.
  const g = run("npm", ["run", "install", "--silent"]);
  if (g.status !== 0) process.stdout.write(g.output);
  results.push({ name: "native addon build", passed: g.status === 0 ? 1 : 0, failed: g.status === 0 ? 0 : 1 });
}

section("node unit tests");
{
  const files = findFiles(root, ".test.ts").map((f) => relative(root, f));
  const r = run(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", "--test-timeout=180000", ...files]);
  process.stdout.write(r.output);
  const pass = Number(/ℹ pass (\d+)/.exec(r.output)?.[1] ?? 0);
  const fail = Number(/ℹ fail (\d+)/.exec(r.output)?.[1] ?? (r.status === 0 ? 0 : 1));
  results.push({ name: `node tests (${files.length} files)`, passed: pass, failed: r.status !== 0 && fail === 0 ? 1 : fail });
}

section("selftest bundle under the host runtime");
{
  const r = run(process.execPath, ["--import", "tsx", "host/run.ts", "build/selftest.js"]);
  process.stdout.write(r.output);
  const c = closingCounts(r.stdout);
  results.push({ name: "selftest (host runtime)", passed: c?.passed ?? 0, failed: c ? c.failed + (r.status !== 0 && c.failed === 0 ? 1 : 0) : 1 });
}

for (const s of suites) {
  const name = relative(root, s);
  section(name);
  const r = run("bash", [s]);
  process.stdout.write(r.output);
  const c = closingCounts(r.stdout);
  results.push({ name, passed: c?.passed ?? 0, failed: c ? c.failed + (r.status !== 0 && c.failed === 0 ? 1 : 0) : 1, note: c ? undefined : "no closing line" });
}

section("summary");
for (const r of results) console.log(`${r.failed === 0 ? "ok  " : "FAIL"} ${r.name}: ${r.passed} passed, ${r.failed} failed${r.note ? ` (${r.note})` : ""}`);
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
