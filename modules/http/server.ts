/**
 * The request handler, one code for Espruino's http and Node's (through
 * host/web/nodeAdapter.ts): checks the request against limits, reads a bounded body,
 * authenticates, dispatches to a route and streams the reply chunk by chunk, waiting
 * for "drain" between chunks so a page never sits whole in RAM. Every bad request gets
 * its 4xx with a one-line reason, is counted, and the server keeps serving.
 */
import { HttpReq, HttpRes, Reply, Routes, Ctx, HttpFail } from "./types";
import { header, parseForm, cookie, cleanPath } from "./request";
import { Auth } from "./auth";
import { sameText } from "./hmac";

export interface ServerOptions {
  routes: Routes;
  auth: Auth;
  /** Reading pages and GET API without login. */
  publicRead: boolean;
  /** Bearer token for machine clients of the API ("" = none). */
  apiToken: string;
  nowS: () => number;
}

export interface ServerStats { requests: number; client: number; server: number; }

const LIMIT_URL = 512, LIMIT_HEADERS = 2048, LIMIT_HEADER_COUNT = 32, LIMIT_BODY = 2048;
const SECURITY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/** Writes a reply: whole, or chunk by chunk on "drain". */
export function send(res: HttpRes, r: Reply): void {
  const h: { [k: string]: string } = { "Content-Type": r.type || "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": SECURITY };
  if (r.headers) Object.assign(h, r.headers);
  if (!r.chunks) {
    const b = r.body || "";
    h["Content-Length"] = "" + b.length;
    res.writeHead(r.status, h);
    res.end(b);
    return;
  }
  const chunks = r.chunks;
  let i = 0;
  let gone = false;
  const next = () => {
    while (!gone) {
      const c = chunks(i++);
      if (c === null) { gone = true; res.end(); return; }
      if (c && res.write(c) !== true) return;
    }
  };
  res.on("drain", next);
  res.on("close", () => { gone = true; });
  res.writeHead(r.status, h);
  next();
}

export function text(status: number, msg: string): Reply {
  return { status: status, type: "text/plain; charset=utf-8", body: status + " " + msg + "\n" };
}

export function redirect(to: string, headers?: { [k: string]: string }): Reply {
  const h: { [k: string]: string } = { Location: to };
  if (headers) Object.assign(h, headers);
  return { status: 303, headers: h, body: "" };
}

export function createHandler(o: ServerOptions) {
  const stats: ServerStats = { requests: 0, client: 0, server: 0 };

  function find(methodAndPath: string) {
    const t = o.routes;
    return typeof t === "function" ? t(methodAndPath) : t[methodAndPath];
  }

  function reply(res: HttpRes, r: Reply) {
    if (r.status >= 500) stats.server++;
    else if (r.status >= 400) stats.client++;
    send(res, r);
  }

  function run(req: HttpReq, res: HttpRes, path: string, query: string, body: string, nowS: number) {
    const route = find(req.method + " " + path)!;
    const c: Ctx = { method: req.method, path: path, query: parseForm(query), form: {}, body: body, headers: req.headers, nowS: nowS, session: "", csrf: "" };
    const auth = header(req.headers, "authorization");
    if (o.apiToken && auth.indexOf("Bearer ") === 0 && sameText(auth.slice(7), o.apiToken)) c.session = "api";
    else {
      c.session = o.auth.check(cookie(req.headers, "sid"), nowS);
      if (c.session) c.csrf = o.auth.csrf(c.session);
    }
    if (header(req.headers, "content-type").indexOf("application/x-www-form-urlencoded") === 0) c.form = parseForm(body);
    const need = route.level === 1 && o.publicRead ? 0 : route.level;
    if (need && !c.session) {
      return reply(res, path.indexOf("/api/") === 0 ? text(401, "log in first") : redirect("/login"));
    }
    if (req.method === "POST" && route.level === 2 && c.session !== "api") {
      const t = c.form.csrf || header(req.headers, "x-csrf-token");
      if (!t || !sameText(t, c.csrf)) return reply(res, text(403, "missing or wrong CSRF token"));
    }
    reply(res, route.h(c));
  }

  function fault(res: HttpRes, e: unknown) {
    const f = e as HttpFail;
    if (f && typeof f.status === "number" && typeof f.msg === "string") reply(res, text(f.status, f.msg));
    else reply(res, text(500, "internal error: " + e));
  }

  function handle(req: HttpReq, res: HttpRes): void {
    stats.requests++;
    try {
      const url = typeof req.url === "string" ? req.url : "";
      if (req.method !== "GET" && req.method !== "POST") return reply(res, text(405, "only GET and POST"));
      if (url.length > LIMIT_URL) return reply(res, text(414, "URL longer than " + LIMIT_URL));
      if (url[0] !== "/") return reply(res, text(400, "request target must start with /"));
      let hb = 0, hn = 0;
      for (const k in req.headers) { hn++; hb += k.length + ("" + req.headers[k]).length + 4; }
      if (hb > LIMIT_HEADERS || hn > LIMIT_HEADER_COUNT) return reply(res, text(431, "headers over " + LIMIT_HEADERS + " bytes or " + LIMIT_HEADER_COUNT + " fields"));
      const q = url.indexOf("?");
      const path = cleanPath(q < 0 ? url : url.slice(0, q));
      const query = q < 0 ? "" : url.slice(q + 1);
      const route = find(req.method + " " + path);
      if (!route) {
        const other = find((req.method === "GET" ? "POST " : "GET ") + path);
        return reply(res, other ? text(405, "use " + (req.method === "GET" ? "POST" : "GET")) : text(404, "no page " + path));
      }
      const nowS = o.nowS();
      if (req.method === "GET") return run(req, res, path, query, "", nowS);
      const cl = header(req.headers, "content-length");
      if (cl === "") return reply(res, text(411, "Content-Length required"));
      const len = +cl;
      const max = route.maxBody || LIMIT_BODY;
      if (!(len >= 0) || Math.floor(len) !== len) return reply(res, text(400, "bad Content-Length"));
      if (len > max) return reply(res, text(413, "body over " + max + " bytes"));
      let body = "";
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        try { run(req, res, path, query, body, nowS); } catch (e) { fault(res, e); }
      };
      req.on("data", (d) => {
        if (done) return;
        body += d;
        if (body.length > len) { done = true; reply(res, text(413, "body longer than Content-Length")); }
        else if (body.length === len) finish();
      });
      req.on("close", () => { if (!done && body.length === len) finish(); });
      if (len === 0) finish();
    } catch (e) { fault(res, e); }
  }

  return { handle: handle, stats: stats };
}
