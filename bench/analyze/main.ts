// Memory and time of `meternet analyze` on a long record (issue 13 item 10): a record of
// SAMPLES samples (default 10 million: 781 s at 12.8 kHz) generated with
// host/waveform/generateRecord.ts as BINARY ADC codes and as ASCII true values, each
// analysed in a fresh process (bench/analyze/runOnce.ts) that reports its peak resident
// memory (getrusage maxrss) and wall time. Target: under 200 MB whatever the length.
//   npm run bench:analyze [-- SAMPLES [DIR]]   (DIR keeps the records for reruns)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const samples = Number(process.argv[2] ?? 10_000_000);
const keep = process.argv[3];
const dir = keep ?? mkdtempSync(join(tmpdir(), "meternet-bench-analyze-"));
mkdirSync(dir, { recursive: true });
const here = import.meta.dirname;
const tsx = ["--import", "tsx"];
const TARGET_MB = 200;

function run(script: string, args: string[], stdio: "inherit" | "pipe"): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [...tsx, join(here, script), ...args], { stdio: ["ignore", stdio === "pipe" ? "ignore" : "inherit", stdio], encoding: "utf8", maxBuffer: 1 << 26 });
}

try {
  console.log(`meternet analyze on a ${samples}-sample record (12.8 kHz, ${(samples / 12800).toFixed(1)} s), one fresh process each`);
  console.log("");
  console.log("| format | .dat size | windows | peak memory (maxrss) | wall time | under 200 MB |");
  console.log("|---|---|---|---|---|---|");
  let ok = true;
  for (const format of ["BINARY", "ASCII"] as const) {
    const base = join(dir, `${format.toLowerCase()}${samples}`);
    if (!existsSync(base + ".cfg")) {
      const g = run("generateBig.ts", [base, String(samples), format], "pipe");
      if (g.status !== 0) throw new Error(`generating ${base}: ${g.stderr}`);
    }
    const r = run("runOnce.ts", [base + ".cfg"], "pipe");
    const line = String(r.stderr).split("\n").find((l) => l.startsWith("BENCH "));
    if (!line) throw new Error(`analyze ${base}.cfg: ${r.stderr}`);
    const b = JSON.parse(line.slice(6)) as { code: number; maxRssMB: number; seconds: number; windows: number };
    const under = b.code === 0 && b.maxRssMB < TARGET_MB;
    ok &&= under;
    console.log(`| ${format} | ${(statSync(base + ".dat").size / 1e6).toFixed(0)} MB | ${b.windows} | ${b.maxRssMB.toFixed(0)} MB | ${b.seconds.toFixed(1)} s | ${under ? "yes" : "NO"} |`);
  }
  console.log("");
  console.log(`node ${process.version}, kernel backend: ${process.env.METERNET_KERNEL === "harness" ? "harness" : "addon"}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
