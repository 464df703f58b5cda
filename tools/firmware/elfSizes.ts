/**
 * Where the bytes of a linked firmware ELF come from. Espruino's ARM build links with
 * LTO, which merges objects, so the link map cannot give per-object sizes; the debug
 * information can: every sized symbol is attributed to the source file that defines it
 * (`nm -l` for most, the DWARF compile unit of its definition for the rest, mostly
 * static tables), then files are grouped (Espruino core, each library, each object of
 * ours). What no symbol covers (string literals, alignment) is reported as such.
 */
import { spawnSync } from "node:child_process";
import { relative, resolve, sep } from "node:path";

export interface Sym { name: string; addr: number; size: number; type: string; file?: string }

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** Section sizes (`size -A`). */
export function sectionSizes(elf: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of run("arm-none-eabi-size", ["-A", elf]).split("\n")) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

const baseName = (n: string) => n.replace(/\.(lto_priv\.)?\d+$/, "").replace(/\.lto_priv\.\d+$/, "");

/**
 * name -> compile unit (source file) of its defining DWARF entry. A definition either
 * carries its name, or (a declaration completed later, LTO's concrete copies) points
 * with DW_AT_specification / DW_AT_abstract_origin at the entry that does; LTO's own
 * units are named "<artificial>" and inherit the unit of what they point at.
 */
function definitionUnits(elf: string): Map<string, string> {
  interface Die { name?: string; cu: string; decl: boolean; ref?: string }
  const dies = new Map<string, Die>();
  const order: Die[] = [];
  let cu = "";
  let expectCuName = false;
  let cur: Die | null = null;
  for (const line of run("arm-none-eabi-readelf", ["--debug-dump=info", elf]).split("\n")) {
    const tag = /^ <(\d+)><([0-9a-f]+)>: Abbrev Number: \d+ \((DW_TAG_\w+)\)/.exec(line);
    if (tag) {
      cur = null;
      if (tag[3] === "DW_TAG_compile_unit") { expectCuName = true; continue; }
      if (tag[1] === "1" && (tag[3] === "DW_TAG_variable" || tag[3] === "DW_TAG_subprogram")) {
        cur = { cu, decl: false };
        dies.set(tag[2], cur);
        order.push(cur);
      }
      continue;
    }
    const attr = /^\s+<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s*(.*)$/.exec(line);
    if (!attr) continue;
    const value = attr[2].replace(/^\(indirect (line )?string, offset: 0x[0-9a-f]+\): /, "").trim();
    if (expectCuName && attr[1] === "DW_AT_name") { cu = value; expectCuName = false; }
    else if (cur && attr[1] === "DW_AT_name") cur.name = value;
    else if (cur && attr[1] === "DW_AT_declaration") cur.decl = true;
    else if (cur && (attr[1] === "DW_AT_specification" || attr[1] === "DW_AT_abstract_origin")) cur.ref = value.replace(/^<0x([0-9a-f]+)>$/, "$1");
  }
  const units = new Map<string, string>();
  const fallback = new Map<string, string>();
  for (const d of order) {
    let name = d.name;
    let unit = d.cu;
    const target = d.ref ? dies.get(d.ref) : undefined;
    if (target) {
      name = name ?? target.name;
      if (unit === "<artificial>") unit = target.cu;
    }
    if (!name || !unit || unit === "<artificial>") continue;
    if (!d.decl && !units.has(name)) units.set(name, unit);
    if (!fallback.has(name)) fallback.set(name, unit);
  }
  for (const [n, u] of fallback) if (!units.has(n)) units.set(n, u);
  return units;
}

/** Every sized symbol with the source file that defines it, when the debug information says. */
export function symbols(elf: string): Sym[] {
  const units = definitionUnits(elf);
  const out: Sym[] = [];
  for (const line of run("arm-none-eabi-nm", ["-S", "-l", "-t", "d", elf]).split("\n")) {
    const m = /^(\d+) (\d+) (\w) (\S+)(?:\t(.+):\d+)?$/.exec(line);
    if (!m) continue;
    const name = m[4];
    out.push({ addr: Number(m[1]), size: Number(m[2]), type: m[3], name, file: m[5] ?? units.get(baseName(name)) ?? units.get(name) });
  }
  return out;
}

export interface Group { key: string; label: string }

/**
 * The row a source file belongs to. `treeDir` is the Espruino tree (compile units are
 * named relative to it), `boardDir` our board folder (linked in as libs/meternet).
 */
export function groupOf(file: string | undefined, treeDir: string, boardDir: string, genDir: string): Group {
  if (!file) return { key: "zz-unattributed", label: "no symbol (string literals, alignment)" };
  const abs = resolve(treeDir, file);
  const inBoard = relative(boardDir, abs);
  if (!inBoard.startsWith("..") && !inBoard.startsWith(sep)) return { key: `ours:${inBoard}`, label: `ours: ${inBoard.split(sep).join("/")}` };
  const m = /libs\/meternet\/(.+)$/.exec(file);
  if (m) return { key: `ours:${m[1]}`, label: `ours: ${m[1]}` };
  if (!relative(genDir, abs).startsWith("..")) return { key: "core-gen", label: "Espruino generated tables (gen/: wrappers, symbols, pins)" };
  const t = relative(treeDir, abs).split(sep).join("/");
  if (t.startsWith("..")) {
    return /newlib|libgcc|gcc\//.test(file) ? { key: "clib", label: "C library (newlib nano, libgcc)" } : { key: "zz-other", label: `other: ${file}` };
  }
  if (t.startsWith("src/")) return { key: "core-src", label: "Espruino core (src/)" };
  if (t.startsWith("targets/") || t.startsWith("targetlibs/")) return { key: "core-target", label: "Espruino STM32F1 target + ST library (targets/, targetlibs/)" };
  if (t.startsWith("libs/compression/")) return { key: "lib-heatshrink", label: "Espruino library heatshrink (libs/compression, always in)" };
  // the meter images compile only mbedtls aes.c from here (switch crypto:none), the aggregator also CRYPTO + SHA256
  if (t.startsWith("libs/crypto/")) return { key: "lib-crypto", label: "Espruino libs/crypto (mbedtls aes.c; CRYPTO + SHA256 where the image has them)" };
  if (t.startsWith("libs/network/wiznet/")) return { key: "lib-wiznet", label: "Espruino library WIZNET (libs/network/wiznet)" };
  if (t.startsWith("libs/network/")) return { key: "lib-net", label: "Espruino library NET (libs/network: net, http)" };
  const lib = /^libs\/([^/]+)\//.exec(t);
  if (lib) return { key: `lib-${lib[1]}`, label: `Espruino library ${lib[1]} (libs/${lib[1]})` };
  return { key: "zz-other", label: `other: ${t}` };
}

export interface FlashRow { key: string; label: string; bytes: number }

/** Flash bytes (text + initialised data) per group; the rows sum to the image's .text + .data + vectors. */
export function flashByGroup(elf: string, treeDir: string, boardDir: string, genDir: string): { rows: FlashRow[]; imageBytes: number } {
  const sec = sectionSizes(elf);
  const imageBytes = (sec[".isr_vector"] ?? 0) + (sec[".ARM"] ?? 0) + (sec[".text"] ?? 0) + (sec[".data"] ?? 0);
  const rows = new Map<string, FlashRow>();
  let attributed = 0;
  for (const s of symbols(elf)) {
    if (!/[TtWwRrDdVv]/.test(s.type) || s.size === 0) continue;
    const g = groupOf(s.file, treeDir, boardDir, genDir);
    const row = rows.get(g.key) ?? { key: g.key, label: g.label, bytes: 0 };
    row.bytes += s.size;
    attributed += s.size;
    rows.set(g.key, row);
  }
  const rest = imageBytes - attributed;
  const un = rows.get("zz-unattributed") ?? { key: "zz-unattributed", label: "no symbol (string literals, alignment)", bytes: 0 };
  un.bytes += rest;
  rows.set(un.key, un);
  const rank = (k: string) => ["core-src", "core-target", "core-gen", "lib-", "ours:", "clib", "zz-other", "zz-unattributed"].findIndex((p) => k.startsWith(p));
  return { rows: [...rows.values()].sort((a, b) => rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : 1)), imageBytes };
}

export interface RamUse { dataBytes: number; bssBytes: number; jsVarsBytes: number; staticsBytes: number; stackBytes: number }

/** Static RAM from the ELF; the stack is what the 64 KB leave (Espruino's linker script puts it at the top). */
export function ramUse(elf: string, ramBytes: number): RamUse {
  const sec = sectionSizes(elf);
  const dataBytes = sec[".data"] ?? 0;
  const bssBytes = sec[".bss"] ?? 0;
  const jsVars = run("arm-none-eabi-nm", ["-S", "-t", "d", elf]).split("\n").map((l) => /^\d+ (\d+) \w jsVars$/.exec(l)).find((m) => m);
  const jsVarsBytes = jsVars ? Number(jsVars[1]) : 0;
  return { dataBytes, bssBytes, jsVarsBytes, staticsBytes: dataBytes + bssBytes - jsVarsBytes, stackBytes: ramBytes - dataBytes - bssBytes };
}
