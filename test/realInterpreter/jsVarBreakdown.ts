/**
 * Where a bundle's JsVars go on the real interpreter: boots a scenario as
 * measureJsVars.ts does, then prints E.getSizeOf of every global (the bundle's top-level
 * names are globals: rollup's "es" output), largest first, with the constructor and first keys
 * of each object (or a string's start) so a minified name can be traced back to its source
 * (a function's text is not printed: that would copy its code from flash into RAM).
 *
 *   npm run build && npx tsx test/realInterpreter/jsVarBreakdown.ts /work/scratch/bin/espruino32-3600 aggregator8 [top [path...]]
 *
 * Each extra `path` (a global or a dotted path into one, e.g. `agg agg.node`) lists that
 * value's own properties the same way. Give the interpreter room (a build with more
 * variables): listing the globals needs a few hundred free JsVars.
 *
 * A value reachable from two globals is counted under both, so the column does not sum
 * to process.memory().usage; it says which names hold the memory. Never downloads; CI
 * does not run it.
 */
import { SCENARIOS } from "../../host/runtime/accounting/scenarios.ts";
import { atSettledBoot } from "./measureJsVars.ts";

async function main(argv: string[]): Promise<number> {
  const [bin, name, topArg] = argv;
  const expand = argv.slice(3); // globals whose own properties are listed too (e.g. "agg", "agg.node")
  const s = SCENARIOS.find((x) => x.name === name);
  if (!bin || !s) {
    console.error("usage: npx tsx test/realInterpreter/jsVarBreakdown.ts PATH/TO/espruino SCENARIO [top]\nscenarios: " + SCENARIOS.map((x) => x.name).join(" "));
    return 2;
  }
  const top = Number(topArg || 40);
  return atSettledBoot(bin, s, async (c, m) => {
    const at = c.out().length;
    // one line per global, no variable of ours left behind (the bundle owns every short name)
    c.send(`Object.keys(global).forEach(function(k){var v=global[k];print("@@SZ",E.getSizeOf(v),k,typeof v,(typeof v=="function"?"":typeof v=="object"&&v?(v.constructor&&v.constructor.name||"")+" "+Object.keys(v).slice(0,8).join(","):JSON.stringify(String(v).substr(0,40))))});print("@@SZEND",process.memory().usage)`);
    const end = await c.waitFor(/@@SZEND (\d+)/, at, 60000);
    for (const p of expand) {
      const f = c.out().length;
      c.send(`(function(v){Object.keys(v).forEach(function(k){var x=v[k];print("@@PR",E.getSizeOf(x),k,typeof x,(typeof x=="object"&&x?(x.constructor&&x.constructor.name||"")+" "+(x.length!==undefined?"length "+x.length:Object.keys(x).slice(0,6).join(",")):""))});print("@@PREND")})(${p})`);
      await c.waitFor(/@@PREND/, f, 60000);
      const pr = [...c.out().slice(f).matchAll(/@@PR (\d+) (\S+) (\S+) ?(.*)/g)].map((r) => ({ n: Number(r[1]), k: r[2], t: r[3], v: r[4].trim() }));
      pr.sort((a, b) => b.n - a.n);
      console.log(`-- ${p}:`);
      for (const r of pr.slice(0, top)) console.log(String(r.n).padStart(6), "  " + r.k.padEnd(14), r.t.padEnd(9), r.v.slice(0, 70));
    }
    const rows = [...c.out().slice(at).matchAll(/@@SZ (\d+) (\S+) (\S+) (.*)/g)].map((r) => ({ n: Number(r[1]), k: r[2], t: r[3], v: r[4].trim() }));
    rows.sort((a, b) => b.n - a.n);
    console.log(`${s.name}: boot usage ${m[2]} of ${m[3]}, now ${end[1]}; ${rows.length} globals`);
    for (const r of rows.slice(0, top)) console.log(String(r.n).padStart(6), r.k.padEnd(12), r.t.padEnd(9), r.v.slice(0, 70));
    const fnCount = rows.filter((r) => r.t === "function").length;
    console.log(`functions: ${fnCount}, their sizes sum to ${rows.filter((r) => r.t === "function").reduce((a, r) => a + r.n, 0)}`);
    return 0;
  });
}

main(process.argv.slice(2)).then((code) => process.exit(code));
