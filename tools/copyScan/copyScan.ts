/**
 * Copy scan of the tree: jscpd with .jscpd.json (TypeScript, JavaScript, C, C++; at
 * least 70 tokens over 6 lines; generated files, build/ and node_modules/ left out).
 * Fails when the duplicated share of lines exceeds the config's threshold or a clone
 * joins two files that tools/copyScan/allowed.json does not list (each listed pair
 * says why it stays). Run by `npm run lint` and by copyScan.test.ts (so CI runs it).
 *
 *   npx tsx tools/copyScan/copyScan.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface Clone {
  a: string;
  b: string;
  lines: string;
}

export interface ScanResult {
  percentage: number;
  threshold: number;
  clones: Clone[];
  /** Clones between files allowed.json does not list. */
  unlisted: Clone[];
  /** Listed pairs no clone joins any more. */
  stale: string[][];
}

const key = (a: string, b: string): string => [a, b].sort().join(" | ");

export function copyScan(): ScanResult {
  const out = mkdtempSync(join(tmpdir(), "meternet-cpd-"));
  try {
    const bin = join(root, "node_modules/.bin/jscpd");
    const r = spawnSync(bin, ["-c", ".jscpd.json", "-r", "json", "-o", out, "--exit-code", "0", "."], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`jscpd failed (${r.status}): ${r.stderr || r.error?.message} (npm install gives node_modules/.bin/jscpd)`);
    const report = JSON.parse(readFileSync(join(out, "jscpd-report.json"), "utf8")) as {
      statistics: { total: { percentage: number } };
      duplicates: { firstFile: { name: string; start: number; end: number }; secondFile: { name: string; start: number; end: number } }[];
    };
    const cfg = JSON.parse(readFileSync(join(root, ".jscpd.json"), "utf8")) as { threshold: number };
    const allowed = JSON.parse(readFileSync(join(root, "tools/copyScan/allowed.json"), "utf8")) as { pairs: { files: string[] }[] };
    const listed = new Set(allowed.pairs.map((p) => key(p.files[0]!, p.files[1]!)));
    const clones = report.duplicates.map((d) => ({
      a: d.firstFile.name,
      b: d.secondFile.name,
      lines: `${d.firstFile.start}-${d.firstFile.end} / ${d.secondFile.start}-${d.secondFile.end}`,
    }));
    const seen = new Set(clones.map((c) => key(c.a, c.b)));
    return {
      percentage: report.statistics.total.percentage,
      threshold: cfg.threshold,
      clones,
      unlisted: clones.filter((c) => !listed.has(key(c.a, c.b))),
      stale: allowed.pairs.map((p) => p.files).filter((f) => !seen.has(key(f[0]!, f[1]!))),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = copyScan();
  for (const c of r.clones) console.log(`${r.unlisted.includes(c) ? "NEW  " : "kept "} ${c.a} | ${c.b}  (lines ${c.lines})`);
  for (const s of r.stale) console.log(`stale entry in tools/copyScan/allowed.json (no clone any more): ${s.join(" | ")}`);
  console.log(`copy scan: ${r.clones.length} clones, ${r.percentage.toFixed(2)} % of lines duplicated (threshold ${r.threshold} %), ${r.unlisted.length} not in tools/copyScan/allowed.json`);
  if (r.percentage > r.threshold || r.unlisted.length) {
    console.error("copy scan failed: remove the copy, or list the file pair in tools/copyScan/allowed.json with why it stays");
    process.exitCode = 1;
  }
}
