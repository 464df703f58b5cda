/**
 * The meters the aggregator polls. A meter's index in the list is its row in every
 * typed array of the readings store, so the list only grows up to maxMeters.
 */
export interface MeterInfo {
  /** CAN node address (1..127). */
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
  list: MeterInfo[] = [];
  constructor(public maxMeters: number) {}

  add(m: MeterInfo): number {
    if (!(m.address >= 1 && m.address <= 127)) throw new Error("meter address must be 1..127");
    if (this.indexOf(m.address) >= 0) throw new Error("meter " + m.address + " is already registered");
    if (this.list.length >= this.maxMeters) throw new Error("registry full (" + this.maxMeters + " meters)");
    this.list.push(m);
    return this.list.length - 1;
  }

  indexOf(address: number): number {
    return this.list.findIndex((m) => m.address === address);
  }
}
