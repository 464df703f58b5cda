/**
 * Issue 16's long run: one scenario of host/runtime/accounting/scenarios.ts on the real
 * interpreter for MINUTES (default 10), process.memory() read every minute, first lines,
 * error flags, and for the "web" scenarios the browser's requests (every GET route once a
 * second). A short measureJsVars.ts run cannot show growth with uptime; this can.
 *
 *   npm run build && npx tsx test/realInterpreter/soak.ts BIN SCENARIO [--minutes N] [--stored]
 *
 * Prints the table and writes test/realInterpreter/soakJsVars.json (one entry per
 * scenario@variables), the figures the README and the closing notes quote. Never
 * downloads; CI does not run it (CI has no interpreter).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SCENARIOS } from "../../host/runtime/accounting/scenarios.ts";
import { measure, setCodeDir } from "./measureJsVars.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "test/realInterpreter/soakJsVars.json");

async function main(argv: string[]): Promise<number> {
  const bin = argv[0];
  const name = argv[1];
  const mi = argv.indexOf("--minutes");
  const minutes = mi >= 0 ? Number(argv[mi + 1]) : 10;
  const base = SCENARIOS.find((s) => s.name === name);
  if (!bin || !base || !(minutes > 0)) {
    console.error("usage: npx tsx test/realInterpreter/soak.ts PATH/TO/espruino32-N SCENARIO [--minutes 10] [--stored]\nscenarios: " + SCENARIOS.map((s) => s.name).join(" "));
    return 2;
  }
  const stored = argv.includes("--stored");
  if (stored) setCodeDir("build/stored");
  const atS: number[] = [0, 10];
  for (let m = 1; m <= minutes; m++) atS.push(m * 60);
  const r = await measure(bin, { ...base, atS });
  const key = (stored ? "stored:" : "") + name + "@" + r.totalJsVars;
  for (const s of r.snapshots) console.log(`@${s.atS}s usage ${s.usage}${s.chipUsage !== undefined ? " (chip " + s.chipUsage + ")" : ""} free ${s.free}${s.errorFlags && s.errorFlags !== "[]" ? " flags " + s.errorFlags : ""}`);
  if (r.client) console.log(`requests ok ${r.client.ok} failed ${r.client.failed}; peak ${r.client.peakUsage} at ${r.client.peakAt}`);
  const after10 = r.snapshots.filter((s) => s.atS >= 60);
  const growth = after10.length > 1 ? after10[after10.length - 1].usage - after10[0].usage : 0;
  console.log(`${key}: ${minutes} min, growth from 1 min to the end ${growth} JsVars, first lines:\n  ${r.firstLines.join("\n  ")}`);
  const all = existsSync(OUT) ? JSON.parse(readFileSync(OUT, "utf8")) : {};
  all[key] = { command: `npx tsx test/realInterpreter/soak.ts ${bin} ${name} --minutes ${minutes}${stored ? " --stored" : ""}`, minutes, growthJsVars: growth, ...r };
  writeFileSync(OUT, JSON.stringify(all, null, 1) + "\n");
  return 0;
}

main(process.argv.slice(2)).then((c) => process.exit(c));
