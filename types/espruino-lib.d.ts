/**
 * The ES2015+ library members that Espruino 2v29 implements (measured: see
 * ../shared/notes/espruino.md), added on top of TypeScript's ES5 library. Anything
 * not declared here or in ES5 does not exist on the device: using it is a type error.
 * Keep this list in step with tools/gate/rules.js, which checks the emitted bundle.
 */
interface Array<T> {
  find(predicate: (value: T, index: number, obj: T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: T[]) => unknown): number;
  fill(value: T, start?: number, end?: number): this;
  includes(searchElement: T, fromIndex?: number): boolean;
}
interface ObjectConstructor {
  assign<T extends {}, U>(target: T, source: U): T & U;
  assign<T extends {}, U, V>(target: T, source1: U, source2: V): T & U & V;
  entries<T>(o: { [s: string]: T }): [string, T][];
  values<T>(o: { [s: string]: T }): T[];
  setPrototypeOf(o: any, proto: object | null): any;
}
interface String {
  padStart(maxLength: number, fillString?: string): string;
  padEnd(maxLength: number, fillString?: string): string;
  repeat(count: number): string;
  startsWith(searchString: string, position?: number): boolean;
  endsWith(searchString: string, endPosition?: number): boolean;
  includes(searchString: string, position?: number): boolean;
}
interface Float32Array { fill(value: number, start?: number, end?: number): this; slice(start?: number, end?: number): Float32Array; }
interface Float64Array { fill(value: number, start?: number, end?: number): this; slice(start?: number, end?: number): Float64Array; }
interface Int16Array { fill(value: number, start?: number, end?: number): this; slice(start?: number, end?: number): Int16Array; }
interface Int32Array { fill(value: number, start?: number, end?: number): this; slice(start?: number, end?: number): Int32Array; }
interface Uint8Array { fill(value: number, start?: number, end?: number): this; slice(start?: number, end?: number): Uint8Array; }
interface Uint16Array { fill(value: number, start?: number, end?: number): this; slice(start?: number, end?: number): Uint16Array; }
interface Uint32Array { fill(value: number, start?: number, end?: number): this; slice(start?: number, end?: number): Uint32Array; }
