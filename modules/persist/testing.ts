/**
 * Test harness of the billing state (tests only; device-safe so the device typecheck reads it): a stand-in for the C chain's energy
 * registers (mtEnergy.c's milli + frac arithmetic), a realistic day of readings, and a
 * meter booted on a FRAM the way app/meter/main.ts wires it (restore, setEnergy, relay,
 * freshness epoch through MeterNode's PersistedEpoch, then one update per reading).
 */
import { FramPort } from "../ports/fram";
import { RelayPort } from "../ports/relay";
import { KvStore } from "../ports/kvStore";
import { PersistedEpoch } from "../can/freshness";
import { BillingStore, freshnessStore, restoreBilling, restoredEnergy } from "./billingStore";
import { EnergyState as EnergyLike } from "../metering/readings";
import { Relay } from "./relay";
import { REGISTERS } from "./billingRecord";
import { crc32 } from "./crc32";

/** The legacy (Storage) store of a meter that never kept freshness there: empty. */
function emptyStore(): KvStore {
  const d: { [k: string]: string } = {};
  return { get(k: string) { return d[k]; }, set(k: string, v: string) { d[k] = v; return true; } };
}

/** mtEnergy.c's registers: whole milli-units plus a fraction in [0, 1). */
export class FakeRegisters {
  readonly v = new Float64Array(8);
  add(r: number, milli: number): void {
    const t = this.v[2 * r + 1] + milli;
    const w = Math.floor(t);
    this.v[2 * r] += w;
    this.v[2 * r + 1] = t - w;
  }
  units(r: number): number {
    return (this.v[2 * r] + this.v[2 * r + 1]) / 1000;
  }
  get(): EnergyLike {
    const e: { [k: string]: { milli: number; frac: number } } = {};
    for (let r = 0; r < 4; r++) e[REGISTERS[r]] = { milli: this.v[2 * r], frac: this.v[2 * r + 1] };
    return e as unknown as EnergyLike;
  }
  set(e: EnergyLike): void {
    const x = e as unknown as { [k: string]: { milli: number; frac: number } };
    for (let r = 0; r < 4; r++) { this.v[2 * r] = x[REGISTERS[r]].milli; this.v[2 * r + 1] = x[REGISTERS[r]].frac; }
  }
}

/** One second of a household with PV and a 13.8 kW heater (460 V x 30 A, the meter's maximum). */
export function powerAt(tS: number, relayClosed: boolean): { pW: number; qVar: number } {
  const min = (tS / 60) % 60;
  let load = 180 + ((tS % 2400) < 900 ? 120 : 0); // base load + fridge cycling
  if ((tS % 2820) < 180) load += 2000; // kettle
  if (min >= 30 && min < 35) load += 13800 - 2300; // heater: the meter's full scale with the rest
  if (!relayClosed) load = 40; // the meter itself and what is before the relay
  const pv = tS > 3600 && tS < 9000 ? 1600 * Math.sin(Math.PI * (tS - 3600) / 5400) : 0;
  const pW = load - pv;
  return { pW, qVar: 0.3 * load - 0.1 * pv };
}

/** Energy of reading tS per register (mWh, mvarh), as the chain books one second. */
export function incrementsAt(tS: number, relayClosed: boolean, out: Float64Array): Float64Array {
  const p = powerAt(tS, relayClosed);
  out[0] = p.pW > 0 ? p.pW / 3.6 : 0;
  out[1] = p.pW < 0 ? -p.pW / 3.6 : 0;
  out[2] = p.qVar > 0 ? p.qVar / 3.6 : 0;
  out[3] = p.qVar < 0 ? -p.qVar / 3.6 : 0;
  return out;
}

export class PinRelay implements RelayPort {
  driven = -1;
  drive(closed: boolean): void { this.driven = closed ? 1 : 0; }
  sense(): number { return this.driven; }
}

export const STEP_WH = 1;
export const EVERY_S = 60;

/** A meter booted on `fram`: restored registers, relay and epoch; `reading(tS)` runs one second. */
export class MeterUnderTest {
  readonly regs = new FakeRegisters();
  readonly store: BillingStore;
  readonly relay: Relay;
  readonly pin = new PinRelay();
  readonly tx: PersistedEpoch;
  readonly kv: KvStore;
  readonly restored: boolean;
  epochNow = -1;
  /** Epochs applied (used) and sync freshness accepted since boot. */
  maxEpochUsed = -1;
  lastSyncAccepted = -1;
  private readonly inc = new Float64Array(4);

  constructor(readonly fram: FramPort, legacy?: KvStore) {
    this.store = new BillingStore({ fram, baseAddr: 0, slots: 2, crc32, stepWh: STEP_WH, everyS: EVERY_S });
    this.restored = restoreBilling(this.store);
    const e = restoredEnergy(this.store);
    if (e) this.regs.set(e);
    this.relay = new Relay(this.pin, this.store, true, true, Date.now);
    this.kv = freshnessStore(this.store, legacy || emptyStore());
    const self = this;
    this.tx = new PersistedEpoch(this.kv, "txepoch", function (ep: number) { self.epochNow = ep; if (ep > self.maxEpochUsed) self.maxEpochUsed = ep; });
  }

  boot(): boolean { return this.tx.boot(); }

  /** One reading at second tS with the scheduled events; the caller checks the FRAM's power after it. */
  reading(tS: number): void {
    incrementsAt(tS, this.relay.closed, this.inc);
    for (let r = 0; r < 4; r++) this.regs.add(r, this.inc[r]);
    this.store.update(this.regs.get(), tS);
    if (tS % 600 === 599) this.store.setAggregate(tS, { vRmsV: 230.1, iRmsA: 4.2, pW: 966, qVar: 30, fHz: 50.01, thdVPct: 2.5 }, tS % 1800 === 599, true);
    if (tS % 1234 === 1000) this.relay.set(!this.relay.closed);
    if (tS % 900 === 450) {
      // MeterNode.onSyncRequest: the request's freshness persisted, then a new epoch
      const fv = 1000 + tS;
      if (this.kv.set("rxsync", String(fv)) && this.tx.renew()) this.lastSyncAccepted = fv;
    }
  }
}
