/**
 * The browser app's static files, stored gzipped and sent as they are
 * (Content-Encoding: gzip), the modern form of uIP's ROM file system: the device never
 * compresses, renders or holds a whole file in RAM. The build (build/web/) writes the
 * files and a manifest; `npm run upload -- --role aggregator` or the simulator puts
 * them on the aggregator's SPI NOR (assetsOnNor.ts); on Node they are read from
 * build/web (host/web/assets.ts).
 *
 * Manifest "web.json": { "/path": [file, contentType, etag, bytes] }, file being what
 * AssetFiles.read takes (a Storage name, or on the NOR the file's address).
 * "/" (index.html) is revalidated on every load (Cache-Control: no-cache, ETag -> 304);
 * the other files have their content hash in their name and are cached for a year.
 */
import { Route, Reply } from "./types";
import { header } from "./request";

/**
 * Storage's read(): the whole file or a slice, undefined when absent (on Espruino a view
 * into flash, no copy). read(MANIFEST) may throw an Error saying why the manifest is
 * unusable (assetsOnNor.ts: missing or damaged directory): the 503's text.
 */
export interface AssetFiles {
  read(name: string, offset?: number, length?: number): string | undefined;
}

export const MANIFEST = "web.json";
const CHUNK = 512;

/**
 * The manifest entry for a path, undefined when there is no manifest or no such file,
 * a string (why) when the store says its manifest is unusable or the manifest does not
 * parse: damaged, or no JsVar left to parse it (on Espruino an out-of-memory leaves
 * JSON.parse a cut string; modules/ports/README.md "Collecting between requests").
 */
export function assetEntry(files: AssetFiles, path: string): (string | number)[] | undefined | string {
  let m: string | undefined;
  try { m = files.read(MANIFEST); } catch (e) { return (e as Error).message; }
  if (!m) return undefined;
  let o: { [p: string]: (string | number)[] };
  try { o = JSON.parse(m); } catch (e) { return MANIFEST + " unreadable: out of memory or damaged (npm run upload)"; }
  // paths start with "/", so no inherited name ("constructor") can match
  const e = o[path];
  return Array.isArray(e) ? e : undefined;
}

/** The server's 503 for an unusable store: retry (out of memory) or upload again (damaged). */
function unavailable(why: string): Route {
  return { level: 0, h: (): Reply => ({ status: 503, headers: { "Retry-After": "1" }, body: JSON.stringify({ error: why }) }) };
}

/** A public GET route serving path from the store, undefined when it is not a stored file. */
export function assetRoute(files: AssetFiles, path: string): Route | undefined {
  const e = assetEntry(files, path);
  // an unusable manifest is the server's 503, not the file's 404 (which a browser caches)
  if (typeof e === "string") return unavailable(e);
  if (!e) return undefined;
  const name = "" + e[0], etag = "" + e[2], bytes = +e[3];
  // the file's last byte must be there: a manifest that promises more than is stored
  // (a file cut short, an entry outside the store) never starts a 200 it cannot finish
  if (!(bytes > 0 && bytes === Math.floor(bytes) && files.read(name, bytes - 1, 1))) return unavailable(path + " cut short (npm run upload)");
  return {
    level: 0,
    h: (c): Reply => {
      const h: { [k: string]: string } = {
        "Content-Encoding": "gzip", ETag: etag, Vary: "Accept-Encoding",
        "Cache-Control": path === "/" ? "no-cache" : "public, max-age=31536000, immutable",
      };
      if (header(c.headers, "if-none-match") === etag) return { status: 304, type: "" + e[1], headers: h, chunks: () => null };
      h["Content-Length"] = "" + bytes;
      return { status: 200, type: "" + e[1], headers: h, chunks: (i) => (i * CHUNK < bytes ? files.read(name, i * CHUNK, Math.min(CHUNK, bytes - i * CHUNK)) || "" : null) };
    },
  };
}
