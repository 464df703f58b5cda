/**
 * Power profile: the 15-minute average power of the last 24 hours (96 slots) or 7 days
 * (672), import above the zero line in green, export below in red, with the power axis
 * and its unit and the time of day (UTC) on the time axis. Redrawn when a slot closes.
 */
import type { Screen } from "../screen";
import { changed } from "../graphKey";
import type { MeterUi } from "../meterUi";
import { WHITE, GREY, GREEN, RED, BLACK, CYAN, H } from "../displayPort";
import { RANGE_24H, RANGE_7D, inside } from "../layout";
import { button } from "../button";
import { pad, civil } from "../format";

/** Plot area: 288 columns (96 slots x 3 px for 24 h; 7 days: 7/3 slot per column). */
const X0 = 30, PW = 288, Y0 = 62, PH = 148;
const SLOT_S = 900;

/** 1, 2 or 5 times a power of ten, at least x. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log(x) / Math.LN10));
  const m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function draw(u: MeterUi, days: number): void {
  const d = u.d, v = u.v, n = days * 96, all = v.profileW;
  button(u.d, RANGE_24H, "24 h", days === 1 ? CYAN : WHITE);
  button(u.d, RANGE_7D, "7 d", days === 7 ? CYAN : WHITE);
  d.rect(0, Y0 - 14, 320, H - Y0 + 14, BLACK);
  // the range of the data, both signs
  let hi = 0, lo = 0;
  const first = all ? all.length - n : 0;
  if (all) for (let i = first < 0 ? 0 : first; i < all.length; i++) {
    const w = all[i];
    if (w > hi) hi = w;
    if (w < lo) lo = w;
  }
  const kw = hi >= 1000 || -lo >= 1000, div = kw ? 1000 : 1;
  const top = hi > 0 ? niceCeil(hi / div) * div : 0, bot = lo < 0 ? -niceCeil(-lo / div) * div : 0;
  const span = top - bot > 0 ? top - bot : 1;
  const zeroY = Y0 + Math.round((top / span) * PH);
  d.text(0, Y0 - 14, kw ? "kW" : "W", 1, WHITE, BLACK);
  d.text(X0 + 140, Y0 - 14, "import", 1, GREEN, BLACK);
  d.text(X0 + 190, Y0 - 14, "export", 1, RED, BLACK);
  d.text(X0 + 244, Y0 - 14, "UTC", 1, GREY, BLACK);
  d.text(0, Y0 - 3, pad("" + top / div, 4), 1, WHITE, BLACK);
  d.text(0, zeroY - 3, pad("0", 4), 1, WHITE, BLACK);
  if (bot < 0) d.text(0, Y0 + PH - 5, pad("" + bot / div, 4), 1, WHITE, BLACK);
  d.line(X0 - 1, Y0, X0 - 1, Y0 + PH, GREY);
  if (!all || v.profileEndUtcS <= 0) {
    d.text(X0 + 60, Y0 + 60, "no profile yet", 2, GREY, BLACK);
    return;
  }
  // one bar per column: the average of its slots (unknown slots skipped)
  for (let c = 0; c < PW; c++) {
    const a = Math.floor((c * n) / PW), e = Math.floor(((c + 1) * n) / PW), b = e > a ? e : a + 1;
    let sum = 0, k = 0;
    for (let i = first + a; i < first + b; i++) {
      // NaN (a slot the meter was off) is not equal to itself
      if (i >= 0 && all[i] === all[i]) { sum += all[i]; k++; }
    }
    if (k === 0) continue;
    const y = zeroY - Math.round(((sum / k) / span) * PH);
    if (y < zeroY) d.rect(X0 + c, y, 1, zeroY - y, GREEN);
    else if (y > zeroY) d.rect(X0 + c, zeroY + 1, 1, y - zeroY, RED);
  }
  d.line(X0, zeroY, X0 + PW - 1, zeroY, GREY);
  // time axis: a tick and the hour every 6 h (24 h), the day of month at each midnight (7 d)
  const startS = v.profileEndUtcS - n * SLOT_S, step = days === 1 ? 6 * 3600 : 86400;
  for (let t = Math.ceil(startS / step) * step; t <= v.profileEndUtcS; t += step) {
    const x = X0 + Math.round(((t - startS) / (n * SLOT_S)) * PW);
    d.line(x, Y0 + PH + 1, x, Y0 + PH + 4, WHITE);
    const lbl = days === 1 ? pad("" + (Math.floor(t / 3600) % 24), 2) + "h" : "" + civil(t)[2];
    d.text(x - 6 > 300 ? 300 : x - 6, Y0 + PH + 7, lbl, 1, WHITE, BLACK);
  }
}

export function profile(): Screen {
  // the range is the one state this screen keeps, and only while it is open: each visit starts on 24 h
  let days = 1;
  return {
    title: "Profile",
    draw: function () {},
    update: function (u: MeterUi) {
      // the graph is redrawn when a 15-minute slot closed (or the range changed), not every second
      if (changed(u, 30, days + "/" + u.v.profileEndUtcS)) draw(u, days);
    },
    press: function (u: MeterUi, x: number, y: number) {
      const d = inside(RANGE_24H, x, y) ? 1 : inside(RANGE_7D, x, y) ? 7 : days;
      if (d !== days) {
        days = d;
        u.update(u.v);
      }
    },
  };
}
