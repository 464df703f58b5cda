/**
 * Espruino globals and built-in modules that app/ code (device wiring) may use.
 * Modules under modules/ must not use them: they receive ports instead.
 * Each declaration follows the Espruino reference for 2v29.
 */
declare function print(...text: unknown[]): void;
declare const console: { log(...text: unknown[]): void };
/** Seconds since start (float), Espruino's clock. */
declare function getTime(): number;
declare function setTimeout(fn: () => void, ms: number): number;
declare function setInterval(fn: () => void, ms: number): number;
declare function clearTimeout(id?: number): void;
declare function clearInterval(id?: number): void;
declare function reset(clearFlash?: boolean): void;
declare function load(filename?: string): void;
declare function save(): void;
declare const global: { [name: string]: unknown };
/** Espruino --test convention: the test passes when `result` is truthy. */
declare var result: boolean;
declare const process: {
  env: { [key: string]: unknown };
  memory(gc?: boolean): { free: number; usage: number; total: number; history: number };
  on(event: "uncaughtException", cb: (e: unknown) => void): void;
};
type EspruinoNumericArray = number[] | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
declare const E: {
  sum(arr: EspruinoNumericArray): number;
  variance(arr: EspruinoNumericArray, mean: number): number;
  convolve(arr1: EspruinoNumericArray, arr2: EspruinoNumericArray, offset: number): number;
  FFT(arrReal: EspruinoNumericArray, arrImage?: EspruinoNumericArray, inverse?: boolean): void;
  CRC32(data: string | ArrayBuffer | Uint8Array | number[]): number;
  /** The arguments' bytes as a string of one char per byte (flat when it can be). */
  toString(...data: (string | number | ArrayBuffer | Uint8Array | number[])[]): string;
  /** The arguments' bytes as a Uint8Array. */
  toUint8Array(...data: (string | number | ArrayBuffer | Uint8Array | number[])[]): Uint8Array;
  getErrorFlags(): string[];
  on(event: "init" | "kill" | "errorFlag", cb: (arg?: unknown) => void): void;
};
interface EspruinoStorage {
  write(name: string, data: string | Uint8Array, offset?: number, size?: number): boolean;
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): unknown;
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  writeJSON(name: string, data: unknown): boolean;
  list(regex?: RegExp): string[];
  erase(name: string): void;
  eraseAll(): void;
  compact(): void;
  getFree(): number;
  getStats(): { totalBytes: number; freeBytes: number; fileBytes: number; fileCount: number; trashBytes: number; trashCount: number };
}
interface EspruinoCrypto {
  SHA256(data: string | ArrayBuffer | Uint8Array): ArrayBuffer;
  AES: {
    encrypt(data: Uint8Array | string, key: Uint8Array | string, options?: { mode?: "ECB" | "CBC" | "CTR"; iv?: Uint8Array }): ArrayBuffer;
    decrypt(data: Uint8Array | string, key: Uint8Array | string, options?: { mode?: "ECB" | "CBC" | "CTR"; iv?: Uint8Array }): ArrayBuffer;
  };
}
interface EspruinoHttpRequest { method: string; url: string; headers: { [name: string]: string }; on(ev: "data" | "close", cb: (d?: string) => void): void; read(): string; available(): number; }
interface EspruinoHttpResponse { writeHead(status: number, headers?: { [name: string]: string }): void; write(data: string): boolean; end(data?: string): void; on(ev: "drain" | "close", cb: () => void): void; }
interface EspruinoHttpServer { listen(port: number): EspruinoHttpServer; close(): void; }
interface EspruinoHttp { createServer(cb: (req: EspruinoHttpRequest, res: EspruinoHttpResponse) => void): EspruinoHttpServer; }
declare function require(name: "Storage"): EspruinoStorage;
declare function require(name: "crypto"): EspruinoCrypto;
declare function require(name: "http"): EspruinoHttp;
/** Pins by name ("E4"); digitalWrite makes the pin an output, digitalRead an input. */
declare function digitalWrite(pin: string, value: boolean): void;
declare function digitalRead(pin: string): number;
/** The hardware SPI1 (the aggregator's NOR flash: modules/ports/device/spiNor.ts). */
declare const SPI1: {
  setup(options: { sck: string; miso: string; mosi: string; baud?: number; mode?: number }): void;
  send(data: Uint8Array, nss: string): Uint8Array;
};
/** The hardware I2C1 (the meter's FRAM: modules/ports/device/fram.ts). */
declare const I2C1: {
  setup(options: { scl: string; sda: string; bitrate?: number }): void;
  writeTo(address: number | { address: number; stop: boolean }, data: Uint8Array): void;
  readFrom(address: number, quantity: number): Uint8Array;
};
