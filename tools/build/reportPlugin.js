// Rollup plugin, last in the chain: runs the Espruino compatibility gate on the
// emitted bundle, writes its stored form (pretokenised, ./pretokenise.js) beside it
// under build/stored/ (the bytes npm run upload puts in Storage), then records both
// sizes in build/report.json; the budget applies to the stored bytes. It also sums the
// role's Storage (report.storage.<role>: code files + configuration slot, free share after
// compaction) and fails the build when the role keeps less than 25 % of it free (unless
// package.json meternet.budgets.storageOver waives it, up to a ceiling) or does not fit.
// Any failure fails the build with a message that names file, line and reason.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { tokenise, storedFormDifference } from "./pretokenise.js";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { checkBundle, formatOffence } from "../gate/index.js";

// The flash map is TypeScript (tools/firmware/flashMap.ts); rollup runs on plain Node,
// so it is compiled by tsx's CommonJS require, in this thread (no loader hooks).
const flashMap = createRequire(import.meta.url)("tsx/cjs/api")
  .require(fileURLToPath(new URL("../firmware/flashMap.ts", import.meta.url)), import.meta.url);
// the configuration files per role, at 8 and 64 meters for the aggregator (report.config)
const configFiles = createRequire(import.meta.url)("tsx/cjs/api")
  .require(fileURLToPath(new URL("../firmware/configFiles.ts", import.meta.url)), import.meta.url);

/**
 * One id per `rollup -c` process: each report entry carries it, so a role's Storage is
 * summed over the files of this build only (an entry a previous build left, such as a
 * module since removed, is dropped from the report).
 */
const RUN = `${process.pid}@${new Date().toISOString()}`;

/**
 * A role's Storage (tools/firmware/flashMap.ts storageUse): the code files this build has
 * written so far for it, stored form with headers, plus the plan's configuration slot.
 * The files of a role are built one after another and the sum only grows, so a role
 * found over (or under 25 % free) partway is over at the end too: the build fails there.
 */
function roleStorage(report, role) {
  const files = [];
  for (const [k, b] of Object.entries(report.bundles)) {
    if (b.run !== RUN || flashMap.storageRoleOf(k) !== role) continue;
    const name = k === "meter" || k === "aggregator" ? ".bootcde" : k.indexOf(":") > 0 ? k.slice(k.indexOf(":") + 1) : k;
    files.push({ name, bytes: b.stored.bytes });
  }
  return flashMap.storageUse(role, files);
}

export function gateAndReportPlugin(root, reportKey, budgetBytes) {
  // "aggregator:route.read": a Storage module of the aggregator, gated for its images
  const role = reportKey.split(":")[0];
  const moduleName = reportKey.split(":")[1];
  return {
    name: "meternet-gate-report",
    writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        const file = join(options.dir ?? join(options.file, ".."), chunk.fileName);
        const code = readFileSync(file, "utf8");
        const rel = relative(root, file);
        // what the role's firmware images compile out of Espruino is rejected too
        const images = flashMap.imagesOfRole(role);
        const offences = checkBundle(code, rel, { images });
        if (offences.length > 0) {
          this.error(`Espruino compatibility gate: ${offences.length} offence(s) in ${rel}\n` +
            offences.map(formatOffence).join("\n"));
        }
        const plainBytes = Buffer.byteLength(code, "utf8");
        // the stored form: what Storage holds, written as bytes (latin1) to build/stored/
        const stored = tokenise(code);
        const difference = storedFormDifference(code, stored);
        if (difference) this.error(`${rel}: its pretokenised form does not run as the plain code: ${difference}`);
        const storedFile = join(root, "build", "stored", relative(join(root, "build"), file));
        mkdirSync(dirname(storedFile), { recursive: true });
        writeFileSync(storedFile, stored, "latin1");
        const bytes = stored.length;
        const reportPath = join(root, "build", "report.json");
        const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, "utf8")) : { bundles: {} };
        for (const k of Object.keys(report.bundles)) if (report.bundles[k].run !== RUN && k !== reportKey) delete report.bundles[k];
        report.bundles[reportKey] = { file: rel, bytes: plainBytes, stored: { file: relative(root, storedFile), bytes },
          budgetBytes, withinBudget: bytes <= budgetBytes, images, run: RUN };
        // the role's Storage on the chip, against the flash map's 25 % free after compaction
        const storageRole = flashMap.storageRoleOf(reportKey);
        let storageProblem;
        if (storageRole) {
          report.storage = report.storage || {};
          const use = roleStorage(report, storageRole);
          report.storage[storageRole] = use;
          if (use.fails) storageProblem = use.problem;
          else if (use.problem) this.warn(use.problem);
        }
        if (storageRole) {
          // counted, not failed on: boards/STM32F107/README.md "Configuration at 64 meters"
          report.config = configFiles.configReport();
          if (!moduleName) for (const c of report.config) if (c.role === storageRole && c.overBytes) this.warn(`${c.role} configuration at ${c.meters} meters: ${c.storedBytes} B stored, over its ${c.slotBytes} B slot by ${c.overBytes} B (tools/firmware/configFiles.ts)`);
        }
        delete report.storageCode; // its successor is report.storage
        report.generatedAt = new Date().toISOString();
        mkdirSync(join(root, "build"), { recursive: true });
        writeFileSync(reportPath, JSON.stringify(report, null, 2) + "\n");
        if (storageProblem) {
          this.error(`${storageProblem}. The flash map (tools/firmware/flashMap.ts, package.json meternet.budgets.storage) keeps ` +
            `${flashMap.STORAGE_FREE_MIN * 100} % of Storage free after compaction: make the code smaller, or re-plan the pages (boards/STM32F107/README.md "Flash map")`);
        }
        if (bytes > budgetBytes) {
          this.error(`${rel} is ${bytes} bytes stored (${plainBytes} plain), over its budget of ${budgetBytes} bytes ` +
            `(package.json "meternet.budgets.${moduleName ? "storage." + role + ".bundle" : role}")`);
        }
      }
    },
  };
}
