/**
 * What the board files (boards/STM32F107/*.py) say, read by Python itself (they import
 * each other and Espruino's pinutils, so they are not parsed as text): a stub pinutils
 * stands in for Espruino's, so this works without an Espruino tree (in `npm test`).
 * Then the differences from the flash map and the switch table: the board files are
 * what Espruino's make reads, the TypeScript tables are what everything else reads,
 * and both must say the same.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHIP, IMAGES, storageBytes } from "./flashMap.ts";
import { SWITCHES, blacklistOf, makeLinesOf, switchesOf, type ImageName } from "./imageFeatures.ts";

export const BOARD_DIR = new URL("../../boards/STM32F107/", import.meta.url).pathname;

export interface BoardFacts {
  makefile: string[];
  libraries: string[];
  variables: number;
  storagePages: number;
  storagePageBytes: number;
  storageAddress: number;
  flashAvailableKb: number;
  binaryName: string;
}

export function readBoard(image: ImageName): BoardFacts {
  const stub = mkdtempSync(join(tmpdir(), "meternet-board-"));
  try {
    writeFileSync(join(stub, "pinutils.py"), "# stand-in for Espruino's scripts/pinutils.py: the facts read here do not need pins\n");
    const code = [
      "import sys, json",
      `sys.path[:0] = [${JSON.stringify(stub)}, ${JSON.stringify(BOARD_DIR)}]`,
      `b = __import__(${JSON.stringify(IMAGES[image].boardFile.replace(/\.py$/, ""))})`,
      "s = b.chip['saved_code']",
      "print(json.dumps({'makefile': b.info['build']['makefile'], 'libraries': b.info['build']['libraries'], 'variables': b.info['variables'], 'storagePages': s['pages'],",
      "  'storagePageBytes': s['page_size'], 'storageAddress': s['address'], 'flashAvailableKb': s['flash_available'], 'binaryName': b.info['binary_name']}))",
    ].join("\n");
    const r = spawnSync("python3", ["-B", "-c", code], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`reading ${IMAGES[image].boardFile} with python3 failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as BoardFacts;
  } finally {
    rmSync(stub, { recursive: true, force: true });
  }
}

/** Images with the same blacklist share one file, named after the first of them (the 60 Hz
 * meter image imports the meter's make lines, so it must name the same file). */
function blacklistFileName(image: ImageName): string {
  const text = blacklistText(image);
  const first = (Object.keys(IMAGES) as ImageName[]).find((i) => blacklistText(i) === text) ?? image;
  return `${first}.json`;
}

/** The board file line that points Espruino's make at the image's blacklist file. */
export function blacklistLine(image: ImageName): string {
  return `BLACKLIST=libs/meternet/blacklist/${blacklistFileName(image)}`;
}

export function blacklistPath(image: ImageName): string {
  return join(BOARD_DIR, "blacklist", blacklistFileName(image));
}

/** Every way the board file and its blacklist file disagree with the tables; empty when they agree. */
export function boardMismatches(image: ImageName, facts: BoardFacts = readBoard(image)): string[] {
  const out: string[] = [];
  const where = `boards/STM32F107/${IMAGES[image].boardFile}`;
  const plan = IMAGES[image];
  if (facts.variables !== plan.variables) out.push(`${where}: 'variables' is ${facts.variables}, tools/firmware/flashMap.ts says ${plan.variables}`);
  if (facts.storagePages !== plan.storagePages) out.push(`${where}: saved_code 'pages' is ${facts.storagePages}, tools/firmware/flashMap.ts says ${plan.storagePages}`);
  if (facts.storagePageBytes !== CHIP.pageBytes) out.push(`${where}: saved_code 'page_size' is ${facts.storagePageBytes}, the F107's page is ${CHIP.pageBytes}`);
  const address = CHIP.flashBase + CHIP.flashBytes - storageBytes(image);
  if (facts.storageAddress !== address) out.push(`${where}: saved_code 'address' is 0x${facts.storageAddress.toString(16)}, the flash map puts Storage at 0x${address.toString(16)}`);
  const availableKb = (CHIP.flashBytes - storageBytes(image)) / 1024;
  if (facts.flashAvailableKb !== availableKb) out.push(`${where}: 'flash_available' is ${facts.flashAvailableKb} KB, the flash map leaves ${availableKb} KB for code`);
  const wanted = new Set(switchesOf(image).flatMap(makeLinesOf));
  const known = new Set(SWITCHES.flatMap(makeLinesOf));
  for (const l of wanted) if (!facts.makefile.includes(l)) out.push(`${where}: missing the make line '${l}' (tools/firmware/imageFeatures.ts adopts it)`);
  for (const l of facts.makefile) if (known.has(l) && !wanted.has(l)) out.push(`${where}: has '${l}', which tools/firmware/imageFeatures.ts does not adopt for ${image}`);
  // a library a switch can leave out is in the board file exactly when no adopted switch leaves it out
  const dropped = new Set(switchesOf(image).flatMap((s) => s.withoutLibraries ?? []));
  for (const lib of new Set(SWITCHES.flatMap((s) => s.withoutLibraries ?? []))) {
    const has = facts.libraries.includes(lib);
    if (dropped.has(lib) && has) out.push(`${where}: has the library '${lib}', which an adopted switch of tools/firmware/imageFeatures.ts leaves out of ${image}`);
    if (!dropped.has(lib) && !has) out.push(`${where}: lacks the library '${lib}', but no switch of tools/firmware/imageFeatures.ts leaves it out of ${image} (the gate would not reject its use)`);
  }
  const bl = blacklistOf(image);
  const blLines = facts.makefile.filter((l) => l.startsWith("BLACKLIST="));
  if (bl) {
    if (blLines.length !== 1 || blLines[0] !== blacklistLine(image)) out.push(`${where}: needs exactly the make line '${blacklistLine(image)}'`);
    let text = "";
    try { text = readFileSync(blacklistPath(image), "utf8"); } catch { /* reported below */ }
    if (text !== blacklistText(image)) out.push(`boards/STM32F107/blacklist/${blacklistFileName(image)} differs from the table: write it with npm run firmware -- --write-blacklists`);
  } else if (blLines.length) {
    out.push(`${where}: has '${blLines[0]}', but no switch of ${image} removes a built-in`);
  }
  return out;
}

/** The blacklist file Espruino's build_jswrapper.py reads (a JSON list of {class, name}). */
export function blacklistText(image: ImageName): string {
  const bl = blacklistOf(image) ?? [];
  return "[\n" + bl.map((e) => "  " + JSON.stringify(e)).join(",\n") + "\n]\n";
}
