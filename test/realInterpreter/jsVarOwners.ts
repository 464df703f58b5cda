/**
 * Who owns a bundle's JsVars on the real interpreter: boots a scenario as measureJsVars.ts
 * does, dumps the whole heap with E.dumpVariables() (every variable, its size in blocks
 * and the variables it links to), and computes the dominator tree from the root. A
 * variable's "owned" count is what would be freed if the one link to it went: unlike
 * E.getSizeOf (jsVarBreakdown.ts), a value reachable from two places is counted once, under
 * the closest owner both paths share, so the figures add up to the heap.
 *
 *   npm run build && flock /work/scratch/interp.lock npx tsx test/realInterpreter/jsVarOwners.ts /work/scratch/bin/espruino32-12000 aggregator8 [top] [--depth N] [--kinds] [--save FILE | --from FILE]
 *
 * Prints the root's children (the globals) by owned JsVars, and below each, its largest
 * owned descendants to --depth (default 3) as "name.name..." paths; --kinds sums the heap by
 * kind (names, functions, code strings, objects, ...). --save FILE keeps the dump, --from FILE
 * analyses a kept one without an interpreter. Never downloads; CI does not run it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { SCENARIOS, type Scenario } from "../../host/runtime/accounting/scenarios.ts";
import { atSettledBoot } from "./measureJsVars.ts";

interface HeapVar { ref: number; size: number; type: number; label: string; links: number[] }

/** One line of E.dumpVariables(): ref,size,flags,label,links... (label may hold commas inside quotes). */
export function parseDump(text: string): Map<number, HeapVar> {
  const vars = new Map<number, HeapVar>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\d+),(\d+),(\d+),((?:"(?:[^"\\]|\\.)*")|(?:String "(?:[^"\\]|\\.)*")|(?:Number [^,]*)|Object|Array|),(.*)$/.exec(line);
    if (!m) continue;
    const links = m[5].split(",").filter((x) => x !== "").map(Number);
    vars.set(Number(m[1]), { ref: Number(m[1]), size: Number(m[2]), type: Number(m[3]), label: m[4], links });
  }
  return vars;
}

/** Immediate dominators by the iterative algorithm of Cooper, Harvey and Kennedy. */
export function dominators(vars: Map<number, HeapVar>, root: number): Map<number, number> {
  const order: number[] = [];
  const seen = new Set<number>([root]);
  // iterative DFS for reverse postorder
  const stack: Array<[number, number]> = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const v = vars.get(top[0]);
    const links = v ? v.links : [];
    if (top[1] < links.length) {
      const next = links[top[1]++];
      if (!seen.has(next) && vars.has(next)) { seen.add(next); stack.push([next, 0]); }
    } else { order.push(top[0]); stack.pop(); }
  }
  order.reverse();
  const rpo = new Map<number, number>();
  order.forEach((r, i) => rpo.set(r, i));
  const preds = new Map<number, number[]>();
  for (const r of order) for (const l of vars.get(r)!.links) if (rpo.has(l)) (preds.get(l) || preds.set(l, []).get(l)!).push(r);
  const idom = new Map<number, number>([[root, root]]);
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (rpo.get(a)! > rpo.get(b)!) a = idom.get(a)!;
      while (rpo.get(b)! > rpo.get(a)!) b = idom.get(b)!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const r of order) {
      if (r === root) continue;
      let d: number | undefined;
      for (const p of preds.get(r) || []) if (idom.has(p)) d = d === undefined ? p : intersect(p, d);
      if (d !== undefined && idom.get(r) !== d) { idom.set(r, d); changed = true; }
    }
  }
  return idom;
}

const KIND: Array<[number, string]> = [[1, "root"], [2, "null"], [3, "array"], [4, "arraybuffer"], [5, "object"], [6, "getset"], [7, "function"], [8, "native function"], [9, "function (return)"], [10, "integer"], [11, "float"], [12, "boolean"], [13, "pin"]];
function kindOf(v: HeapVar): string {
  for (const [t, k] of KIND) if (v.type === t) return k;
  if (v.label.startsWith('"')) return "name";
  if (v.label.startsWith("String")) return "string";
  return "type " + v.type;
}

async function main(argv: string[]): Promise<number> {
  const depthAt = argv.indexOf("--depth");
  const depth = depthAt >= 0 ? Number(argv[depthAt + 1]) : 3;
  const kinds = argv.includes("--kinds");
  const valued = new Set(["--depth", "--save", "--from"].map((o) => argv.indexOf(o) + 1).filter((i) => i > 0));
  const pos = argv.filter((a, i) => !a.startsWith("--") && !valued.has(i));
  const [bin, name, topArg] = pos;
  const s = SCENARIOS.find((x) => x.name === name);
  if (!bin || !s) {
    console.error("usage: npx tsx test/realInterpreter/jsVarOwners.ts PATH/TO/espruino SCENARIO [top] [--depth N] [--kinds] [--save FILE | --from FILE]\nscenarios: " + SCENARIOS.map((x) => x.name).join(" "));
    return 2;
  }
  const top = Number(topArg || 30);
  const saveAt = argv.indexOf("--save");
  const fromAt = argv.indexOf("--from");
  let text: string;
  let head: string;
  if (fromAt >= 0) {
    text = readFileSync(argv[fromAt + 1], "latin1");
    head = s.name + " (from " + argv[fromAt + 1] + ")";
  } else {
    const dumped = await dump(bin, s);
    text = dumped.text;
    head = `${s.name}: boot usage ${dumped.bootUsage} of ${dumped.total}`;
    if (saveAt >= 0) writeFileSync(argv[saveAt + 1], text, "latin1");
  }
  const usage = Number(/@@DUMP (\d+)/.exec(text)![1]);
  const vars = parseDump(text);
  const root = [...vars.values()].find((v) => v.type === 1)!.ref;
  const idom = dominators(vars, root);
  const preds = new Map<number, number[]>();
  for (const v of vars.values()) for (const l of v.links) (preds.get(l) || preds.set(l, []).get(l)!).push(v.ref);
  const children = new Map<number, number[]>();
  for (const [r, d] of idom) if (r !== d) (children.get(d) || children.set(d, []).get(d)!).push(r);
  const owned = new Map<number, number>();
  const sizeOf = (r: number): number => {
    const done = owned.get(r);
    if (done !== undefined) return done;
    // post-order without recursion (deep chains of siblings)
    const st: Array<[number, boolean]> = [[r, false]];
    while (st.length) {
      const [x, after] = st.pop()!;
      if (after) { owned.set(x, vars.get(x)!.size + (children.get(x) || []).reduce((a, k) => a + owned.get(k)!, 0)); continue; }
      st.push([x, true]);
      for (const k of children.get(x) || []) if (!owned.has(k)) st.push([k, false]);
    }
    return owned.get(r)!;
  };
  const total = sizeOf(root);
  let heapBlocks = 0;
  for (const v of vars.values()) heapBlocks += v.size;
  const unreached = heapBlocks - total;
  console.log(`${head}; at dump ${usage}; dump ${heapBlocks} blocks in ${vars.size} variables; reachable from the root ${total}, not reachable (locked temporaries, free-list noise) ${unreached}`);
  // A name's owned size is its value's: label a node by the name that leads to it.
  const label = (r: number): string => {
    const v = vars.get(r)!;
    if (v.label.startsWith('"')) return v.label.slice(1, -1);
    // a value two names share: named by them ("agg|pt")
    const by = (preds.get(r) || []).filter((p) => vars.get(p)!.label.startsWith('"')).map((p) => vars.get(p)!.label.slice(1, -1));
    return "<" + kindOf(v) + (v.label.startsWith("String") ? " " + v.label.slice(7, 30) : "") + (by.length ? " " + by.slice(0, 3).join("|") : "") + ">";
  };
  const print = (r: number, path: string, d: number) => {
    const kids = (children.get(r) || []).map((k) => ({ k, n: sizeOf(k) })).sort((a, b) => b.n - a.n);
    for (const { k, n } of kids.slice(0, d === 0 ? top : Math.max(4, top >> (d + 1)))) {
      if (n < 3 && d > 0) break;
      const v = vars.get(k)!;
      // collapse a name into its value: "agg" -> the object it names
      const isName = v.label.startsWith('"');
      const p = (path ? path + "." : "") + label(k);
      console.log("  ".repeat(d) + String(n).padStart(6) + "  " + p);
      if (d + 1 < depth) {
        if (isName && (children.get(k) || []).length === 1) print(children.get(k)![0], p, d + 1);
        else print(k, p, d + 1);
      }
    }
  };
  print(root, "", 0);
  if (kinds) {
    const byKind = new Map<string, [number, number]>();
    for (const v of vars.values()) {
      const k = kindOf(v);
      const e = byKind.get(k) || [0, 0];
      e[0]++; e[1] += v.size;
      byKind.set(k, e);
    }
    console.log("by kind (variables, blocks):");
    for (const [k, [n, b]] of [...byKind].sort((a, b) => b[1][1] - a[1][1])) console.log(String(b).padStart(6), String(n).padStart(6), " " + k);
  }
  return 0;
}

/** Boots the scenario, waits 3 s, and returns E.dumpVariables()'s text (with "@@DUMP usage" first). */
async function dump(bin: string, s: Scenario): Promise<{ text: string; bootUsage: number; total: number }> {
  return atSettledBoot(bin, s, async (c, m) => {
    const at = c.out().length;
    c.send(`print("@@DUMP",process.memory().usage);E.dumpVariables();print("@@DUMPEND")`);
    const end = await c.waitFor(/@@DUMPEND/, at, 120000);
    return { text: c.out().slice(at, at + end.index), bootUsage: Number(m[2]), total: Number(m[3]) };
  });
}

if (process.argv[1] && process.argv[1].endsWith("jsVarOwners.ts")) main(process.argv.slice(2)).then((code) => process.exit(code));
