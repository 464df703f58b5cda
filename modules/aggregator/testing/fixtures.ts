// Shared test fixtures (host only): an in-memory storage port and a small site.
import { AggConfig } from "../aggregator";

export function memStorage() {
  const files: { [name: string]: string } = {};
  return {
    files,
    set(n: string, d: string) { files[n] = d; return true; },
    get(n: string) { return files[n]; },
    setBytes(n: string, parts: Uint8Array[]) {
      let s = "";
      for (let p = 0; p < parts.length; p++) for (let i = 0; i < parts[p].length; i++) s += String.fromCharCode(parts[p][i]);
      files[n] = s;
      return true;
    },
  };
}

export function config(): AggConfig {
  return {
    maxMeters: 4, tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 0, exportTariffMc: 8000, defaultPriceMc: 5000,
    limitW: 10000, holdS: 300, saveIntervalS: 900,
    meters: [
      { address: 1, name: "Heater", household: "A", keyId: 1, hasRelay: true, priority: 1 },
      { address: 2, name: "PV", household: "A", keyId: 2, hasRelay: false, priority: 9 },
      { address: 3, name: "Fridge", household: "B", keyId: 3, hasRelay: true, priority: 5 },
    ],
  };
}

