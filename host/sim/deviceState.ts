/**
 * The simulated devices' non-volatile memory, kept between simulator runs in a folder
 * next to the master key (issue 12, 3.2): a meter's Storage (its flash) and its FRAM
 * (the billing record with the transmit epoch), the aggregator's freshness files
 * (Storage "mn.*": its transmit epoch) and the co-generator's store.
 *
 * Why: the key persists (build/dev-key.json, or --key-file), so the devices must keep
 * their freshness as boards do. With new devices at every start the epochs began again
 * at 1 and frames captured in an earlier run were fresh again: 220 of 288 replayed
 * frames were accepted and 14 Wh booked. A new key per run would also stop that, but
 * not for --key-file (whose key a user keeps on purpose: the SLCAN tools and uploads
 * use it), and real boards keep their flash and FRAM.
 *
 * The aggregator's SPI NOR is kept too (its history: the profile's intervals and the
 * closed days, modules/aggregator/historyOnNor.ts), as a board keeps it.
 * What is NOT kept for the aggregator: its application state in Storage (today's ledger,
 * plans, prices, auth.json), so a run on another date or with another --password starts
 * as before.
 *
 * A state folder belongs to one key: `state.json` holds the key's fingerprint, and a
 * folder of another key is emptied (its epochs mean nothing under the new key).
 * Writes: a meter's flash image on every Storage change (FlashArea), the FRAM images and
 * the aggregator's files when they changed, checked every second of wall time and at
 * stop, and the co-generator's store on every write. A process killed without stop()
 * (SIGKILL) loses at most the last second: an epoch reserved then may be reserved again.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, renameSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { fileKvStore } from "../ports/kvStore.ts";
import type { KvStore } from "../../modules/ports/kvStore.ts";
import type { EspruinoRuntime } from "../runtime/index.ts";
import type { FramModel } from "../runtime/fram.ts";
import type { NorModel } from "../runtime/nor.ts";
import { NOR_SECTOR_BYTES } from "../../modules/ports/nor.ts";

/** Storage files of the aggregator that carry freshness (modules/link: espruinoKvStore("mn.")). */
const AGG_PREFIX = "mn.";

/** The state folder of a key file: build/dev-key.json -> build/dev-key.state, my.json -> my.state. */
export function stateDirFor(keyPath: string): string {
  return join(dirname(keyPath), basename(keyPath).replace(/\.json$/i, "") + ".state");
}

function atomicWrite(path: string, data: string | Uint8Array): void {
  writeFileSync(path + ".tmp", data);
  renameSync(path + ".tmp", path);
}

export class DeviceState {
  /** What the folder held at start: "kept" (same key), "new", "other key: emptied", "fresh: emptied". */
  readonly found: string;
  private readonly saved = new Map<string, string>();

  constructor(readonly dir: string, masterKey: Uint8Array, fresh = false) {
    const id = createHash("sha256").update(masterKey).digest("hex").slice(0, 16);
    const meta = join(dir, "state.json");
    let found = "new";
    if (existsSync(meta)) {
      let old = "";
      try { old = String(JSON.parse(readFileSync(meta, "utf8")).keyId); } catch { old = ""; }
      if (fresh) found = "fresh: emptied";
      else if (old !== id) found = "another key's: emptied";
      else found = "kept";
    }
    if (found !== "kept" && existsSync(dir)) for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    atomicWrite(meta, JSON.stringify({ keyId: id, note: "simulated devices' flash and FRAM (host/sim/deviceState.ts); delete the folder or pass --new-devices for new devices" }) + "\n");
    this.found = found;
  }

  /** A meter's Storage image file (the runtime loads it and writes it on every change). */
  flashPath(node: string): string {
    return join(this.dir, node + ".flash");
  }

  /** Puts a meter's saved FRAM into `fram` (when there is one of its size). */
  loadFram(node: string, fram: FramModel): void {
    const p = join(this.dir, node + ".fram");
    if (!existsSync(p)) return;
    const b = readFileSync(p);
    if (b.length === fram.bytes.length) fram.bytes.set(b);
    this.saved.set(p, String(fram.writes));
  }

  /** Saves the FRAM when it was written since the last save. */
  saveFram(node: string, fram: FramModel): void {
    const p = join(this.dir, node + ".fram");
    const mark = String(fram.writes);
    if (this.saved.get(p) === mark && existsSync(p)) return;
    atomicWrite(p, fram.bytes);
    this.saved.set(p, mark);
  }

  /**
   * Puts the aggregator's saved NOR (its history: host/runtime/nor.ts) into `nor`. The file
   * holds only the sectors that are not erased: per sector its index (Uint32 LE) and
   * its 4 096 bytes (the history area is 1 MB of the 4 MB part).
   */
  loadNor(node: string, nor: NorModel): void {
    const p = join(this.dir, node + ".nor");
    if (!existsSync(p)) return;
    const b = readFileSync(p);
    const rec = 4 + NOR_SECTOR_BYTES;
    if (b.length % rec) return; // not ours (or torn by a kill): the history starts anew
    for (let o = 0; o < b.length; o += rec) {
      const s = b.readUInt32LE(o);
      if (s < nor.erases.length) nor.bytes.set(b.subarray(o + 4, o + rec), s * NOR_SECTOR_BYTES);
    }
    this.saved.set(p, nor.programs + "/" + nor.erases.reduce((x, y) => x + y, 0));
  }

  /** Saves the NOR's written sectors when it was programmed or erased since the last save. */
  saveNor(node: string, nor: NorModel): void {
    const p = join(this.dir, node + ".nor");
    const mark = nor.programs + "/" + nor.erases.reduce((x, y) => x + y, 0);
    if (this.saved.get(p) === mark && existsSync(p)) return;
    const used = nor.usedSectors();
    const rec = 4 + NOR_SECTOR_BYTES;
    const out = Buffer.alloc(used.length * rec);
    used.forEach((s, i) => {
      out.writeUInt32LE(s, i * rec);
      out.set(nor.bytes.subarray(s * NOR_SECTOR_BYTES, (s + 1) * NOR_SECTOR_BYTES), i * rec + 4);
    });
    atomicWrite(p, out);
    this.saved.set(p, mark);
  }

  /** Writes the aggregator's saved freshness files into its Storage (before its bundle runs). */
  loadAggregator(rt: EspruinoRuntime): void {
    const p = join(this.dir, "aggregator.json");
    if (!existsSync(p)) return;
    const files = JSON.parse(readFileSync(p, "utf8")) as Record<string, string>;
    for (const name of Object.keys(files)) {
      if (!name.startsWith(AGG_PREFIX)) continue;
      rt.eval(`require("Storage").write(${JSON.stringify(name)}, ${JSON.stringify(files[name])})`);
    }
    this.saved.set(p, JSON.stringify(files));
  }

  /** Saves the aggregator's freshness files when they changed. */
  saveAggregator(rt: EspruinoRuntime): void {
    const p = join(this.dir, "aggregator.json");
    const files: Record<string, string> = {};
    for (const f of rt.flash.files()) {
      if (f.erased || !f.name.startsWith(AGG_PREFIX)) continue;
      files[f.name] = Buffer.from(rt.flash.read(f.dataAddr, f.size)).toString("latin1");
    }
    const text = JSON.stringify(files);
    if (this.saved.get(p) === text) return;
    atomicWrite(p, text);
    this.saved.set(p, text);
  }

  /** The co-generator's store (a file written on every set: persisted before use). */
  cogeneratorStore(): KvStore {
    return fileKvStore(join(this.dir, "cogenerator.json"));
  }
}
