/**
 * Time charts drawn as SVG, sized to their container in pixels (text stays legible
 * from 360 px up): bars or step lines on a left axis, optionally a second series
 * (price) on a right axis, local-time ticks with the date under the first tick of each
 * day, a legend as HTML. Values are per interval [startS + k*stepS, + stepS).
 */
import { h, s } from "./dom";
import { hm, dayOf } from "./format";

export interface Series {
  name: string;
  values: (number | null)[];
  kind: "bars" | "line";
  /** CSS class giving its colour (s-imp, s-exp, s-price). */
  cls: string;
  right?: boolean;
}

export interface ChartSpec {
  label: string;
  startS: number;
  stepS: number;
  /** Hours between time ticks. */
  tickH: number;
  leftUnit: string;
  rightUnit?: string;
  series: Series[];
}

/** Rounds a span up to 1, 2 or 5 x 10^k so the axis reads well. */
export function niceStep(span: number, ticks: number): number {
  const raw = span / ticks || 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  return (raw <= p ? 1 : raw <= 2 * p ? 2 : raw <= 5 * p ? 5 : 10) * p;
}

function range(series: Series[], zero: boolean): [number, number, number] {
  let lo = zero ? 0 : Infinity, hi = zero ? 0 : -Infinity;
  for (const x of series) for (const v of x.values) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!isFinite(lo)) { lo = 0; hi = 1; }
  if (hi === lo) hi = lo + 1;
  const st = niceStep(hi - lo, 4);
  return [Math.floor(lo / st) * st, Math.ceil(hi / st) * st, st];
}

export function chart(c: ChartSpec, widthPx: number): HTMLElement {
  const W = Math.max(280, Math.floor(widthPx)), H = 230;
  const right = c.series.some((q) => q.right);
  const L = 52, R = right ? 52 : 12, T = 24, B = 40;
  const n = Math.max(...c.series.map((q) => q.values.length));
  const pw = W - L - R, ph = H - T - B;
  const x = (k: number) => L + (k * pw) / n;
  const [lo, hi, st] = range(c.series.filter((q) => !q.right), true);
  const y = (v: number) => T + ((hi - v) * ph) / (hi - lo);
  const rs = c.series.filter((q) => q.right);
  const [rlo, rhi, rst] = range(rs, false);
  const ry = (v: number) => T + ((rhi - v) * ph) / (rhi - rlo);
  const svg = s("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": c.label, class: "chart" }, s("title", null, c.label));
  for (let v = lo; v <= hi + st / 2; v += st) {
    svg.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: v === 0 ? "zero" : "gl" }),
      s("text", { x: L - 4, y: y(v) + 4, "text-anchor": "end" }, Math.round(v * 100) / 100));
  }
  if (rs.length) for (let v = rlo; v <= rhi + rst / 2; v += rst) svg.append(s("text", { x: W - R + 4, y: ry(v) + 4, class: "s-price t" }, Math.round(v * 100) / 100));
  svg.append(s("text", { x: 4, y: 12, class: "u" }, c.leftUnit));
  if (c.rightUnit) svg.append(s("text", { x: W - 4, y: 12, "text-anchor": "end", class: "u s-price t" }, c.rightUnit));
  // ticks at whole local hours every tickH hours (by UTC hour: zones here are whole hours)
  const end = c.startS + n * c.stepS;
  let lastDay = "";
  const first = Math.ceil(c.startS / 3600) * 3600;
  for (let t = first; t <= end; t += 3600) {
    const lh = +hm(t).slice(0, 2);
    if (lh % c.tickH) continue;
    const px = x((t - c.startS) / c.stepS);
    const d = dayOf(t);
    svg.append(s("line", { x1: px, x2: px, y1: T + ph, y2: T + ph + 4, class: "zero" }),
      s("text", { x: px, y: H - 22, "text-anchor": "middle" }, c.tickH < 24 ? hm(t) : d.slice(5)));
    if (d !== lastDay && c.tickH < 24) svg.append(s("text", { x: px, y: H - 8, "text-anchor": "middle", class: "u" }, d.slice(5)));
    lastDay = d;
  }
  const bars = c.series.filter((q) => q.kind === "bars" && !q.right);
  const bw = pw / n;
  bars.forEach((sr, bi) => {
    const g = s("g", { class: sr.cls });
    sr.values.forEach((v, k) => {
      if (v === null || v === 0) return;
      const w = Math.max(1, bw / bars.length - 1);
      g.append(s("rect", { x: x(k) + bi * (bw / bars.length), y: Math.min(y(v), y(0)), width: w, height: Math.max(1, Math.abs(y(v) - y(0))) }));
    });
    svg.append(g);
  });
  for (const sr of c.series.filter((q) => q.kind === "line")) {
    const f = sr.right ? ry : y;
    let d = "", pen = false;
    sr.values.forEach((v, k) => {
      if (v === null) { pen = false; return; }
      d += (pen ? "L" : "M") + x(k).toFixed(1) + " " + f(v).toFixed(1) + "H" + x(k + 1).toFixed(1);
      pen = true;
    });
    svg.append(s("path", { d: d || "M0 0", class: "ln " + sr.cls }));
  }
  const legend = h("ul", { class: "legend" }, ...c.series.map((q) => h("li", null, h("span", { class: "sw " + q.cls + (q.kind === "line" ? " sl" : "") }), q.name + (q.right ? " (right axis)" : ""))));
  return h("figure", null, svg, legend);
}
