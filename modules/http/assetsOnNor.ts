/**
 * The browser app's files on the aggregator's SPI NOR (issues 11 and 16): the flash map
 * puts web assets there (tools/firmware/flashMap.ts norAreas("aggregator") "assets",
 * 128 KB at 0x10000, between the staged update at 0 and the history at 0x30000;
 * tools/firmware/norMap.test.ts checks these numbers), so the internal Storage holds code
 * and configuration only. An AssetFiles (assets.ts) over the NOR port: the server reads
 * a file in its 512-byte chunks, each one NOR read while the reply streams; nothing of
 * the app is resident.
 *
 * Layout, written by `npm run upload -- --role aggregator` (host/cli/uploadWebNor.ts) and
 * the simulator:
 *   sector 0 of the area, the directory: "MNW1", the manifest's length L (u32 LE), its
 *     CRC-32 (u32 LE), then the manifest: web.json's JSON with each file's NOR address
 *     in place of its Storage name ({"/path": [address, type, etag, bytes]});
 *   from sector 1: the files' gzipped bytes, one after the other.
 * The upload erases the directory first and writes it last, so a cut upload leaves no
 * directory (503 naming the upload) rather than one naming half-written files.
 *
 * Checked on every read: the directory's magic, length and CRC (a damaged one throws,
 * assets.ts answers 503 with the reason); a file's bytes inside the area's data sectors
 * (a directory naming the staged update, the history or beyond the area gets nothing).
 */
import { AssetFiles, MANIFEST } from "./assets";
import { NorPort, NOR_SECTOR_BYTES } from "../ports/nor";

export const NOR_ASSETS_BASE = 0x10000;
export const NOR_ASSETS_BYTES = 0x20000;
/** First byte of the files: the directory has the area's first sector. */
export const NOR_ASSETS_DATA = NOR_ASSETS_BASE + NOR_SECTOR_BYTES;
/** Directory header: magic, manifest length, manifest CRC-32. */
export const NOR_DIR_HEADER = 12;
export const NOR_DIR_MAGIC = "MNW1";
/** What puts the app there (the 503's advice). */
export const WEB_UPLOAD = "npm run upload -- --role aggregator";

function u32(b: Uint8Array, at: number): number {
  return (b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24) >>> 0;
}

/**
 * The app's files on `nor`. crc: CRC-32 (E.CRC32 on the device); str: bytes to a string
 * of one char per byte (E.toString). Throws from read(MANIFEST) when the directory is
 * missing or damaged, with what to run.
 */
export function norAssets(nor: NorPort, crc: (b: Uint8Array) => number, str: (b: Uint8Array) => string): AssetFiles {
  return {
    read: function (name: string, offset?: number, length?: number): string | undefined {
      if (name === MANIFEST && offset === undefined) {
        const h = nor.read(NOR_ASSETS_BASE, NOR_DIR_HEADER);
        let why = "";
        for (let i = 0; i < 4; i++) if (h[i] !== NOR_DIR_MAGIC.charCodeAt(i)) why = h[0] === 255 ? "missing" : "damaged (mark)";
        const n = u32(h, 4);
        if (!why && !(n > 1 && n <= NOR_SECTOR_BYTES - NOR_DIR_HEADER)) why = "damaged (length)";
        if (!why) {
          const m = nor.read(NOR_ASSETS_BASE + NOR_DIR_HEADER, n);
          if (crc(m) === u32(h, 8)) return str(m);
          why = "damaged (CRC)";
        }
        throw new Error("web app on the NOR " + why + ": " + WEB_UPLOAD);
      }
      const o = offset || 0, at = +name + o, n = length as number;
      // undefined > 0 is false: a file is read in slices only
      if (!(at === Math.floor(at) && o >= 0 && +name >= NOR_ASSETS_DATA && n > 0 && at + n <= NOR_ASSETS_BASE + NOR_ASSETS_BYTES)) return undefined;
      return str(nor.read(at, n));
    },
  };
}
