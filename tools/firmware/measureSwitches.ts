/**
 * The saving of each compile-out switch, measured: per image, a baseline without any
 * switch of tools/firmware/imageFeatures.ts, then each switch alone, then the image as
 * its board file builds it. Variants are board files of their own written into the
 * tree's boards/ for the run (they import the image's board file and change only its
 * make lines), Espruino's convention for variants; they are removed afterwards.
 */
import { rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IMAGES } from "./flashMap.ts";
import { SWITCHES, IMAGE_SWITCHES, makeLinesOf, type ImageName, type Switch } from "./imageFeatures.ts";
import { makeImage } from "./makeImage.ts";

function variantBoard(image: ImageName, add: Switch | undefined, blacklistFile: string): string {
  const drop = SWITCHES.flatMap(makeLinesOf);
  const addLines: string[] = add ? makeLinesOf(add) : [];
  if (add?.blacklist) addLines.push(`BLACKLIST=${blacklistFile}`);
  // the baseline has every library a switch of this image leaves out; the variant drops the switch's own
  const restore = IMAGE_SWITCHES[image].flatMap((id) => SWITCHES.find((x) => x.id === id)?.withoutLibraries ?? []);
  const without = add?.withoutLibraries ?? [];
  return [
    "# written by tools/firmware/measureSwitches.ts for one measurement; removed after it",
    "import copy",
    `import ${IMAGES[image].boardFile.replace(/\.py$/, "")} as base`,
    "info = copy.deepcopy(base.info)",
    `drop = ${JSON.stringify(drop)}`,
    `info['build']['makefile'] = [l for l in info['build']['makefile'] if l not in drop and not l.startswith('BLACKLIST=')] + ${JSON.stringify(addLines)}`,
    `libs = [l for l in info['build']['libraries'] + ${JSON.stringify(restore)} if l not in ${JSON.stringify(without)}]`,
    "info['build']['libraries'] = [l for i, l in enumerate(libs) if l not in libs[:i]]",
    "info['binary_name'] = 'espruino_%v_measure.bin'",
    "chip = base.chip",
    "devices = base.devices",
    "board = base.board",
    "def get_pins():",
    "  return base.get_pins()",
    "",
  ].join("\n");
}

export async function measureSwitches(tree: string, images: ImageName[], outRoot: string, jobs: number, only?: string[]): Promise<void> {
  for (const image of images) {
    const rows: { id: string; bytes: number | string }[] = [];
    const build = async (id: string, board: string) => {
      // a short folder name: the adopted build's id lists every switch, longer than a file name may be
      const outDir = join(outRoot, image, id.replace(/ \(.*$/, "").replace(/[^A-Za-z0-9_-]/g, "_"));
      process.stdout.write(`${image} ${id}: `);
      try {
        const made = await makeImage({ treeDir: tree, board, outDir, jobs });
        const bytes = statSync(made.bin).size;
        console.log(bytes);
        rows.push({ id, bytes });
      } catch (e) {
        const first = String((e as Error).message).split("\n").find((l) => /error:/.test(l)) ?? "make failed";
        console.log(`does not build: ${first.trim()}`);
        rows.push({ id, bytes: `does not build: ${first.trim()}` });
      } finally {
        rmSync(join(outDir, "obj"), { recursive: true, force: true }); // 30 MB of objects per variant
      }
    };
    const variant = `MNMEASURE_${image}`;
    const boardPath = join(tree, "boards", `${variant}.py`);
    const blPath = join(outRoot, image, "blacklist.json");
    try {
      writeFileSync(boardPath, variantBoard(image, undefined, blPath));
      await build("baseline (no switch)", variant);
      for (const s of SWITCHES.filter((x) => !only || only.includes(x.id))) {
        if (s.blacklist) writeFileSync(blPath, JSON.stringify(s.blacklist));
        writeFileSync(boardPath, variantBoard(image, s, blPath));
        await build(s.id, variant);
      }
    } finally {
      rmSync(boardPath, { force: true });
    }
    await build(`as adopted (${IMAGE_SWITCHES[image].join(" ") || "none"})`, image);
    const base = rows[0].bytes;
    console.log(`\n| ${image} | bin bytes | saving |\n|---|---:|---:|`);
    for (const r of rows) {
      const saving = typeof r.bytes === "number" && typeof base === "number" ? base - r.bytes : "";
      console.log(`| ${r.id} | ${r.bytes} | ${saving} |`);
    }
    console.log("");
  }
}
