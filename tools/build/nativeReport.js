// After the bundles: flash and RAM of each native object of the meter board, from
// boards/STM32F107/size-report.sh, printed and recorded in build/report.json.
// Without Debian's arm-none-eabi-gcc it says so and how to install it (npm start must
// work on a machine that has only Node); `npm test` installs the compiler and runs the
// same script as a suite, so CI always measures.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const reportPath = join(root, "build", "report.json");
const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, "utf8")) : { bundles: {} };

const bundles = Object.entries(report.bundles ?? {});
// budgets apply to the stored (pretokenised) bytes, build/stored/ (reportPlugin.js)
for (const [role, b] of bundles) {
  const n = b.stored ? b.stored.bytes : b.bytes;
  const plain = b.stored ? ` stored (${b.bytes} plain)` : "";
  console.log(`${role.padEnd(11)} ${String(n).padStart(6)} bytes${plain} of ${b.budgetBytes} (${((100 * n) / b.budgetBytes).toFixed(1)} %)`);
}
// each role's Storage on the chip after compaction (tools/firmware/flashMap.ts storageUse)
for (const [role, u] of Object.entries(report.storage ?? {})) {
  console.log(`${role} Storage: code ${u.code.map((f) => f.name).join(" + ")} ${u.codeBytes} B (slot ${u.codeSlotBytes}) + ` +
    `${u.slots.map((s) => s.name + " " + s.bytes).join(" + ")} B = ${u.usedBytes} of ${u.storageBytes} B, ` +
    `${(100 * u.freeShare).toFixed(1)} % free after compaction (target >= 25 %: at most ${u.targetBytes} B)` + (u.problem ? `\n  ${u.problem}` : ""));
}

if (spawnSync("sh", ["-c", "command -v arm-none-eabi-gcc"]).status !== 0) {
  console.log("native sizes: not measured, arm-none-eabi-gcc is missing " +
    "(apt-get install -y gcc-arm-none-eabi libnewlib-arm-none-eabi)");
  report.native = { measured: false, reason: "arm-none-eabi-gcc missing" };
} else {
  const r = spawnSync("bash", [join(root, "boards/STM32F107/size-report.sh")], { encoding: "utf8" });
  process.stdout.write(r.stdout.endsWith("\n") ? r.stdout : r.stdout + "\n");
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    console.error("native sizes: a board source does not compile for the Cortex-M3 (see above)");
    process.exit(1);
  }
  const rows = r.stdout.split("\n").filter((l) => /^\| [a-z]/.test(l)).map((l) => l.split("|").map((c) => c.trim()));
  report.native = {
    measured: true,
    objects: rows.map((c) => ({ file: c[1], textBytes: +c[2], dataBytes: +c[3], bssBytes: +c[4], flashBytes: +c[5], ramBytes: +c[6] })),
  };
}
writeFileSync(reportPath, JSON.stringify(report, null, 2) + "\n");
