/**
 * Session API: who is logged in (and the CSRF token the app sends back in
 * X-CSRF-Token), login with the per-client lockout, logout, and the password: set by
 * anyone while none is set (first run), changed by a session afterwards.
 */
import { Ctx, Reply, fail } from "../../http/types";
import { jsonBody } from "../../http/request";
import { json, problem } from "../../http/server";
import { LOGIN_LOCKED, MIN_PASSWORD, clientKey, login as logIn, waitS, deviceToken, logout as logOut, setPassword as newPassword } from "../../http/auth";
import { WebApp } from "./webApp";

const COOKIE = "sid=";
const cookieOf = (v: string, maxAgeS: number) => ({ "Set-Cookie": COOKIE + v + "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + maxAgeS });

function text(f: { [k: string]: unknown }, k: string): string {
  const v = f[k];
  if (typeof v !== "string") fail(422, k + " must be text", k);
  return v as string;
}

/**
 * {user, password, device?}: 200 with the session cookie, the CSRF token and the
 * browser's device token (auth.ts: its failures are counted apart), 401, or 429 with Retry-After.
 */
export function login(app: WebApp, c: Ctx): Reply {
  const f = jsonBody(c.headers, c.body);
  const device = typeof f.device === "string" ? f.device : "";
  const who = clientKey(app.auth, device, c.client);
  const t = logIn(app.auth, text(f, "user"), text(f, "password"), c.nowS, who);
  if (t === LOGIN_LOCKED) {
    const w = waitS(app.auth, who, c.nowS);
    return problem(429, "too many failures: try again in " + w + " s", undefined, { "Retry-After": "" + w });
  }
  if (typeof t === "number") {
    const w = waitS(app.auth, who, c.nowS);
    return problem(401, app.auth.firstRun() ? "no password is set yet: set one first" : "wrong user or password" + (w ? "; next try in " + w + " s" : ""), "password");
  }
  const nonce = app.auth.check(t, c.nowS);
  return json({ ok: true, csrf: app.auth.csrf(nonce), device: who[0] === "d" ? device : deviceToken(app.auth) }, cookieOf(t, app.auth.cfg.sessionS));
}

export function logout(app: WebApp, c: Ctx): Reply {
  if (c.session !== "api") logOut(app.auth, c.session);
  return json({ ok: true }, cookieOf("", 0));
}

/** {user?, password}: public on first run (no password yet), else a session's (routes.ts); logs everyone out. */
export function setPassword(app: WebApp, c: Ctx): Reply {
  const first = app.auth.firstRun();
  const f = jsonBody(c.headers, c.body);
  const pw = text(f, "password");
  const user = f.user === undefined ? app.auth.cfg.user || "admin" : text(f, "user");
  if (pw.length < MIN_PASSWORD) fail(422, "password needs at least " + MIN_PASSWORD + " characters", "password");
  if (!user || user.length > 32) fail(422, "user must be 1..32 characters", "user");
  if (!app.saveAuth(newPassword(app.auth, user, pw))) fail(507, "the password could not be stored (Storage full): it holds until restart");
  return json({ ok: true, firstRun: first });
}

/**
 * The session routes' Storage module (route.ses, built from app/aggregator/routes/session.ts):
 * login, logout and the password code are in RAM only while one of them is answered.
 */
export function sessionModule(app: WebApp, c: Ctx, k: string): Reply {
  return k === "POST /api/login" ? login(app, c) : k === "POST /api/logout" ? logout(app, c) : setPassword(app, c);
}
