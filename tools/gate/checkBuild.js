#!/usr/bin/env node
// Builds every bundle of rollup.config.js in memory (nothing written to build/, no
// report.json) and runs the gate on each. Prints one line per bundle and one per
// offence; exits 1 when any bundle offends. Usage: node tools/gate/checkBuild.js
//
// Run it with plain node, not under tsx: @rollup/plugin-terser minifies in worker
// threads, and on Node 20 workers started under tsx's loader hooks can hang.
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rollup } from "rollup";
import { checkBundle, formatOffence } from "./index.js";
import { imagesOfRole } from "./imageFeatures.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
process.chdir(root); // the TypeScript plugin resolves tsconfig.json from the working directory

const configs = (await import(pathToFileURL(join(root, "rollup.config.js")).href)).default;
let offences = 0;
for (const config of configs) {
  // the browser app (modules/web/README.md) never runs on Espruino: not gated
  if (config.plugins.some((p) => p && p.name === "meternet-web-assets")) continue;
  const plugins = config.plugins.filter((p) => p && p.name !== "meternet-gate-report");
  if (plugins.length !== config.plugins.length - 1) throw new Error("rollup.config.js no longer runs the gate plugin");
  const bundle = await rollup({ ...config, plugins, onwarn: () => {} });
  const { output } = await bundle.generate(config.output);
  await bundle.close();
  for (const chunk of output) {
    if (chunk.type !== "chunk") continue;
    const t0 = performance.now();
    // a Storage module of a role (build/aggregator/route.*.js) is gated for that role's images
    const dir = config.output.file.split("/").slice(-2, -1)[0];
    const role = dir === "build" ? chunk.fileName.replace(/\.js$/, "") : dir;
    const file = dir === "build" ? `build/${chunk.fileName}` : `build/${dir}/${chunk.fileName}`;
    const found = checkBundle(chunk.code, file, { images: imagesOfRole(role) });
    const ms = Math.round(performance.now() - t0);
    console.log(`${file}: ${chunk.code.length} bytes, ${found.length} offence(s), gate ${ms} ms`);
    for (const o of found) console.log(formatOffence(o));
    offences += found.length;
  }
}
process.exitCode = offences > 0 ? 1 : 0;
