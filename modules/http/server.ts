/**
 * The request handler, one code for Espruino's http and Node's (through
 * host/web/nodeAdapter.ts): checks the request against limits, reads a bounded body,
 * authenticates, dispatches to a route and streams the reply chunk by chunk, waiting
 * for "drain" between chunks so a reply never sits whole in RAM. Every bad request gets
 * its 4xx as JSON {"error": reason, "field": name?}, is counted, and the server keeps
 * serving. HEAD is answered for every GET route (headers only); a method a path does not
 * take gets 405 with the Allow header listing those it does.
 */
import { HttpReq, HttpRes, Reply, Routes, Ctx, HttpFail, Route } from "./types";
import { header, parseForm, cookie, cleanPath, isDigits } from "./request";
import { AuthState } from "./authState";
import { sameText } from "./hmac";

export interface ServerOptions {
  routes: Routes;
  auth: AuthState;
  /** Reading data (level 1 routes) without login: off unless the configuration says so. */
  publicRead: boolean;
  /** Bearer token for machine clients of the API ("" = none). */
  apiToken: string;
  nowS: () => number;
  /**
   * Streamed replies in flight at once (0: no limit). Each costs RAM until it ends
   * (its connection, its chunk, its closure); on the real interpreter at 3600 JsVars
   * five at once ran the aggregator out of memory. A browser loading the app needs two
   * at a time (script and style, then session and state); more get 503 + Retry-After.
   */
  maxStreams?: number;
  /**
   * Called as each request arrives: on Espruino it schedules a garbage collection
   * (app/aggregator/main.ts). A request leaves closures behind (its reply's, the route
   * module's: reference cycles that only the collector frees), and Espruino collects by
   * itself only when almost no JsVar is left (measured: 98.7 % in use and the LOW_MEMORY
   * flag under a browser's load). Collecting between requests keeps the garbage to about
   * one request's worth.
   */
  collect?: () => void;
  /**
   * Start a streamed reply's body on the "drain" that follows its headers, not within the
   * request's call: Espruino's http emits "drain" once the header text has gone out, so the
   * first chunk is made after the request's calls have returned (their scopes, the Ctx
   * while unreferenced, the header text are then free) instead of at the deepest point of
   * the request. Node's response emits no "drain" after writeHead: leave it unset there.
   */
  bodyOnDrain?: boolean;
}

export interface ServerStats { requests: number; client: number; server: number; }

const LIMIT_URL = 512, LIMIT_HEADERS = 2048, LIMIT_HEADER_COUNT = 32, LIMIT_BODY = 2048;

export const JSON_TYPE = "application/json";

/**
 * A reply's headers: the type, no caching unless the reply says, the security headers, then
 * the reply's own. The app's page (text/html) gets the whole policy: its script and style
 * are files of this origin, nothing inline runs. Every other reply (JSON, CSV, the script
 * and style files) is never rendered as a document, so it gets the short deny-all policy and
 * no Referrer-Policy: on Espruino each header costs JsVars twice while a reply starts (in
 * the headers object and in the header text the http module builds), about 30 for the long
 * policy. The policies are literals here, not module constants: a constant string stays in
 * RAM for good (the long one is about 20 JsVars), a literal in code only while a reply uses it.
 */
function headersOf(r: Reply): { [k: string]: string } {
  const type = r.type || JSON_TYPE;
  const page = type.indexOf("text/html") === 0;
  const h: { [k: string]: string } = {
    "Content-Type": type, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": page
      ? "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
      : "default-src 'none'; frame-ancestors 'none'",
  };
  if (page) h["Referrer-Policy"] = "same-origin";
  if (r.headers) Object.assign(h, r.headers);
  if (!r.chunks) h["Content-Length"] = "" + (r.body || "").length;
  return h;
}

/**
 * A reply's body chunk by chunk, each on the "drain" of the one before. The chunk function
 * is let go when the reply ends: its closures hold what the route made for it (on the
 * aggregator the whole route module), and the connection's listeners that hold this scope
 * live until Espruino closes the socket, when the next request may already be running.
 */
function stream(res: HttpRes, chunks: ((i: number) => string | null) | null, live?: { n: number }, onDrain?: boolean): void {
  let i = 0;
  if (live) live.n++;
  const end = () => { if (chunks) { chunks = null; if (live) live.n--; } };
  const next = () => {
    while (chunks) {
      let c: string | null = null;
      try { c = chunks(i++); } catch (e) { /* headers are out: end the reply short */ }
      if (c === null) { end(); res.end(); return; }
      if (c && res.write(c) !== true) return;
    }
  };
  res.on("drain", next);
  res.on("close", end);
  if (!onDrain) next();
}

/**
 * Writes a reply: whole, or chunk by chunk on "drain"; headers only for HEAD. The headers
 * object is built inside writeHead's call (headersOf), not kept in a scope the drain
 * closures keep for the whole reply (stream).
 */
export function send(res: HttpRes, r: Reply, head?: boolean, live?: { n: number }, onDrain?: boolean): void {
  res.writeHead(r.status, headersOf(r));
  if (!r.chunks || head) res.end(head ? undefined : r.body || "");
  else stream(res, r.chunks, live, onDrain);
}

/** An error answer: {"error": msg} plus the field at fault when there is one. */
export function problem(status: number, msg: string, field?: string, headers?: { [k: string]: string }): Reply {
  return { status: status, headers: headers, body: JSON.stringify({ error: msg, field: field }) };
}

export function json(o: unknown, headers?: { [k: string]: string }): Reply {
  return { status: 200, headers: headers, body: JSON.stringify(o) };
}

const METHODS = ["GET", "HEAD", "POST"];

export function createHandler(o: ServerOptions) {
  const stats: ServerStats = { requests: 0, client: 0, server: 0 };
  const live = { n: 0 };

  function find(method: string, path: string): Route | undefined {
    const k = (method === "HEAD" ? "GET" : method) + " " + path;
    const t = o.routes;
    return typeof t === "function" ? t(k) : t[k];
  }

  function reply(res: HttpRes, r: Reply, head?: boolean) {
    if (r.status >= 500) stats.server++;
    else if (r.status >= 400) stats.client++;
    send(res, r, head, live, o.bodyOnDrain);
  }

  function run(req: HttpReq, res: HttpRes, route: Route, path: string, query: string, body: string, nowS: number) {
    const head = req.method === "HEAD";
    const c: Ctx = { method: req.method, path: path, query: parseForm(query), body: body, headers: req.headers, nowS: nowS, session: "", csrf: "", client: req.remote || "" };
    const auth = header(req.headers, "authorization");
    if (o.apiToken && auth.indexOf("Bearer ") === 0 && sameText(auth.slice(7), o.apiToken)) c.session = "api";
    else {
      c.session = o.auth.check(cookie(req.headers, "sid"), nowS);
      if (c.session) c.csrf = o.auth.csrf(c.session);
    }
    const need = route.level === 1 && o.publicRead ? 0 : route.level;
    if (need && !c.session) return reply(res, problem(401, "log in first"), head);
    if (req.method === "POST" && route.level === 2 && c.session !== "api") {
      const t = header(req.headers, "x-csrf-token");
      if (!t || !sameText(t, c.csrf)) return reply(res, problem(403, "missing or wrong CSRF token"));
    }
    reply(res, route.h(c), head);
  }

  function fault(res: HttpRes, e: unknown, head?: boolean) {
    const f = e as HttpFail;
    if (f && typeof f.status === "number" && typeof f.msg === "string") reply(res, problem(f.status, f.msg, f.field), head);
    else reply(res, problem(500, "internal error: " + e), head);
  }

  function handle(req: HttpReq, res: HttpRes): void {
    if (o.collect) o.collect();
    stats.requests++;
    const head = req.method === "HEAD";
    try {
      const url = typeof req.url === "string" ? req.url : "";
      if (url.length > LIMIT_URL) return reply(res, problem(414, "URL longer than " + LIMIT_URL), head);
      if (url[0] !== "/") return reply(res, problem(400, "request target must start with /"), head);
      let hb = 0, hn = 0;
      for (const k in req.headers) { hn++; hb += k.length + ("" + req.headers[k]).length + 4; }
      if (hb > LIMIT_HEADERS || hn > LIMIT_HEADER_COUNT) return reply(res, problem(431, "headers over " + LIMIT_HEADERS + " bytes or " + LIMIT_HEADER_COUNT + " fields"), head);
      const q = url.indexOf("?");
      const path = cleanPath(q < 0 ? url : url.slice(0, q));
      const query = q < 0 ? "" : url.slice(q + 1);
      const route = METHODS.indexOf(req.method) >= 0 ? find(req.method, path) : undefined;
      if (!route) {
        let allow = "";
        for (let i = 0; i < METHODS.length; i++) if (find(METHODS[i], path)) allow += (allow ? ", " : "") + METHODS[i];
        return reply(res, allow ? problem(405, "use " + allow, undefined, { Allow: allow }) : problem(404, "nothing at " + path), head);
      }
      if (o.maxStreams && live.n >= o.maxStreams) return reply(res, problem(503, "busy: try again in a second", undefined, { "Retry-After": "1" }), head);
      const nowS = o.nowS();
      if (req.method !== "POST") return run(req, res, route, path, query, "", nowS);
      const cl = header(req.headers, "content-length");
      if (cl === "") return reply(res, problem(411, "Content-Length required"));
      const len = +cl;
      const max = route.maxBody || LIMIT_BODY;
      if (!isDigits(cl)) return reply(res, problem(400, "bad Content-Length"));
      if (len > max) return reply(res, problem(413, "body over " + max + " bytes"));
      let body = "";
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        try { run(req, res, route, path, query, body, nowS); } catch (e) { fault(res, e); }
      };
      req.on("data", (d) => {
        if (done) return;
        body += d;
        if (body.length > len) { done = true; reply(res, problem(413, "body longer than Content-Length")); }
        else if (body.length === len) finish();
      });
      req.on("close", () => { if (!done && body.length === len) finish(); });
      if (len === 0) finish();
    } catch (e) { fault(res, e, head); }
  }

  return { handle: handle, stats: stats };
}
