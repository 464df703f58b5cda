/**
 * The app shell: navigation, hash routes (#/, #/load/3, #/prices, #/bill, #/control,
 * #/login, #/setup), the session, and for every page a "data as of" line with its
 * stale and offline marks. A page is an async function that fetches its data and
 * returns its content; the shell shows it under the page's heading and refreshes the
 * reading pages every 30 s (forms are never redrawn under the user's hands).
 */
import { h, Kid } from "./dom";
import { get, post, session, ApiError } from "./api";
import { site, dateTime } from "./format";
import type { ApiSession, ApiState } from "./apiTypes";

export interface PageCtx {
  arg: string;
  sess: ApiSession;
  /** Latest /api/state (every page needs the site's zone and the load names). */
  state: () => Promise<ApiState>;
  go: (hash: string) => void;
  /** Re-renders the current page (after an action); resolves once it is redrawn, so a
   * confirmation said after it sits beside the data it confirms, and a form is not
   * replaced under the user's hands after they saw the message. */
  reload: () => Promise<void>;
  /** Message at the top of the page: ok or error. */
  say: (text: string, error?: boolean) => void;
  /** Sets the data time shown under the heading. */
  asOf: (tS: number) => void;
  /** Replaces the page's heading (and the document title). */
  heading: (text: string) => void;
}

export interface Page {
  title: string;
  /** 0 public, 1 reading (login unless public read), 2 control (login). */
  level: number;
  refresh?: boolean;
  render: (c: PageCtx) => Promise<Kid[]>;
}

const REFRESH_MS = 30000, STALE_S = 90;

export function start(pages: Record<string, Page>, root: HTMLElement): void {
  let sess: ApiSession = { loggedIn: false, user: null, csrf: null, firstRun: false, publicRead: false };
  let asOfS = 0, fetchedAt = 0, timer = 0, gen = 0, offline = false;
  const nav = h("nav", { "aria-label": "Main" });
  const msg = h("div", { role: "status", class: "msg", hidden: true });
  const status = h("p", { class: "asof" });
  const main = h("main", { id: "main" });
  root.append(h("header", null, h("b", { class: "brand" }, "meternet"), nav), h("div", { class: "wrap" }, msg, main, status));

  const state = async () => {
    const st = await get<ApiState>("/api/state");
    site.tz = st.tz;
    return st;
  };
  const say = (text: string, error?: boolean) => {
    msg.textContent = text;
    msg.className = "msg" + (error ? " err" : " ok");
    msg.hidden = !text;
  };
  const showStatus = (off: boolean) => {
    offline = off;
    const stale = asOfS > 0 && Date.now() / 1000 - fetchedAt > STALE_S;
    status.replaceChildren(asOfS ? "Data as of " + dateTime(asOfS) : "No data yet",
      offline ? h("span", { class: "tag off" }, "offline: the aggregator does not answer") : stale ? h("span", { class: "tag stale" }, "stale") : "");
  };
  const drawNav = (cur: string) => {
    const link = (href: string, text: string) => h("a", { href, "aria-current": cur === href ? "page" : null }, text);
    nav.replaceChildren(link("#/", "Dashboard"), link("#/prices", "Prices"), link("#/bill", "Billing"), link("#/control", "Control"), link("#/ota", "Updates"),
      sess.loggedIn ? h("button", { type: "button", class: "link", onclick: logout }, "Log out") : link("#/login", "Log in"));
  };
  async function logout() {
    try { await post("/api/logout", {}); } catch (e) { /* the session is gone either way */ }
    session.csrf = "";
    location.hash = "#/login";
  }

  async function route(keepMsg?: boolean) {
    const my = ++gen;
    clearTimeout(timer);
    const [, name = "", arg = ""] = /^#\/([a-z]*)\/?(.*)$/.exec(location.hash) || [];
    const page = pages[name] || pages[""];
    try {
      sess = await get<ApiSession>("/api/session");
      session.csrf = sess.csrf || "";
    } catch (e) { /* offline: keep the last session */ }
    if (sess.firstRun && name !== "setup") return go("#/setup");
    if (page.level && !sess.loggedIn && (page.level === 2 || !sess.publicRead)) return go("#/login");
    drawNav("#/" + name);
    if (!keepMsg) say("");
    document.title = page.title + " – meternet";
    try {
      let title = page.title;
      const ctx: PageCtx = { arg, sess, state, go, say, reload: () => route(true), asOf: (t) => { asOfS = t; fetchedAt = Date.now() / 1000; }, heading: (t) => { title = t; } };
      const kids = await page.render(ctx);
      if (my !== gen) return;
      document.title = title + " – meternet";
      main.replaceChildren(h("h1", null, title), ...kids.filter((k) => k !== null && k !== undefined && k !== false) as (Node | string)[]);
      showStatus(false);
    } catch (e) {
      if (my !== gen) return;
      const err = e as ApiError;
      if (err.status === 401) return go("#/login");
      if (!main.firstChild || main.dataset.page !== name) main.replaceChildren(h("h1", null, page.title));
      say(err.message, true);
      showStatus(err.status === 0);
    }
    main.dataset.page = name;
    if (page.refresh) timer = window.setTimeout(() => route(true), REFRESH_MS);
  }
  function go(hash: string) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }
  // a page left open goes stale without any request failing: look again every 10 s
  window.setInterval(() => showStatus(offline), 10000);
  window.addEventListener("hashchange", () => route());
  window.addEventListener("online", () => route(true));
  route();
}
