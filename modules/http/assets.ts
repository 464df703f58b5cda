/**
 * The browser app's static files, stored gzipped in Storage and sent as they are
 * (Content-Encoding: gzip), the modern form of uIP's ROM file system: the device never
 * compresses, renders or holds a whole file in RAM. The build (build/web/) writes the
 * files and a manifest; `npm run upload -- --role aggregator` or the simulator puts
 * them into Storage.
 *
 * Manifest, Storage file "web.json": { "/path": [storageFile, contentType, etag, bytes] }.
 * "/" (index.html) is revalidated on every load (Cache-Control: no-cache, ETag -> 304);
 * the other files have their content hash in their name and are cached for a year.
 */
import { Route, Reply } from "./types";
import { header } from "./request";

/** Storage's read(): the whole file or a slice, undefined when absent (on Espruino a view into flash, no copy). */
export interface AssetFiles {
  read(name: string, offset?: number, length?: number): string | undefined;
}

export const MANIFEST = "web.json";
const CHUNK = 512;

/**
 * The manifest entry for a path, undefined when there is no manifest or no such file,
 * null when the manifest is there but does not parse: damaged, or no JsVar left to parse
 * it (on Espruino an out-of-memory leaves JSON.parse a cut string; modules/ports/README.md
 * "Collecting between requests").
 */
export function assetEntry(files: AssetFiles, path: string): (string | number)[] | undefined | null {
  const m = files.read(MANIFEST);
  if (!m) return undefined;
  let o: { [p: string]: (string | number)[] };
  try { o = JSON.parse(m); } catch (e) { return null; }
  // paths start with "/", so no inherited name ("constructor") can match
  const e = o[path];
  return Array.isArray(e) ? e : undefined;
}

/** A public GET route serving path from Storage, undefined when it is not a stored file. */
export function assetRoute(files: AssetFiles, path: string): Route | undefined {
  const e = assetEntry(files, path);
  // an unreadable manifest is the server's 503, not the file's 404 (which a browser caches)
  if (e === null) return { level: 0, h: (): Reply => ({ status: 503, headers: { "Retry-After": "1" }, body: JSON.stringify({ error: MANIFEST + " unreadable: out of memory or damaged (npm run upload)" }) }) };
  if (!e) return undefined;
  const name = "" + e[0], etag = "" + e[2], bytes = +e[3];
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
