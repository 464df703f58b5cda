/**
 * Login for control: one user, password stored as a salted, iterated SHA-256
 * (hash = SHA256^n(salt + password), n >= 1, hex), sessions as tokens
 * "nonce.expiry.HMAC(key, nonce.expiry)" with a key made at boot (a reboot logs
 * everyone out), at most 4 live sessions (logout revokes), a CSRF token per session
 * (HMAC of the nonce).
 *
 * Lockout per client: each client (its address) gets maxFailures free tries, then a
 * delay that doubles with each further failure (1, 2, 4 ... s, at most lockS), so a
 * guesser is slowed while the owner, from another address, still logs in. CLIENTS
 * clients are tracked; a new one takes the entry whose delay ends first.
 *
 * Espruino's http does not tell the address, so on the device a client is known by a
 * device token instead (OWASP's "device cookie"): a login that succeeds gives the
 * browser a token it sends with later logins, and the failures of a browser that
 * shows an authentic token are counted apart from everyone else's. A guesser without
 * one shares the entry "" (or its address on the host) and slows only itself; the
 * owner's browser logs in. The token is keyed by the password hash, so a new
 * password revokes every token, and it opens nothing: it only picks the lockout entry.
 *
 * First run: with no password set (hashHex ""), nobody can log in and setPassword()
 * may be called once by anyone who reaches the device; after that only a session can.
 */
import { HashPort } from "./hashPort";
import { hmacSha256, hex, sameText } from "./hmac";
import { AuthState, AuthConfig, CLIENTS } from "./authState";

export { AuthState, CLIENTS } from "./authState";
export type { AuthConfig } from "./authState";

export function passwordHash(h: HashPort, salt: string, password: string, iterations: number): string {
  let d = h.sha256(salt + password);
  for (let i = 1; i < iterations; i++) d = h.sha256(d);
  return hex(d);
}

export const LOGIN_BAD = -1, LOGIN_LOCKED = -2;
export const MIN_PASSWORD = 8;

function slot(a: AuthState, client: string, nowS: number): number {
  let i = a.ck.indexOf(client);
  if (i >= 0) return i;
  if (a.ck.length < CLIENTS) { a.ck.push(client); return a.ck.length - 1; }
  i = 0;
  for (let k = 1; k < CLIENTS; k++) if (a.cu[k] < a.cu[i]) i = k;
  if (a.cu[i] > nowS) return i; // every entry waits: share the one ending first
  a.ck[i] = client; a.cf[i] = 0; a.cu[i] = 0;
  return i;
}

function deviceMac(a: AuthState, nonce: string): string {
  return hex(hmacSha256(a.h, a.cfg.hashHex, "device" + nonce)).slice(0, 32);
}

/** A new device token for a browser that has just logged in. */
export function deviceToken(a: AuthState): string {
  const n = hex(a.h.random(8));
  return n + "." + deviceMac(a, n);
}

/** The lockout key of a login: "d" + the token's nonce when the token is authentic, else the address ("" where unknown). */
export function clientKey(a: AuthState, device: string, address: string): string {
  const p = device.split(".");
  return p.length === 2 && p[0].length === 16 && !a.firstRun() && sameText(deviceMac(a, p[0]), p[1]) ? "d" + p[0] : address;
}

/** Seconds this client must wait before its next try (0: it may try now). */
export function waitS(a: AuthState, client: string, nowS: number): number {
  const i = a.ck.indexOf(client);
  return i < 0 ? 0 : Math.max(0, Math.ceil(a.cu[i] - nowS));
}

/** A session token, or LOGIN_BAD / LOGIN_LOCKED (then waitS() says how long). */
export function login(a: AuthState, user: string, password: string, nowS: number, client?: string): string | number {
  const c = client || "";
  if (waitS(a, c, nowS) > 0) return LOGIN_LOCKED;
  let salt = "";
  for (let i = 0; i < a.cfg.saltHex.length; i += 2) salt += String.fromCharCode(parseInt(a.cfg.saltHex.slice(i, i + 2), 16));
  const ok = !a.firstRun() && sameText(passwordHash(a.h, salt, password, a.cfg.iterations), a.cfg.hashHex) && user === a.cfg.user;
  const i = slot(a, c, nowS);
  if (!ok) {
    const f = ++a.cf[i];
    if (f >= a.cfg.maxFailures) a.cu[i] = nowS + Math.min(a.cfg.lockS, Math.pow(2, Math.min(f - a.cfg.maxFailures, 20)));
    return LOGIN_BAD;
  }
  a.cf[i] = 0;
  a.cu[i] = 0;
  const nonce = hex(a.h.random(8));
  a.nonces.push(nonce);
  if (a.nonces.length > 4) a.nonces.shift();
  const body = nonce + "." + Math.floor(nowS + a.cfg.sessionS);
  return body + "." + hex(hmacSha256(a.h, a.key, body));
}

/** Sets a new password (salt from the platform's random source); every session is logged out. */
export function setPassword(a: AuthState, user: string, password: string): AuthConfig {
  const salt = a.h.random(16);
  const c = a.cfg;
  if (c.iterations < 64) c.iterations = 64;
  c.user = user;
  c.saltHex = hex(salt);
  c.hashHex = passwordHash(a.h, salt, password, c.iterations);
  a.nonces = [];
  return c;
}

export function logout(a: AuthState, nonce: string): void {
  const i = a.nonces.indexOf(nonce);
  if (i >= 0) a.nonces.splice(i, 1);
}

/**
 * The login with its functions as methods, for host code (Node's server, the simulator,
 * tests). The device keeps an AuthState; its session route module calls the functions.
 */
export class Auth extends AuthState {
  deviceToken(): string { return deviceToken(this); }
  clientKey(device: string, address: string): string { return clientKey(this, device, address); }
  waitS(client: string, nowS: number): number { return waitS(this, client, nowS); }
  login(user: string, password: string, nowS: number, client?: string): string | number { return login(this, user, password, nowS, client); }
  setPassword(user: string, password: string): AuthConfig { return setPassword(this, user, password); }
  logout(nonce: string): void { logout(this, nonce); }
}
