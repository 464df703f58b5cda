// Rollup plugin, last in the chain: runs the Espruino compatibility gate on the
// emitted bundle, then records its size against the budget in build/report.json.
// Either failure fails the build with a message that names file, line and reason.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { checkBundle, formatOffence } from "../gate/index.js";

export function gateAndReportPlugin(root, role, budgetBytes) {
  return {
    name: "meternet-gate-report",
    writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        const file = join(options.dir ?? join(options.file, ".."), chunk.fileName);
        const code = readFileSync(file, "utf8");
        const offences = checkBundle(code, `build/${chunk.fileName}`);
        if (offences.length > 0) {
          this.error(`Espruino compatibility gate: ${offences.length} offence(s) in build/${chunk.fileName}\n` +
            offences.map(formatOffence).join("\n"));
        }
        const bytes = Buffer.byteLength(code, "utf8");
        const reportPath = join(root, "build", "report.json");
        const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, "utf8")) : { bundles: {} };
        report.bundles[role] = { file: `build/${chunk.fileName}`, bytes, budgetBytes, withinBudget: bytes <= budgetBytes };
        report.generatedAt = new Date().toISOString();
        mkdirSync(join(root, "build"), { recursive: true });
        writeFileSync(reportPath, JSON.stringify(report, null, 2) + "\n");
        if (bytes > budgetBytes) {
          this.error(`build/${chunk.fileName} is ${bytes} bytes, over its budget of ${budgetBytes} bytes ` +
            `(package.json "meternet.budgets.${role}")`);
        }
      }
    },
  };
}
