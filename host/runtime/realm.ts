/**
 * The interpreter's realm: constructors of the vm context, so values the emulated
 * API returns (ArrayBuffer, arrays, errors) are the context's own and `instanceof`
 * in bundle code holds, plus Espruino's rules for turning values into bytes.
 */
import vm from "node:vm";

export interface Realm {
  context: vm.Context;
  Error: ErrorConstructor;
  SyntaxError: SyntaxErrorConstructor;
  TypeError: TypeErrorConstructor;
  ArrayBuffer: ArrayBufferConstructor;
  Uint8Array: Uint8ArrayConstructor;
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  JSON: JSON;
}

export function realmOf(context: vm.Context): Realm {
  const get = (name: string) => vm.runInContext(name, context);
  return {
    context,
    Error: get("Error"),
    SyntaxError: get("SyntaxError"),
    TypeError: get("TypeError"),
    ArrayBuffer: get("ArrayBuffer"),
    Uint8Array: get("Uint8Array"),
    Array: get("Array"),
    Object: get("Object"),
    JSON: get("JSON"),
  };
}

/** A copy of `bytes` as an ArrayBuffer of the realm. */
export function newArrayBuffer(realm: Realm, bytes: Uint8Array): ArrayBuffer {
  const out = new realm.Uint8Array(bytes.length);
  out.set(bytes);
  return out.buffer as ArrayBuffer;
}

/** A deep copy of plain JSON data as the realm's own objects and arrays. */
export function toRealmData(realm: Realm, v: unknown): unknown {
  return v === undefined ? undefined : realm.JSON.parse(JSON.stringify(v));
}

/** A plain array of the realm holding `items`. */
export function newArray<T>(realm: Realm, items: T[]): T[] {
  const out = new realm.Array() as T[];
  for (const x of items) out.push(x);
  return out;
}

export function isArrayBuffer(v: unknown): v is ArrayBuffer {
  return Object.prototype.toString.call(v) === "[object ArrayBuffer]";
}

/** Espruino's %t: the type name used in its error messages. */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "number") return "Number";
  if (typeof v === "string") return "String";
  if (typeof v === "boolean") return "Boolean";
  if (typeof v === "function") return "Function";
  if (Array.isArray(v)) return "Array";
  if (isArrayBuffer(v)) return "ArrayBuffer";
  if (ArrayBuffer.isView(v)) return (v as { constructor: { name: string } }).constructor.name;
  return "Object";
}

/** Espruino's jsvIsIterable: arrays, typed arrays, ArrayBuffers, strings, objects. */
export function isIterable(v: unknown): boolean {
  return typeof v === "string" || (typeof v === "object" && v !== null) || typeof v === "function";
}

/** The numbers an Espruino iterator yields from `v` (strings give char codes). */
export function numbersOf(v: unknown): number[] {
  if (typeof v === "string") {
    const out: number[] = [];
    for (let i = 0; i < v.length; i++) out.push(v.charCodeAt(i));
    return out;
  }
  if (isArrayBuffer(v)) return Array.from(new Uint8Array(v));
  if (ArrayBuffer.isView(v) && !(Object.prototype.toString.call(v) === "[object DataView]")) {
    return Array.from(v as unknown as ArrayLike<number>);
  }
  if (Array.isArray(v)) return v.map((x) => Number(x));
  if (typeof v === "object" && v !== null) return Object.values(v).map((x) => Number(x));
  return [];
}

/**
 * Espruino's JSV_GET_AS_CHAR_ARRAY: the raw bytes of a string (one byte per char),
 * ArrayBuffer, typed array or DataView (its bytes), array (each element & 0xFF), or
 * anything else through its string form.
 */
export function toBytes(v: unknown): Uint8Array {
  if (typeof v === "string") return Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff);
  // Host Uint8Array methods only: the realm's ArrayBuffer.prototype.slice is removed (as on Espruino).
  if (isArrayBuffer(v)) return new Uint8Array(v).slice();
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
  if (Array.isArray(v)) return Uint8Array.from(v, (x) => Number(x) & 0xff);
  return toBytes(String(v));
}

/** Bytes as an Espruino string (one char per byte). */
export function bytesToString(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 8192)));
  return s;
}
