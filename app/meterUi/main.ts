// The meter's touchscreen UI as its own Storage file (build/meterUi.js, written to the
// meter as "meterUi.js"): the meter bundle has no room for it (its Storage slot is nearly
// full) and a meter without a display never loads it. Evaluating this file defines one
// global, `meterUi`, which app/meter calls once the display answered. It returns the UI's
// outputs (MeterOutputs, modules/metering/meterOutputs.ts): app/meter hands each reading,
// event and aggregate of its one path to them after the console, billing and CAN link
// (the UI never listens to the MeterADC itself), and the display's touches come here.
// Its screens are Storage modules of their own ("ui0".."ui8", app/meterUi/screens/): one is
// evaluated when it opens and is garbage once another opens, so only the frame (header,
// navigation, touch dispatch, backlight) and this wiring stay resident.
import { MeterUi, uiSettingsOf, type UiSettings } from "../../modules/ui/meterUi";
import { emptyView, type UiEvent } from "../../modules/ui/meterView";
import { EVENT_ROWS } from "../../modules/ui/screens/events";
import { civil } from "../../modules/ui/format";
import type { MeterLink } from "../../modules/link/meterLink";
import type { MeterOutputs } from "../../modules/metering/meterOutputs";
import { exposeGlobal } from "../../modules/ports/device/console";
import { readJsonFile, writeJsonFile } from "../../modules/ports/device/configFile";
import { loadScreenModule } from "../../modules/ports/device/display";


/** Network screen values from the link's status (built only while that screen shows: status() allocates). */
function networkOf(link: MeterLink, lastPollUtcS: number): import("../../modules/ui/meterView").UiNetwork {
  const st = link.status() as { state: string; can: { tec: number; rec: number }; txEpoch: number };
  const r = link.node.rejects;
  return { address: link.node.address, state: st.state, lastPollUtcS: lastPollUtcS, tec: st.can.tec, rec: st.can.rec, epoch: st.txEpoch,
    rejects: { mac: r.badMac, stale: r.stale, length: r.length, unknownId: r.unknownId, unsynced: r.unsynced, internal: r.internal } };
}

/**
 * `file`: meternet.json as the meter read it at boot (its "name" and "ui"), not kept; `configFile`
 * its name in Storage, where changed settings are written.
 */
exposeGlobal("meterUi", function (lcd: MeterLcd, link: MeterLink | null, file: unknown, configFile: string): MeterOutputs & { ui: MeterUi } {
  let c: { name?: unknown; ui?: unknown } | undefined = (file || {}) as { name?: unknown; ui?: unknown };
  const v = emptyView(typeof c.name === "string" ? c.name : "meter", link ? link.node.address : 0);
  const settings = uiSettingsOf(c.ui);
  // this scope lives as long as the UI (Espruino keeps every local of it): the parsed configuration is let go
  c = undefined;
  file = undefined;
  const ui = new MeterUi(lcd, v, settings, loadScreenModule, function (s: UiSettings) {
    // settings live in the configuration's `ui` object (nothing of billing or the address):
    // read again here, so that the file written keeps everything else it holds
    const now = (readJsonFile(configFile) || {}) as { ui?: unknown };
    now.ui = s;
    writeJsonFile(configFile, now);
  });
  let utcOfChainS = 0, day = -1, month = -1, replies = -1, lastPollUtcS = 0;
  lcd.on("touch", function (x: number, y: number) { ui.touch(x, y, Date.now()); });
  lcd.on("release", function () { ui.release(); });
  ui.lastTouchMs = Date.now();
  ui.show(0);
  return {
    reading: function (r) {
      // NOINLINE: used once, terser would inline it as a function expression, which Espruino
      // parses and creates anew on every reading (npm run bench:ui: +322 tokens per update with hhmm)
      const now = Date.now() / 1000, d = /*@__NOINLINE__*/ civil(now);
      utcOfChainS = now - r.tS;
      v.utcS = now;
      v.reading = r;
      // registers at the start of the UTC day and month, as this meter saw them (since boot on the first day)
      if (d[2] !== day) { day = d[2]; v.dayStartWh = [r.importWh, r.exportWh]; }
      if (d[1] !== month) { month = d[1]; v.monthStartWh = [r.importWh, r.exportWh]; }
      if (link) {
        // a poll answered since the last second: the auto-reply counter moved
        const n = link.can.counters().autoReplies;
        if (n !== replies) { if (replies >= 0) lastPollUtcS = now; replies = n; }
        v.network = ui.at === 6 ? networkOf(link, lastPollUtcS) : null;
      }
      ui.update(v);
      ui.tick(Date.now());
      // the reading (about 45 JsVars) is kept only while a screen that shows it is open
      // (measure, energy); another screen opened shows its values at the next reading
      if (ui.at !== 1 && ui.at !== 3) v.reading = null;
    },
    event: function (e) {
      const ev: UiEvent = { kind: e.kind, startUtcS: utcOfChainS + e.startS, durationS: e.durationS, residualPct: e.residualPct };
      v.events.push(ev);
      if (v.events.length > EVENT_ROWS) v.events.shift();
    },
    aggregate: function (a) {
      if (a.interval === "10min") v.aggregate = a;
    },
    // the UI itself, for the harnesses that drive it (host/ui/uiJsVars.ts, bench/ui)
    ui: ui,
  };
});
