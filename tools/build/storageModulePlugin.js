// Rollup plugin for a Storage module (modules/aggregator/pages/routeTable.ts): a script
// whose text, evaluated by Espruino's eval(), yields the one function its entry exports
// as default. Placed after terser: terser sees an ordinary ES module (names mangled,
// unused code dropped), then the final `export{x as default};` becomes a function
// expression around the code, so eval's value is that function and nothing of the
// module lands in the global scope (its functions are garbage once the caller drops it).
// (An import or export statement starts the code or follows ; { }: a string such as
// "import" in a label is not one.)
export function storageModulePlugin() {
  return {
    name: "meternet-storage-module",
    renderChunk(code, chunk) {
      const m = /export\s*\{\s*([\w$]+)\s+as\s+default\s*\}\s*;?\s*$/.exec(code);
      if (!m || /(?:^|[;{}])\s*export\b/.test(code.slice(0, m.index)) || /(?:^|[;{}])\s*import\s*[\s{*"']/.test(code)) {
        this.error(`${chunk.fileName}: a Storage module's entry must export one default function and nothing else (no other exports, no imports left)`);
      }
      return { code: "(function(){" + code.slice(0, m.index) + "return " + m[1] + "})()\n", map: null };
    },
  };
}
