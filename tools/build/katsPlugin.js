// Rollup plugin: the virtual module "meternet:kats" imports every known-answer file
// (modules/**/*.kat.ts, test/selftest/*.kat.ts) so that adding a module's checks to
// build/selftest.js needs no edit of a central list.
import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

const VIRTUAL = "\0meternet:kats";

function findKats(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findKats(path, out);
    else if (name.endsWith(".kat.ts")) out.push(path);
  }
  return out;
}

export function katsPlugin(root, dirs) {
  return {
    name: "meternet-kats",
    resolveId(id) {
      return id === "meternet:kats" ? VIRTUAL : null;
    },
    load(id) {
      if (id !== VIRTUAL) return null;
      const files = dirs.flatMap((d) => findKats(join(root, d), [])).sort();
      const lines = files.map((f, i) => `import { registerKats as k${i} } from ${JSON.stringify(f)};`);
      lines.push("export function registerAllKats(suite) {");
      files.forEach((f, i) => lines.push(`  k${i}(suite); // ${relative(root, f).split(sep).join("/")}`));
      lines.push("}");
      return lines.join("\n");
    },
  };
}
