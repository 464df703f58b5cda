/**
 * Runs on the real interpreter (bench/persist/main.ts bundles it with esbuild): the
 * billing store on a FRAM stand-in in JavaScript, `__N` readings that each reach the
 * energy step (a record write each) and `__M` readings below it (no write). E.CRC32 is
 * the interpreter's, as on the meter.
 */
import { BillingStore, restoreBilling } from "../../modules/persist/billingStore";
import { FramPort } from "../../modules/ports/fram";
import { EnergyState } from "../../modules/metering/readings";

declare const E: { CRC32(d: Uint8Array): number };
declare const __N: number, __M: number;
declare let result: boolean;
declare function print(s: string): void;

const mem = new Uint8Array(256);
const fram: FramPort = {
  sizeBytes: 256,
  read: function (a: number, n: number) { return new Uint8Array(mem.buffer, a, n); },
  write: function (a: number, d: Uint8Array) { mem.set(d, a); return true; },
};
const store = new BillingStore({ fram: fram, baseAddr: 0, slots: 2, crc32: E.CRC32, stepWh: 1, everyS: 1e6 });
restoreBilling(store);
const e = { importWh: { milli: 0, frac: 0.5 }, exportWh: { milli: 0, frac: 0 }, importVarh: { milli: 0, frac: 0 }, exportVarh: { milli: 0, frac: 0 } };
let t = 0;
for (let i = 0; i < __N; i++) { e.importWh.milli += 1000; store.update(e as unknown as EnergyState, t++); }
for (let i = 0; i < __M; i++) { e.importVarh.milli += 1; store.update(e as unknown as EnergyState, t++); }
// a restart on the same part restores what was written last, byte for byte
const again = new BillingStore({ fram: fram, baseAddr: 0, slots: 2, crc32: E.CRC32, stepWh: 1, everyS: 1e6 });
const found = restoreBilling(again);
print("writes " + store.writes + " restored " + found + " importWh " + again.savedUnits(0));
result = store.writes === __N && found && again.savedUnits(0) === store.savedUnits(0) && again.saved.u32[0] === store.saved.u32[0];
