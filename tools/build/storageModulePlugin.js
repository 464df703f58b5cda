// Rollup plugin for a Storage module (modules/aggregator/pages/routeTable.ts): a script
// whose text, evaluated by Espruino's eval(), yields one value. Placed after terser:
// terser sees an ordinary ES module (names mangled, unused code dropped), then the
// module's exports become the value of a function expression around the code, so
// nothing of the module lands in the global scope (its functions are garbage once the
// caller drops the value).
//
// Three kinds (opts.kind):
// - "module" (default): the entry exports one default function and imports nothing;
//   the text evaluates to that function.
// - "route": as "module", but the entry may import from the shared helpers' modules
//   (opts.libExports: the names the shared library exports; the build marks those
//   modules external). The text evaluates to `function(lib) -> the default function`:
//   each import becomes `var name = lib.name`, so the helpers are stored once (in the
//   library) instead of in every route module. An import of a name the library does not
//   export is refused with a message (it would be undefined on the device).
// - "lib": the entry exports only named bindings; the text evaluates to an object of them.
export function storageModulePlugin(opts = {}) {
  const kind = opts.kind || "module";
  const libExports = new Set(opts.libExports || []);
  return {
    name: "meternet-storage-module",
    renderChunk(code, chunk) {
      if (kind === "lib") {
        const m = /export\s*\{([^}]*)\}\s*;?\s*$/.exec(code);
        if (!m || /\bexport\b/.test(code.slice(0, m.index)) || /\bimport\s*[\s{*"']/.test(code)) {
          this.error(`${chunk.fileName}: a Storage library must export named bindings only, in one export list, and import nothing`);
        }
        const props = m[1].split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
          const p = s.split(/\s+as\s+/);
          return (p[1] || p[0]) + ":" + p[0];
        });
        return { code: "(function(){" + code.slice(0, m.index) + "return{" + props.join(",") + "}})()\n", map: null };
      }
      let body = code;
      const vars = [];
      if (kind === "route") {
        body = body.replace(/import\s*\{([^}]*)\}\s*from\s*["'][^"']*["']\s*;?/g, (all, names) => {
          for (const s of names.split(",").map((x) => x.trim()).filter(Boolean)) {
            const p = s.split(/\s+as\s+/);
            if (!libExports.has(p[0])) this.error(`${chunk.fileName}: imports ${p[0]}, which the route library (app/aggregator/routes/lib.ts) does not export: add it there`);
            vars.push((p[1] || p[0]) + "=$lib$." + p[0]);
          }
          return "";
        });
      }
      const m = /export\s*\{\s*([\w$]+)\s+as\s+default\s*\}\s*;?\s*$/.exec(body);
      if (!m || /\bexport\b/.test(body.slice(0, m.index)) || /\bimport\s*[\s{*"']/.test(body)) {
        this.error(`${chunk.fileName}: a Storage module's entry must export one default function and nothing else (no other exports${kind === "route" ? ", imports only from the route library's modules" : ", no imports left"})`);
      }
      const head = vars.length ? "var " + vars.join(",") + ";" : "";
      if (kind === "route") return { code: "(function($lib$){" + head + body.slice(0, m.index) + "return " + m[1] + "})\n", map: null };
      return { code: "(function(){" + body.slice(0, m.index) + "return " + m[1] + "})()\n", map: null };
    },
  };
}

/** The names an entry like app/aggregator/routes/lib.ts re-exports (`export { a, b } from "..."` lines). */
export function exportedNames(source) {
  const out = [];
  for (const m of source.matchAll(/export\s*\{([^}]*)\}\s*from/g)) for (const s of m[1].split(",")) if (s.trim()) out.push(s.trim().split(/\s+as\s+/).pop());
  return out;
}
