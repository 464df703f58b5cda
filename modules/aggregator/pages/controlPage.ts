/**
 * Control: switch loads by hand (pinned for 4 hours, or back to the rules), plan a
 * deferrable run, read and override decisions, upload day-ahead prices. Every form
 * posts with the session's CSRF token and lands back here with a message.
 */
import { Ctx, Reply } from "../../http/types";
import { WebApp } from "./webApp";
import { page, esc, button, hidden, csrfField, tableChunk } from "./layout";
import { LOG_N } from "../decisions";
import { reasonText, actionText } from "./reasons";
import { localText } from "../localTime";
import { fmtFixed } from "../fixedPoint";
import { stateText } from "./dashboard";

function lastReason(app: WebApp, m: number): string {
  const d = app.agg.dec;
  for (let k = 1; k <= LOG_N && k <= d.seq; k++) {
    const i = (d.seq - k) % LOG_N;
    if (d.lm[i] === m) return "#" + d.lid[i] + " " + reasonText(app.agg, i);
  }
  return "<span class=m>none</span>";
}

export function controlPage(app: WebApp, c: Ctx): Reply {
  const a = app.agg;
  const n = a.reg.list.length;
  const logN = Math.min(a.dec.seq, LOG_N);
  const jobs = a.dec.jobs;
  const tz = a.cfg.tz;
  const steps = [n + 2, 1, jobs.length + 2, logN + 2, 1];
  return page(c, app, "Control", 0, (i) => {
    if (i === 0) return c.query.msg ? '<p class="box' + (c.query.msg.indexOf("Error") === 0 ? " err" : "") + '" id=msg>' + esc(c.query.msg) + "</p>" : "";
    let k = i - 1, s = 0;
    while (s < steps.length && k >= steps[s]) { k -= steps[s]; s++; }
    if (s === 0) {
      if (k === 0) return "<h2>Loads</h2>" + tableChunk(0, ["Load", "State", "Last decision", "Manual control"], n, () => "");
      return tableChunk(k, [], n, (m) => {
        const info = a.reg.list[m];
        const f = hidden("a", info.address);
        const pin = a.dec.ovr[m] >= 0 ? " <span class=m>(manual)</span>" : "";
        return esc(info.name) + "|" + stateText(app, m) + pin + "|" + lastReason(app, m) + "|" + (info.hasRelay ?
          button(c, "/control", f + hidden("do", "disconnect"), "Disconnect") + button(c, "/control", f + hidden("do", "connect"), "Connect") + button(c, "/control", f + hidden("do", "auto"), "Auto") : "");
      });
    }
    if (s === 1) {
      let opts = "";
      for (let m = 0; m < n; m++) if (a.reg.list[m].hasRelay) opts += "<option value=" + a.reg.list[m].address + ">" + esc(a.reg.list[m].name) + "</option>";
      const by = localText(tz, Math.ceil(c.nowS / 3600) * 3600 + 12 * 3600).replace(" ", "T");
      return "<h2>Plan a deferrable run</h2><form class=box method=post action=/defer id=defer>" + csrfField(c) + "<select name=a>" + opts +
        "</select> runs <input name=dur type=number value=120 size=4> min, <input name=wh type=number value=1500 size=5> Wh, done by <input name=by type=datetime-local value=" + by +
        "> <select name=mode><option>cheapest</option><option>greenest</option></select> <button>Plan</button></form>";
    }
    if (s === 2) {
      if (k === 0) return "<h2>Planned runs</h2>" + tableChunk(0, ["Load", "Start", "End", "Expected cost (EUR)", "State"], jobs.length, () => "");
      return tableChunk(k, [], jobs.length, (j) => {
        const x = jobs[j];
        return esc(a.reg.list[x.m].name) + "|" + localText(tz, x.startS) + "|" + localText(tz, x.endS) + "|" + (isNaN(x.costMc) ? "?" : fmtFixed(x.costMc, 5)) + "|" + (x.running ? "running" : "waiting");
      });
    }
    if (s === 3) {
      if (k === 0) return "<h2>Decisions</h2>" + tableChunk(0, ["#", "Time", "Load", "Action", "Reason", ""], logN, () => "");
      return tableChunk(k, [], logN, (r) => {
        const i2 = (a.dec.seq - 1 - r) % LOG_N;
        const id = a.dec.lid[i2];
        return id + "|" + localText(tz, a.dec.lt[i2]) + "|" + esc(a.reg.list[a.dec.lm[i2]].name) + "|" + actionText(a.dec.la[i2]) + "|" + reasonText(a, i2) + "|" + button(c, "/override", hidden("id", id), "Override");
      });
    }
    if (s === 4) {
      return "<h2>Day-ahead prices</h2><form class=box method=post action=/prices>" + csrfField(c) + "<textarea name=data rows=3 cols=60 placeholder=\"ENTSO-E A44 XML, CSV or JSON\"></textarea><br><button>Upload</button></form>";
    }
    return null;
  });
}

