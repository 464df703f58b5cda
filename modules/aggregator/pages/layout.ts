/**
 * Page frame shared by every page: inline CSS, navigation, a logout form carrying
 * the CSRF token. Pages stream: page() sends the head, then the body's chunks, then
 * the foot, so only one chunk exists at a time.
 */
import { Ctx, Reply } from "../../http/types";
import { WebApp } from "./webApp";

const CSS = "body{font:15px sans-serif;margin:0;background:#f3f5f7;color:#1c2530}" +
  "header{background:#17324d;padding:10px 20px;display:flex;gap:18px}header *{color:#dfe9f3!important;background:none!important;text-decoration:none}" +
  "main{padding:8px 20px}h2{font-size:16px;color:#17324d}table,.box,svg{background:#fff;box-shadow:0 1px 3px #0003}" +
  "table{border-collapse:collapse}td,th{padding:5px 12px;border-bottom:1px solid #e3e7eb;text-align:left}th{background:#e8eef4}" +
  ".n td,.n th{text-align:right}.n td:first-child,.n th:first-child{text-align:left}td:last-child{white-space:nowrap}input[type=number]{width:5em}.on{color:#1a7f5a}.off,.err{color:#c0392b}.m{color:#667}form{margin:0;display:inline}" +
  ".box{padding:10px;display:inline-block}button{background:#2d6a9f;color:#fff;border:0;border-radius:3px;padding:3px 9px;margin:1px;font:inherit}";

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Hidden CSRF field for a form of this session. */
export const csrfField = (c: Ctx) => '<input type="hidden" name="csrf" value="' + c.csrf + '">';

/** A one-button POST form. */
export function button(c: Ctx, action: string, fields: string, label: string): string {
  return "<form method=post action=" + action + ">" + csrfField(c) + fields + "<button>" + label + "</button></form>";
}
export const hidden = (k: string, v: string | number) => '<input type="hidden" name="' + k + '" value="' + v + '">';

export function page(c: Ctx, app: WebApp, title: string, refreshS: number, body: (i: number) => string | null): Reply {
  let ended = false;
  return {
    status: 200,
    chunks: (i) => {
      if (i === 0) {
        return "<!DOCTYPE html><html><head><meta charset=utf-8><title>" + esc(title) + "</title>" + (refreshS ? "<meta http-equiv=refresh content=" + refreshS + ">" : "") +
          "<style>" + CSS + "</style></head><body><header><b>meternet</b><a href=/>Dashboard</a><a href=/bill>Billing</a><a href=/control>Control</a><span style=flex:1></span>" +
          (c.session ? button(c, "/logout", "", "Log out") : "<a href=/login>Log in</a>") + "</header><main><h1>" + esc(title) + "</h1>";
      }
      if (ended) return null;
      const s = body(i - 1);
      if (s !== null) return s;
      ended = true;
      return "</main></body></html>";
    },
  };
}

/** "12 s", "5 min", "3 h", "2 d" since tS; "never" when unknown. */
export function age(nowS: number, tS: number): string {
  if (!(tS > 0)) return "never";
  const a = Math.max(0, Math.round(nowS - tS));
  return a < 120 ? a + " s" : a < 7200 ? Math.round(a / 60) + " min" : a < 172800 ? Math.round(a / 3600) + " h" : Math.round(a / 86400) + " d";
}

/** Table from a header list and a row producer: chunk 0 is the head, then one row per call. */
export function tableChunk(k: number, heads: string[], rows: number, row: (r: number) => string, cls?: string): string | null {
  if (k === 0) return "<table" + (cls ? " class=" + cls : "") + "><tr><th>" + heads.join("</th><th>") + "</th></tr>";
  if (k <= rows) return "<tr><td>" + row(k - 1).split("|").join("</td><td>") + "</td></tr>";
  return k === rows + 1 ? "</table>" : null;
}
