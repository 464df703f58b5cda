/**
 * The web app's files onto the aggregator's SPI NOR (modules/http/assetsOnNor.ts has the
 * layout): the image (directory sector + the files' bytes) built from build/web, and the
 * script `npm run upload -- --role aggregator` sends through the device's console to
 * write it. The simulator runs the same script in its aggregator (host/web/assets.ts
 * loadAssetsOntoNor), whose SPI1 is the W25Q model.
 *
 * The script carries its own W25Q commands over SPI1 (the same as
 * modules/ports/device/spiNor.ts: 0x06 write enable, 0x20 sector erase, 0x02 page
 * program, 0x03 read, 0x05 status until BUSY clears), so it needs nothing of the running
 * bundle and works on a board with no bundle yet. Per 4 KB sector it sends the CRC-32 of
 * each of its four 1 KB pieces as they must read:
 *   - a sector whose pieces already read so is kept (no erase): an upload cut part-way,
 *     or one of the same build, is run again and writes only what differs;
 *   - else the sector is erased, programmed from base64 pieces of 1 KB, and read back:
 *     a piece that reads wrong throws ("Uncaught", which fails the upload).
 * The directory's sector is checked first and, when it differs, erased before any file
 * is written and programmed last, so a cut upload leaves no directory (the server's 503
 * names the upload), never one naming half-written files.
 */
import { crc32 } from "../../modules/persist/crc32.ts";
import { NOR_SECTOR_BYTES, NOR_PAGE_BYTES, type NorPort } from "../../modules/ports/nor.ts";
import { MANIFEST } from "../../modules/http/assets.ts";
import { NOR_ASSETS_BASE, NOR_ASSETS_BYTES, NOR_ASSETS_DATA, NOR_DIR_HEADER, NOR_DIR_MAGIC } from "../../modules/http/assetsOnNor.ts";
import { NOR_SCK, NOR_MISO, NOR_MOSI, NOR_CS, NOR_BAUD } from "../../modules/ports/device/norPins.ts";

/** Bytes checked by one CRC and written by one script line. */
const PIECE = 1024;

export interface NorSector { address: number; bytes: Uint8Array }

export interface NorWebImage {
  /** The directory sector first, then the data sectors, each at most 4 KB (a short last one: the rest stays erased). */
  sectors: NorSector[];
  /** The directory's manifest: web.json with each file's NOR address. */
  manifest: Record<string, [number, string, string, number]>;
  /** Bytes of the files (gzipped) and of the directory (header + manifest). */
  dataBytes: number;
  directoryBytes: number;
}

/** Splits bytes written from `address` into sectors. */
function sectorsOf(address: number, bytes: Uint8Array): NorSector[] {
  const out: NorSector[] = [];
  for (let o = 0; o < bytes.length; o += NOR_SECTOR_BYTES) out.push({ address: address + o, bytes: bytes.subarray(o, o + NOR_SECTOR_BYTES) });
  return out;
}

/**
 * The NOR image of the built app: files (Storage name -> bytes as a latin1 string, web.json
 * among them, host/web/assets.ts builtAssets). Throws when it does not fit the area.
 */
export function norWebImage(files: Map<string, string>): NorWebImage {
  const web = JSON.parse(files.get(MANIFEST) ?? "null") as Record<string, [string, string, string, number]> | null;
  if (!web) throw new Error("no " + MANIFEST + " among the files: run npm run build");
  const manifest: NorWebImage["manifest"] = {};
  const parts: Buffer[] = [];
  let at = NOR_ASSETS_DATA;
  for (const [path, e] of Object.entries(web)) {
    const data = files.get(e[0]);
    if (data === undefined || data.length !== e[3]) throw new Error(MANIFEST + " names " + e[0] + " of " + e[3] + " B: " + (data === undefined ? "missing" : data.length + " B built"));
    manifest[path] = [at, e[1], e[2], e[3]];
    parts.push(Buffer.from(data, "latin1"));
    at += data.length;
  }
  const end = NOR_ASSETS_BASE + NOR_ASSETS_BYTES;
  if (at > end) throw new Error("the web app's files take " + (at - NOR_ASSETS_DATA) + " B, the NOR's assets area holds " + (end - NOR_ASSETS_DATA) + " B (tools/firmware/flashMap.ts)");
  const text = Buffer.from(JSON.stringify(manifest), "latin1");
  if (NOR_DIR_HEADER + text.length > NOR_SECTOR_BYTES) throw new Error("the directory takes " + (NOR_DIR_HEADER + text.length) + " B, more than its 4 KB sector");
  const dir = new Uint8Array(NOR_DIR_HEADER + text.length);
  dir.set(Buffer.from(NOR_DIR_MAGIC, "latin1"));
  const v = new DataView(dir.buffer);
  v.setUint32(4, text.length, true);
  v.setUint32(8, crc32(text), true);
  dir.set(text, NOR_DIR_HEADER);
  const data = new Uint8Array(Buffer.concat(parts));
  return { sectors: [{ address: NOR_ASSETS_BASE, bytes: dir }, ...sectorsOf(NOR_ASSETS_DATA, data)], manifest, dataBytes: data.length, directoryBytes: dir.length };
}

/** CRC-32 of each 1 KB piece of the sector as it reads once written (the rest erased, 0xFF). */
export function sectorCrcs(s: NorSector): number[] {
  const full = new Uint8Array(NOR_SECTOR_BYTES).fill(0xff);
  full.set(s.bytes);
  const out: number[] = [];
  for (let o = 0; o < NOR_SECTOR_BYTES; o += PIECE) out.push(crc32(full.subarray(o, o + PIECE)));
  return out;
}

/** What the device prints at the end, after the count (never verbatim in the script). */
export const WEB_WRITTEN = "web files on the NOR";

/**
 * The device script for the image: the W25Q commands, then per sector a check (webNor.s), its
 * pieces (webNor.p, skipped when kept) and a read-back (webNor.v); the directory checked first and
 * written last; Storage's web files of the app's older Storage form erased.
 */
export function norWebScript(files: Map<string, string>): string {
  const img = norWebImage(files);
  const [dir, ...data] = img.sectors;
  const L = norWriterLines("webNor", WEB_WRITTEN, "web app");
  // the app's files as Storage held them before the NOR (web.json and *.gz): gone
  L.push('(function(S){S.erase(' + JSON.stringify(MANIFEST) + ');S.list().forEach(function(f){if(f.slice(-3)===".gz")S.erase(f);});})(require("Storage"));');
  const put = (s: NorSector) => {
    for (let o = 0; o < s.bytes.length; o += PIECE) L.push("webNor.p(" + (s.address + o) + "," + JSON.stringify(Buffer.from(s.bytes.subarray(o, o + PIECE)).toString("base64")) + ");");
    L.push("webNor.v(" + s.address + "," + JSON.stringify(sectorCrcs(s)) + ");");
  };
  L.push("webNor.D=webNor.s(" + dir.address + "," + JSON.stringify(sectorCrcs(dir)) + ");");
  for (const s of data) {
    L.push("webNor.s(" + s.address + "," + JSON.stringify(sectorCrcs(s)) + ");");
    put(s);
  }
  L.push("webNor.d(webNor.D);");
  put(dir);
  L.push("webNor.e(" + Object.keys(img.manifest).length + ");");
  return L.join("\n") + "\n";
}

/**
 * The lines that define the device-side writer `name` (the W25Q commands over SPI1):
 * name.s(a, crcs, z) checks the sector at a against the CRC-32 of its 1 KB pieces and
 * erases it when it differs (returns whether it must be written; with z, its first z
 * bytes are programmed to 0 before the erase, so a header there is void before a cut
 * erase could leave it standing over half-erased data), name.p(a, base64)
 * programs up to 1 KB from a page-aligned a (skipped when the sector is kept), name.v(a,
 * crcs) reads it back, name.d(w) says whether the next sector's pieces are written,
 * name.e(n) prints "n <written> (s sectors written, k kept)" or throws ("<what> upload stopped")
 * when a step failed.
 */
export function norWriterLines(name: string, written: string, what: string): string[] {
  const L: string[] = [];
  L.push("var " + name + "=(function(){SPI1.setup({sck:" + JSON.stringify(NOR_SCK) + ",miso:" + JSON.stringify(NOR_MISO) + ",mosi:" + JSON.stringify(NOR_MOSI) + ",baud:" + NOR_BAUD + ",mode:0});digitalWrite(" + JSON.stringify(NOR_CS) + ",1);");
  L.push("function q(d){return SPI1.send(d," + JSON.stringify(NOR_CS) + ");}");
  // x: a step failed. The CLI sends the script line by line and the device runs each line
  // whatever the last one did, so every later step does nothing and the end throws.
  L.push("var w=0,n=0,k=0,x=0;function no(m){x=1;throw new Error(m);}");
  L.push("function idle(){var s=new Uint8Array([5,0]);for(var i=0;i<20000;i++)if(!(q(s)[1]&1))return;no(\"NOR stays busy: check its pins and supply\");}");
  L.push("function cmd(c,a,n){var b=new Uint8Array(4+n);b[0]=c;b[1]=a>>16;b[2]=a>>8;b[3]=a;return b;}");
  L.push("function op(c,a,d){idle();q(new Uint8Array([6]));var b=cmd(c,a,d?d.length:0);if(d)b.set(d,4);q(b);idle();}");
  L.push("function same(a,c){for(var k=0;k<" + NOR_SECTOR_BYTES / PIECE + ";k++){idle();if(E.CRC32(q(cmd(3,a+k*" + PIECE + "," + PIECE + ")).subarray(4))!==c[k])return false;}return true;}");
  L.push("return{");
  L.push("s:function(a,c,z){if(x)return;w=!same(a,c);if(w){if(z)op(2,a,new Uint8Array(z));op(32,a);n++;}else k++;return w;},");
  L.push("d:function(y){w=y;},");
  L.push("p:function(a,b){if(x||!w)return;var d=E.toUint8Array(atob(b));for(var i=0;i<d.length;i+=" + NOR_PAGE_BYTES + ")op(2,a+i,d.subarray(i,i+" + NOR_PAGE_BYTES + "));},");
  L.push("v:function(a,c){if(!x&&w&&!same(a,c))no(\"NOR sector at \"+a+\" reads back wrong: run the upload again\");},");
  L.push("e:function(f){if(x)no(" + JSON.stringify(what + " upload stopped (see the error above): run it again") + ");this.ok=f;print(f+\" \"+" + JSON.stringify(written).replace(/ /g, "\\u0020") + "+\" (\"+n+\" sectors written, \"+k+\" kept)\");}};})();");
  return L;
}

/** Writes the image straight through a NorPort (tests, tools): erase and program each sector. */
export function writeNorWebImage(nor: NorPort, img: NorWebImage): void {
  for (const s of [...img.sectors.slice(1), img.sectors[0]]) {
    if (!nor.erase(s.address)) throw new Error("NOR erase failed at " + s.address);
    for (let o = 0; o < s.bytes.length; o += NOR_PAGE_BYTES) {
      if (!nor.program(s.address + o, s.bytes.subarray(o, o + NOR_PAGE_BYTES))) throw new Error("NOR program failed at " + (s.address + o));
    }
  }
}
