/**
 * require("Storage") over a FlashArea, following src/jswrap_storage.c and
 * jsfWriteFile in src/jsflash.c (2v29):
 *
 * write(name, data, offset, size)
 *   - data: a string as is, an array as bytes, an ArrayBuffer/typed array as its
 *     bytes, an object as JSON (then offset and size are ignored).
 *   - offset 0 (or none) creates the file; `size` reserves more than the data, the
 *     rest reads as "\xFF" until a later write at an offset fills it. Writing the
 *     same content again at offset 0 is a no-op returning true.
 *   - Errors (thrown, as Espruino's jsExceptionHere does): "Can't create zero length
 *     file", "Unable to find or create file" (flash full, or an offset into a file
 *     that does not exist), "Too much data for file size", "File already written with
 *     different data" (target bytes are not erased). A negative offset or size returns
 *     false.
 *   - When a file does not fit but would after removing trash, the area is compacted
 *     first (printing "Compacting...").
 * read(name, offset, length) → string or undefined; readJSON(name, noExceptions);
 * readArrayBuffer(name); writeJSON(name, data) (keys unquoted, see liberalJson.ts);
 * list(regex) in flash order; erase(name); eraseAll(); compact(); getFree();
 * getStats(). Names are truncated to 28 characters. Not emulated: open()
 * (StorageFile), hash(), debug(), and a second storage bank.
 */
import { FlashArea, JSF_HEADER_BYTES, alignUp } from "./flashArea.ts";
import { parseLiberal, stringifyDropQuotes } from "./liberalJson.ts";
import { Realm, bytesToString, isArrayBuffer, newArray, newArrayBuffer, toBytes, toRealmData } from "./realm.ts";

export interface StorageOptions {
  flash: FlashArea;
  realm: Realm;
  /** Where console messages such as "Compacting..." go. */
  print: (text: string) => void;
}

function isPlainObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isArrayBuffer(v) && !ArrayBuffer.isView(v);
}

function toInt(v: unknown): number {
  const n = Number(v);
  return isFinite(n) ? Math.trunc(n) : 0;
}

export function createStorage(opts: StorageOptions): Record<string, unknown> {
  const { flash, realm } = opts;
  const fail = (message: string) => new realm.Error(message);

  function createFile(name: string, size: number) {
    let file = flash.create(name, size);
    if (!file) {
      const s = flash.stats();
      if (alignUp(size) + JSF_HEADER_BYTES < s.freeBytes + s.trashBytes) {
        opts.print("Compacting...\n");
        flash.compact();
        file = flash.create(name, size);
      }
    }
    return file;
  }

  function write(name: unknown, data: unknown, offsetArg?: unknown, sizeArg?: unknown): boolean {
    let offset = toInt(offsetArg);
    let size = toInt(sizeArg);
    let payload = data;
    if (isPlainObject(data)) {
      payload = JSON.stringify(data);
      offset = 0;
      size = 0;
    }
    if (offset < 0 || size < 0) return false;
    const bytes = toBytes(payload);
    if (size === 0) size = bytes.length;
    if (!size) throw fail("Can't create zero length file");
    const fname = String(name);
    let file = flash.find(fname);
    const reusable = file && file.flags === 0 && file.size === size && flash.isErased(file.dataAddr, file.size);
    if (offset === 0 && !reusable) {
      if (file && file.size === size && file.flags === 0 && bytes.length === size) {
        const existing = flash.read(file.dataAddr, size);
        if (existing.every((b, i) => b === bytes[i])) return true;
      }
      if (file) flash.markErased(file);
      file = createFile(fname, size);
    }
    if (!file) throw fail("Unable to find or create file");
    if (offset + bytes.length > file.size) throw fail("Too much data for file size");
    if (!flash.isErased(file.dataAddr + offset, bytes.length)) throw fail("File already written with different data");
    flash.write(file.dataAddr + offset, bytes);
    return true;
  }

  function readBytes(name: unknown, offsetArg?: unknown, lengthArg?: unknown): Uint8Array | undefined {
    const file = flash.find(String(name));
    if (!file) return undefined;
    const offset = Math.min(Math.max(toInt(offsetArg), 0), file.size);
    const length = lengthArg === undefined || toInt(lengthArg) <= 0 ? file.size - offset : Math.min(toInt(lengthArg), file.size - offset);
    return flash.read(file.dataAddr + offset, length);
  }

  const storage = {
    write,
    read(name: unknown, offset?: unknown, length?: unknown): string | undefined {
      const b = readBytes(name, offset, length);
      return b && bytesToString(b);
    },
    readJSON(name: unknown, noExceptions?: unknown): unknown {
      const b = readBytes(name);
      if (!b) return undefined;
      try {
        return toRealmData(realm, parseLiberal(bytesToString(b), (m) => new realm.SyntaxError(m)));
      } catch (e) {
        if (noExceptions) return undefined;
        throw e;
      }
    },
    readArrayBuffer(name: unknown): ArrayBuffer | undefined {
      const b = readBytes(name);
      return b && newArrayBuffer(realm, b);
    },
    writeJSON(name: unknown, data: unknown): boolean {
      const text = stringifyDropQuotes(data);
      if (text === undefined) return false;
      return write(name, text, 0, 0);
    },
    list(regex?: unknown): string[] {
      const names = flash.files().filter((f) => !f.erased).map((f) => f.name);
      const matched = regex === undefined ? names : names.filter((n) => n.match(regex as RegExp) !== null);
      return newArray(realm, matched);
    },
    erase(name: unknown): void {
      const file = flash.find(String(name));
      if (file) flash.markErased(file);
    },
    eraseAll(): void {
      flash.eraseAll();
    },
    compact(): void {
      flash.compact();
    },
    getFree(): number {
      return flash.stats().freeBytes;
    },
    getStats(): Record<string, number> {
      return toRealmData(realm, flash.stats()) as Record<string, number>;
    },
  };
  return storage;
}
