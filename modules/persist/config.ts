/**
 * meternet.json fields of the billing state and the relay (meter role), all optional:
 *   "persist": { "stepWh": 1, "everyS": 60 }   write after 1 Wh (varh) on any register,
 *                                              or after 60 s with any change
 *   "relay": { "safe": "closed", "restore": true }   state at boot without a record (or
 *                                              always, with restore false)
 * A bad value throws an Error naming the field; the app prints it and runs on defaults.
 */
export interface PersistConfig {
  stepWh: number;
  everyS: number;
  relaySafeClosed: boolean;
  relayRestore: boolean;
}

export const DEFAULT_STEP_WH = 1;
export const DEFAULT_EVERY_S = 60;

function num(o: { [k: string]: unknown }, key: string, dflt: number, min: number, max: number, where: string): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !(v >= min && v <= max)) throw new Error(where + "." + key + " must be a number in " + min + ".." + max + " (got " + v + ")");
  return v;
}

export function persistConfigOf(cfg: unknown): PersistConfig {
  const c = (cfg && typeof cfg === "object" ? cfg : {}) as { [k: string]: unknown };
  const p = (c.persist && typeof c.persist === "object" ? c.persist : {}) as { [k: string]: unknown };
  const r = (c.relay && typeof c.relay === "object" ? c.relay : {}) as { [k: string]: unknown };
  const safe = r.safe === undefined ? "closed" : r.safe;
  if (safe !== "closed" && safe !== "open") throw new Error("relay.safe must be \"closed\" or \"open\" (got " + safe + ")");
  if (r.restore !== undefined && typeof r.restore !== "boolean") throw new Error("relay.restore must be true or false");
  return {
    stepWh: num(p, "stepWh", DEFAULT_STEP_WH, 0.001, 1000, "persist"),
    everyS: num(p, "everyS", DEFAULT_EVERY_S, 1, 86400, "persist"),
    relaySafeClosed: safe === "closed",
    relayRestore: r.restore !== false,
  };
}
