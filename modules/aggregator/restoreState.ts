/**
 * Restores what Aggregator.save() wrote (agg.now, agg.rs, agg.pr, agg.st); returns which
 * parts were found. A free function, called once at boot: as a method of Aggregator its
 * function objects (restore and the damaged-file report) stayed resident for the whole
 * uptime on Espruino (issue 16: 13 JsVars); used once, the bundler writes it into the boot
 * code, where it is let go after the call.
 *
 * With nowS, today's ledger row is claimed here (read back from the archive when it was
 * archived), while the history the restore reads is loaded, rather than by the first
 * tick: a lazily loaded history (lazyHistory.ts) is then loaded once at boot, not again
 * beside the tick's work (measured on 2v29: the 8-meter aggregator at 3 800 JsVars ran
 * out of memory there, 10 s after boot). Device code.
 */
import { Aggregator } from "./aggregator";
import { localDay } from "./localTime";
import { LEDGER_DAYS } from "./readingsStore";
import { unpack } from "./snapshot";

export function restoreAggregator(agg: Aggregator, nowS?: number): string {
  const s = agg.store;
  const n = s.n * 2;
  // A saved file that is there but unreadable (another meter count, a torn write): counted and said, never silent.
  const damaged = function (name: string, what: string): void {
    agg.stateErrors++;
    agg.logLine("aggregator: " + name + " damaged, " + what);
  };
  let got = "";
  for (let d = 0; d < LEDGER_DAYS; d++) if (s.hold(d) >= 0) { got += "ledger "; break; }
  if (nowS !== undefined) s.row(localDay(agg.cfg.tz, nowS));
  // the history read for that stays loaded for the task (lazyHistory.ts): not for the whole boot
  if (s.archive.drop) s.archive.drop();
  const tE = new Int32Array(n);
  const tM = new Float64Array(n);
  const meta = new Float64Array(2);
  const now = agg.storage.get("agg.now");
  if (unpack(now, agg.nowArrays(tE, tM, meta))) {
    s.openSlot = meta[0];
    s.closeS = -Infinity; // the next tick works it out from openSlot
    const r = s.row(meta[1]);
    s.ledE.set(tE, r * n);
    s.ledM.set(tM, r * n);
    s.dirty[r] = 1;
    got += "readings ";
  } else if (now !== undefined) damaged("agg.now", "latest values, open interval and today's ledger rows lost");
  const rs = agg.storage.get("agg.rs");
  // absent (older save): no resets yet
  if (rs !== undefined && !unpack(rs, [s.offset, s.resets])) damaged("agg.rs", "register offsets lost: a total may step back once");
  agg.prices.load(agg.storage.get("agg.pr"));
  try {
    const st = JSON.parse(agg.storage.get("agg.st") || "null");
    if (st) {
      agg.dec.jobs = st.j;
      // JSON turned an unknown cost (NaN) into null
      for (let i = 0; i < st.j.length; i++) if (st.j[i].costMc === null) st.j[i].costMc = NaN;
      agg.dec.ovr.set(st.o);
      agg.dec.ovrUntilS.set(st.u);
      got += "decisions";
    }
  } catch (e) {
    // A damaged state file only loses plans and overrides: said and counted, the rest restored.
    damaged("agg.st", "plans and overrides lost: " + e);
  }
  agg.siteW = 0;
  for (let m = 0; m < agg.reg.count; m++) agg.moveSiteW(0, agg.powerW(m));
  agg.dec.ver++; // the next tick evaluates in full
  return got.trim();
}
