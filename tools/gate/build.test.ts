// Our own compile path (rollup.config.js: TypeScript ES2015 + terser) must produce
// gate-clean bundles. Builds in memory with rollup's JS API, without the gate/report
// plugin and without writing build/, then runs the gate on each bundle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rollup, type RollupOptions, type OutputOptions, type Plugin } from "rollup";
import { checkBundle, formatOffence } from "./index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

test("npm run build's bundles pass the gate", { timeout: 300_000 }, async () => {
  process.chdir(root); // the TypeScript plugin resolves tsconfig.json from the working directory
  const configs = (await import(pathToFileURL(join(root, "rollup.config.js")).href)).default as RollupOptions[];
  assert.ok(configs.length >= 3);
  for (const config of configs) {
    const plugins = (config.plugins as Plugin[]).filter((p) => p && p.name !== "meternet-gate-report");
    assert.equal(plugins.length, (config.plugins as Plugin[]).length - 1, "the gate plugin is in the build");
    const bundle = await rollup({ ...config, plugins, onwarn: () => {} });
    const { output } = await bundle.generate(config.output as OutputOptions);
    await bundle.close();
    for (const chunk of output) {
      if (chunk.type !== "chunk") continue;
      const offences = checkBundle(chunk.code, `build/${chunk.fileName}`);
      assert.deepEqual(offences.map(formatOffence), [], `build/${chunk.fileName}`);
      assert.ok(chunk.code.length > 0);
    }
  }
});
