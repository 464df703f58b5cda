/**
 * The meters the aggregator polls. A meter's index is its row in every typed array of
 * the readings store, so the registry only grows up to maxMeters.
 *
 * Kept as typed arrays and one string, not as the MeterInfo objects agg.json parses
 * into: an object of six properties costs 16 JsVars on Espruino, about 1000 for 64
 * meters, against about 60 this way. `info(m)` builds an object for a page or a bill
 * when one is asked for, and lets it go.
 */
import { METERS_PER_BUS } from "../can/idPlan";

export interface MeterInfo {
  /** CAN node address (0..63, the identifier plan). */
  address: number;
  /** Load name shown to people, e.g. "Washing machine". */
  name: string;
  household: string;
  /** Which key of the key store authenticates this meter's commands. */
  keyId: number;
  hasRelay: boolean;
  /** Lower numbers are shed first when the contracted power is exceeded. */
  priority: number;
  /** Disconnect while the import price is above this (milli-cents/kWh); absent: never. */
  maxPriceMc?: number;
  /** Disconnect while renewable availability is below this (%); absent: never. */
  minRenewPct?: number;
}

export class Registry {
  /** Meters registered (rows 0..count-1 are used). */
  count = 0;
  readonly address: Uint8Array;
  readonly keyId: Uint8Array;
  readonly relay: Uint8Array;
  readonly priority: Uint8Array;
  /** NaN: no threshold. Float32 holds every whole milli-cent price up to 167 EUR/kWh exactly. */
  private readonly maxPriceMc: Float32Array;
  private readonly minRenewPct: Float32Array;
  /** Per meter, name and household, each ended by "\n", in one string; where each meter's starts. */
  private text = "";
  private readonly at: Uint16Array;
  /** Row + 1 of each CAN address (0: none): indexOf runs once per reading and poll outcome, a scan of 64 rows is too slow there. */
  readonly rowOf = new Uint8Array(METERS_PER_BUS);

  constructor(public maxMeters: number) {
    this.address = new Uint8Array(maxMeters);
    this.keyId = new Uint8Array(maxMeters);
    this.relay = new Uint8Array(maxMeters);
    this.priority = new Uint8Array(maxMeters);
    this.maxPriceMc = new Float32Array(maxMeters);
    this.minRenewPct = new Float32Array(maxMeters);
    this.at = new Uint16Array(maxMeters + 1);
  }

  add(m: MeterInfo): number {
    if (!(m.address >= 0 && m.address < METERS_PER_BUS && Math.floor(m.address) === m.address)) throw new Error("meter address " + m.address + ": must be 0.." + (METERS_PER_BUS - 1) + " (the CAN identifier plan)");
    if (this.indexOf(m.address) >= 0) throw new Error("meter " + m.address + " is already registered");
    if (this.count >= this.maxMeters) throw new Error("registry full (" + this.maxMeters + " meters)");
    const name = String(m.name);
    const household = String(m.household);
    if ((name + household).indexOf("\n") >= 0) throw new Error("meter " + m.address + ": line break in a name");
    if (!(m.priority >= 0 && m.priority <= 255)) throw new Error("meter " + m.address + ": priority must be 0..255");
    if (m.maxPriceMc !== undefined && !(Math.abs(m.maxPriceMc) < 16777216 && Math.floor(m.maxPriceMc) === m.maxPriceMc)) throw new Error("meter " + m.address + ": maxPriceMc: whole milli-cents under 2^24");
    if (!(m.keyId >= 0 && m.keyId <= 255)) throw new Error("meter " + m.address + ": keyId must be 0..255");
    const k = this.count;
    if (this.text.length + name.length + household.length + 2 > 65535) throw new Error("meter " + m.address + ": names over 64 KB");
    this.address[k] = m.address;
    this.keyId[k] = m.keyId;
    this.relay[k] = m.hasRelay ? 1 : 0;
    this.priority[k] = m.priority;
    this.maxPriceMc[k] = m.maxPriceMc === undefined ? NaN : m.maxPriceMc;
    this.minRenewPct[k] = m.minRenewPct === undefined ? NaN : m.minRenewPct;
    this.text += name + "\n" + household + "\n";
    this.count = k + 1;
    this.rowOf[m.address] = k + 1;
    this.at[k + 1] = this.text.length;
    return k;
  }

  /** Row of the meter at CAN address `address`, -1 when none is registered there. */
  indexOf(address: number): number {
    return address >= 0 && address < METERS_PER_BUS ? (this.rowOf[address] | 0) - 1 : -1;
  }

  hasRelay(m: number): boolean {
    return this.relay[m] === 1;
  }

  name(m: number): string {
    const s = this.at[m];
    return this.text.substring(s, this.text.indexOf("\n", s));
  }

  household(m: number): string {
    const s = this.text.indexOf("\n", this.at[m]) + 1;
    return this.text.substring(s, this.at[m + 1] - 1);
  }

  /** Disconnect above this import price (milli-cents/kWh); undefined: never. */
  maxPrice(m: number): number | undefined {
    return isNaN(this.maxPriceMc[m]) ? undefined : this.maxPriceMc[m];
  }

  /** Disconnect below this renewable availability (%); undefined: never. */
  minRenew(m: number): number | undefined {
    return isNaN(this.minRenewPct[m]) ? undefined : this.minRenewPct[m];
  }

  /** Meter m as an object (a new one each call). */
  info(m: number): MeterInfo {
    const o: MeterInfo = { address: this.address[m], name: this.name(m), household: this.household(m), keyId: this.keyId[m], hasRelay: this.hasRelay(m), priority: this.priority[m] };
    if (this.maxPrice(m) !== undefined) o.maxPriceMc = this.maxPrice(m);
    if (this.minRenew(m) !== undefined) o.minRenewPct = this.minRenew(m);
    return o;
  }
}
