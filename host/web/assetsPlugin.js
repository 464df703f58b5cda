// Rollup plugin for the browser app (app/web/main.ts): after the bundle is written,
// turns it, modules/web/style.css and modules/web/index.html into the files the
// aggregator serves from Storage (modules/http/assets.ts): each gzipped (level 9),
// script and style named by their content hash ("a.1f2e3d4c.js": cached for a year),
// index.html pointing at them, and web.json, the manifest the device reads. Records the
// gzipped total against package.json "meternet.budgets.webGzip" in build/report.json
// and fails the build over it.
import { createHash } from "node:crypto";
import { gzipSync, constants } from "node:zlib";
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// the flash map (TypeScript) through tsx's CommonJS require, as tools/build/reportPlugin.js does
const flashMap = createRequire(import.meta.url)("tsx/cjs/api")
  .require(fileURLToPath(new URL("../../tools/firmware/flashMap.ts", import.meta.url)), import.meta.url);

const gz = (b) => gzipSync(b, { level: constants.Z_BEST_COMPRESSION });
const tag = (b) => createHash("sha256").update(b).digest("hex").slice(0, 8);

/** What the device stores for the app: { manifest, files: [{ storageName, path, bytes, gzip }] }. */
export function webAssets(root, appJs) {
  const css = readFileSync(join(root, "modules/web/style.css"), "utf8").replace(/\n/g, "");
  const js = Buffer.from(appJs);
  const jsName = "a." + tag(js) + ".js", cssName = "s." + tag(css) + ".css";
  const html = readFileSync(join(root, "modules/web/index.html"), "utf8")
    .replace('href="app.css"', 'href="/' + cssName + '"').replace('src="app.js"', 'src="/' + jsName + '"').replace(/\n/g, "");
  const files = [
    { path: "/", storageName: "index.html.gz", type: "text/html; charset=utf-8", plain: Buffer.from(html) },
    { path: "/" + jsName, storageName: jsName + ".gz", type: "text/javascript; charset=utf-8", plain: js },
    { path: "/" + cssName, storageName: cssName + ".gz", type: "text/css; charset=utf-8", plain: Buffer.from(css) },
  ].map((f) => ({ ...f, gzip: gz(f.plain) }));
  const manifest = {};
  for (const f of files) manifest[f.path] = [f.storageName, f.type, '"' + tag(f.gzip) + '"', f.gzip.length];
  return { manifest, files };
}

export function webAssetsPlugin(root, budgetGzipBytes) {
  return {
    name: "meternet-web-assets",
    writeBundle(options, bundle) {
      const chunk = Object.values(bundle).find((c) => c.type === "chunk");
      const out = join(root, "build/web");
      const { manifest, files } = webAssets(root, chunk.code);
      for (const f of existsSync(out) ? readdirSync(out) : []) if (f.endsWith(".gz")) rmSync(join(out, f));
      mkdirSync(out, { recursive: true });
      for (const f of files) writeFileSync(join(out, f.storageName), f.gzip);
      writeFileSync(join(out, "web.json"), JSON.stringify(manifest));
      const gzipBytes = files.reduce((a, f) => a + f.gzip.length, 0);
      const reportPath = join(root, "build", "report.json");
      const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, "utf8")) : { bundles: {} };
      report.web = {
        dir: "build/web", budgetGzipBytes, gzipBytes, withinBudget: gzipBytes <= budgetGzipBytes,
        manifestBytes: JSON.stringify(manifest).length,
        files: files.map((f) => ({ path: f.path, storageName: f.storageName, bytes: f.plain.length, gzipBytes: f.gzip.length })),
      };
      // what the aggregator keeps on its NOR (the web app among it) and its FRAM: the
      // internal Storage's count (report.storage) leaves them out because they are not there
      report.external = flashMap.externalUse(gzipBytes);
      report.generatedAt = new Date().toISOString();
      writeFileSync(reportPath, JSON.stringify(report, null, 2) + "\n");
      if (gzipBytes > budgetGzipBytes) this.error(`web assets are ${gzipBytes} bytes gzipped, over the budget of ${budgetGzipBytes} (package.json "meternet.budgets.webGzip")`);
    },
  };
}
