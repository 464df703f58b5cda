// Rollup plugin, last in the chain: runs the Espruino compatibility gate on the
// emitted bundle, then records its size against the budget in build/report.json.
// Either failure fails the build with a message that names file, line and reason.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { checkBundle, formatOffence } from "../gate/index.js";

// The flash map is TypeScript (tools/firmware/flashMap.ts); rollup runs on plain Node,
// so it is compiled by tsx's CommonJS require, in this thread (no loader hooks).
const flashMap = createRequire(import.meta.url)("tsx/cjs/api")
  .require(fileURLToPath(new URL("../firmware/flashMap.ts", import.meta.url)), import.meta.url);

export function gateAndReportPlugin(root, role, budgetBytes) {
  return {
    name: "meternet-gate-report",
    writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        const file = join(options.dir ?? join(options.file, ".."), chunk.fileName);
        const code = readFileSync(file, "utf8");
        // what the role's firmware images compile out of Espruino is rejected too
        const images = flashMap.imagesOfRole(role);
        const offences = checkBundle(code, `build/${chunk.fileName}`, { images });
        if (offences.length > 0) {
          this.error(`Espruino compatibility gate: ${offences.length} offence(s) in build/${chunk.fileName}\n` +
            offences.map(formatOffence).join("\n"));
        }
        const bytes = Buffer.byteLength(code, "utf8");
        const reportPath = join(root, "build", "report.json");
        const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, "utf8")) : { bundles: {} };
        const slotBytes = flashMap.bundleSlotBytes(role);
        report.bundles[role] = { file: `build/${chunk.fileName}`, bytes, budgetBytes, withinBudget: bytes <= budgetBytes, images,
          storageSlotBytes: slotBytes, withinStorageSlot: slotBytes === undefined ? undefined : bytes <= slotBytes };
        if (slotBytes !== undefined && bytes > slotBytes) {
          // Not an error yet: the aggregator's bundle waits for the web-app issue (HTML rendering
          // to the browser). `npm run firmware` fails on it; tools/firmware/flashMap.test.ts lists it.
          this.warn(`build/${chunk.fileName} is ${bytes} bytes, over its Storage slot of ${slotBytes} bytes on the chip ` +
            `(package.json meternet.budgets.storage.${role}.bundle, tools/firmware/flashMap.ts)`);
        }
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
