/**
 * npm run firmware -- --espruino DIR [--image NAME ...] [--jobs N] [--any-version]
 * npm run firmware -- --espruino DIR --measure-switches [--image NAME ...] [--switches ID,ID]
 * npm run firmware -- --write-blacklists
 *
 * Builds every firmware image (tools/firmware/flashMap.ts IMAGES) from an Espruino
 * source tree the user supplies: checks it is RELEASE_2V29, links boards/STM32F107 in
 * (libs/meternet and the board files, absolute links), runs Espruino's make per image
 * (PYTHON=python3, RELEASE=1), keeps ELF, bin and link map in build/firmware/<IMAGE>/,
 * prints where the bytes go and exits 1 when an image is over its budget. Never
 * downloads anything; CI does not run it (no Espruino tree there).
 * README: boards/STM32F107/README.md "Building the firmware".
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BOARD_DIR, blacklistPath, blacklistText, boardMismatches } from "./boardFiles.ts";
import { flashByGroup, ramUse } from "./elfSizes.ts";
import { describeVersion, linkBoard, missingTools, readTreeVersion, versionProblem } from "./espruinoTree.ts";
import { CHIP, IMAGES, IMAGE_NAMES, codeAreaBytes, imageBudgetBytes } from "./flashMap.ts";
import { IMAGE_SWITCHES, blacklistOf, type ImageName } from "./imageFeatures.ts";
import { makeImage } from "./makeImage.ts";
import { measureSwitches } from "./measureSwitches.ts";
import { formatReport, overBudgetBytes, type ImageReport } from "./sizeTable.ts";

const ROOT = resolve(new URL("../..", import.meta.url).pathname);
const OUT = join(ROOT, "build", "firmware");

interface Args { espruino?: string; images: ImageName[]; jobs: number; anyVersion: boolean; measure: boolean; writeBlacklists: boolean; switches?: string[] }

function usage(msg: string): never {
  console.error(`firmware: ${msg}\n` +
    "usage: npm run firmware -- --espruino DIR [--image NAME ...] [--jobs N] [--any-version]\n" +
    "       npm run firmware -- --espruino DIR --measure-switches [--image NAME ...] [--switches ID,ID]\n" +
    "       npm run firmware -- --write-blacklists\n" +
    `images: ${IMAGE_NAMES.join(", ")}. DIR: an Espruino tree at RELEASE_2V29 ` +
    "(git clone --branch RELEASE_2V29 --depth 1 https://github.com/espruino/Espruino.git)");
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { images: [], jobs: 2, anyVersion: false, measure: false, writeBlacklists: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const value = () => { if (i + 1 >= argv.length) usage(`${k} needs a value`); return argv[++i]; };
    if (k === "--espruino") a.espruino = resolve(value());
    else if (k === "--image") {
      const v = value() as ImageName;
      if (!IMAGE_NAMES.includes(v)) usage(`unknown image ${v}`);
      a.images.push(v);
    } else if (k === "--jobs" || k === "-j") a.jobs = Number(value());
    else if (k === "--any-version") a.anyVersion = true;
    else if (k === "--measure-switches") a.measure = true;
    else if (k === "--switches") a.switches = value().split(",");
    else if (k === "--write-blacklists") a.writeBlacklists = true;
    else usage(`unknown option ${k}`);
  }
  if (!(a.jobs >= 1)) usage("--jobs needs a positive number");
  return a;
}

/** Everything of ours the image's make depends on besides the sources make tracks itself. */
function boardInputs(): string[] {
  const files = readdirSync(BOARD_DIR).filter((f) => f.endsWith(".py")).map((f) => join(BOARD_DIR, f));
  const bl = join(BOARD_DIR, "blacklist");
  if (existsSync(bl)) for (const f of readdirSync(bl)) files.push(join(bl, f));
  return files;
}

function writeBlacklists(): void {
  mkdirSync(join(BOARD_DIR, "blacklist"), { recursive: true });
  for (const image of IMAGE_NAMES) {
    if (!blacklistOf(image)) continue;
    writeFileSync(blacklistPath(image), blacklistText(image));
    console.log(`wrote ${blacklistPath(image)}`);
  }
}

async function buildImage(tree: string, image: ImageName, jobs: number): Promise<ImageReport> {
  const outDir = join(OUT, image);
  const t0 = Date.now();
  process.stdout.write(`${image}: make (log: ${join(outDir, "make.log")}) ... `);
  const made = await makeImage({ treeDir: tree, board: image, outDir, jobs, inputs: boardInputs() });
  console.log(`${Math.round((Date.now() - t0) / 1000)} s`);
  const { statSync } = await import("node:fs");
  const flash = flashByGroup(made.elf, tree, BOARD_DIR, join(outDir, "gen"));
  const binBytes = statSync(made.bin).size;
  // the bin is the sections laid end to end (plus alignment): the difference is padding
  const un = flash.rows.find((r) => r.key === "zz-unattributed");
  if (un) un.bytes += binBytes - flash.imageBytes;
  return {
    image, bin: made.bin.slice(ROOT.length + 1), binBytes, codeAreaBytes: codeAreaBytes(image),
    reservedNativeBytes: IMAGES[image].reservedNativeBytes, budgetBytes: imageBudgetBytes(image),
    rows: flash.rows, ram: ramUse(made.elf, CHIP.ramBytes), variables: IMAGES[image].variables, ramBytes: CHIP.ramBytes,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.writeBlacklists) { writeBlacklists(); if (!args.espruino) return; }
  if (!args.espruino) usage("--espruino DIR is required");
  const images = args.images.length ? args.images : IMAGE_NAMES;

  const missing = missingTools();
  if (missing.length) { console.error("firmware: missing tools, install them first:\n  " + missing.join("\n  ")); process.exit(1); }
  const version = readTreeVersion(args.espruino);
  console.log(`tree: ${args.espruino}: ${describeVersion(version)}`);
  const problem = versionProblem(version);
  if (problem) {
    if (!args.anyVersion) { console.error(`firmware: ${problem}`); process.exit(1); }
    console.log(`warning: ${problem}`);
  }
  const mismatches = images.flatMap((i) => boardMismatches(i));
  if (mismatches.length) { console.error("firmware: the board files disagree with the tables:\n  " + mismatches.join("\n  ")); process.exit(1); }
  for (const l of linkBoard(args.espruino, BOARD_DIR, IMAGE_NAMES.map((i) => IMAGES[i].boardFile))) console.log(`link ${l}`);

  if (args.measure) {
    await measureSwitches(args.espruino, args.images.length ? args.images : ["METERNET_F107", "METERNET_F107_AGG"], join(OUT, "measure"), args.jobs, args.switches);
    return;
  }

  const reports: ImageReport[] = [];
  for (const image of images) {
    console.log(`${image}: switches ${IMAGE_SWITCHES[image].join(", ") || "(none)"}`);
    reports.push(await buildImage(args.espruino, image, args.jobs));
  }
  console.log("");
  for (const r of reports) console.log(formatReport(r) + "\n");
  writeFileSync(join(OUT, "report.json"), JSON.stringify({ tree: args.espruino, version, images: reports }, null, 2) + "\n");
  const over = reports.filter((r) => overBudgetBytes(r) > 0);
  for (const r of over) console.error(`firmware: ${r.image} is ${r.binBytes} bytes, over its budget of ${r.budgetBytes} by ${overBudgetBytes(r)} (package.json meternet.budgets.firmware.${r.image})`);
  if (over.length) process.exit(1);
  console.log("every image within its budget");
}

main().catch((e) => { console.error(`firmware: ${e instanceof Error ? e.message : String(e)}`); process.exit(1); });
