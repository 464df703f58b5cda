/**
 * meternet.json fields of the billing state and the relay (meter role), all optional:
 *   "persist": { "stepWh": 1, "everyS": 60 }   write after 1 Wh (varh) on any register,
 *                                              or after 60 s with any change
 *   "relay": { "safe": "closed", "restore": true }   state at boot without a record (or
 *                                              always, with restore false)
 * A bad value throws an Error naming the fields and their ranges; the app prints it and
 * runs on the defaults.
 */
export interface PersistConfig {
  stepWh: number;
  everyS: number;
  relaySafeClosed: boolean;
  relayRestore: boolean;
}

export function persistConfigOf(cfg: unknown): PersistConfig {
  const c = (cfg || {}) as { persist?: { stepWh?: unknown; everyS?: unknown }; relay?: { safe?: unknown; restore?: unknown } };
  const p = c.persist || {}, r = c.relay || {};
  const o = {
    stepWh: p.stepWh === undefined ? 1 : (p.stepWh as number),
    everyS: p.everyS === undefined ? 60 : (p.everyS as number),
    relaySafeClosed: r.safe !== "open",
    relayRestore: r.restore !== false,
  };
  // typeof: a string "60" compares as a number in JavaScript, but is a mistake in the file
  if (!(typeof o.stepWh === "number" && o.stepWh >= 0.001 && o.stepWh <= 1000 && typeof o.everyS === "number" && o.everyS >= 1 && o.everyS <= 86400) ||
    (r.safe !== undefined && r.safe !== "open" && r.safe !== "closed") || (r.restore !== undefined && r.restore !== !!r.restore)) {
    throw new Error("meternet.json: persist.stepWh must be 0.001..1000 Wh, persist.everyS 1..86400 s, relay.safe \"closed\" or \"open\", relay.restore true or false");
  }
  return o;
}
