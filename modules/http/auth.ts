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

export interface AuthConfig {
  user: string;
  saltHex: string;
  hashHex: string;
  iterations: number;
  sessionS: number;
  maxFailures: number;
  lockS: number;
}

export function passwordHash(h: HashPort, salt: string, password: string, iterations: number): string {
  let d = h.sha256(salt + password);
  for (let i = 1; i < iterations; i++) d = h.sha256(d);
  return hex(d);
}

export const LOGIN_BAD = -1, LOGIN_LOCKED = -2;
export const CLIENTS = 8;
export const MIN_PASSWORD = 8;

export class Auth {
  key: string;
  nonces: string[] = [];
  /** Per tracked client: its key, failures in a row, and when it may try again. */
  ck: string[] = [];
  cf = new Uint16Array(CLIENTS);
  cu = new Float64Array(CLIENTS);

  constructor(public h: HashPort, public cfg: AuthConfig) {
    this.key = h.random(32);
  }

  /** True while no password is set. */
  firstRun(): boolean { return !this.cfg.hashHex; }

  private slot(client: string, nowS: number): number {
    let i = this.ck.indexOf(client);
    if (i >= 0) return i;
    if (this.ck.length < CLIENTS) { this.ck.push(client); return this.ck.length - 1; }
    i = 0;
    for (let k = 1; k < CLIENTS; k++) if (this.cu[k] < this.cu[i]) i = k;
    if (this.cu[i] > nowS) return i; // every entry waits: share the one ending first
    this.ck[i] = client; this.cf[i] = 0; this.cu[i] = 0;
    return i;
  }

  private deviceMac(nonce: string): string {
    return hex(hmacSha256(this.h, this.cfg.hashHex, "device" + nonce)).slice(0, 32);
  }

  /** A new device token for a browser that has just logged in. */
  deviceToken(): string {
    const n = hex(this.h.random(8));
    return n + "." + this.deviceMac(n);
  }

  /** The lockout key of a login: "d" + the token's nonce when the token is authentic, else the address ("" where unknown). */
  clientKey(device: string, address: string): string {
    const p = device.split(".");
    return p.length === 2 && p[0].length === 16 && !this.firstRun() && sameText(this.deviceMac(p[0]), p[1]) ? "d" + p[0] : address;
  }

  /** Seconds this client must wait before its next try (0: it may try now). */
  waitS(client: string, nowS: number): number {
    const i = this.ck.indexOf(client);
    return i < 0 ? 0 : Math.max(0, Math.ceil(this.cu[i] - nowS));
  }

  /** A session token, or LOGIN_BAD / LOGIN_LOCKED (then waitS() says how long). */
  login(user: string, password: string, nowS: number, client?: string): string | number {
    const c = client || "";
    if (this.waitS(c, nowS) > 0) return LOGIN_LOCKED;
    let salt = "";
    for (let i = 0; i < this.cfg.saltHex.length; i += 2) salt += String.fromCharCode(parseInt(this.cfg.saltHex.slice(i, i + 2), 16));
    const ok = !this.firstRun() && sameText(passwordHash(this.h, salt, password, this.cfg.iterations), this.cfg.hashHex) && user === this.cfg.user;
    const i = this.slot(c, nowS);
    if (!ok) {
      const f = ++this.cf[i];
      if (f >= this.cfg.maxFailures) this.cu[i] = nowS + Math.min(this.cfg.lockS, Math.pow(2, Math.min(f - this.cfg.maxFailures, 20)));
      return LOGIN_BAD;
    }
    this.cf[i] = 0;
    this.cu[i] = 0;
    const nonce = hex(this.h.random(8));
    this.nonces.push(nonce);
    if (this.nonces.length > 4) this.nonces.shift();
    const body = nonce + "." + Math.floor(nowS + this.cfg.sessionS);
    return body + "." + hex(hmacSha256(this.h, this.key, body));
  }

  /** Sets a new password (salt from the platform's random source); every session is logged out. */
  setPassword(user: string, password: string): AuthConfig {
    const salt = this.h.random(16);
    const c = this.cfg;
    if (c.iterations < 64) c.iterations = 64;
    c.user = user;
    c.saltHex = hex(salt);
    c.hashHex = passwordHash(this.h, salt, password, c.iterations);
    this.nonces = [];
    return c;
  }

  /** The session's nonce when the token is authentic, unexpired and not logged out; else "". */
  check(token: string, nowS: number): string {
    const p = token.split(".");
    if (p.length !== 3 || !(+p[1] > nowS) || this.nonces.indexOf(p[0]) < 0) return "";
    return sameText(hex(hmacSha256(this.h, this.key, p[0] + "." + p[1])), p[2]) ? p[0] : "";
  }

  csrf(nonce: string): string {
    return hex(hmacSha256(this.h, this.key, "csrf" + nonce)).slice(0, 32);
  }

  logout(nonce: string): void {
    const i = this.nonces.indexOf(nonce);
    if (i >= 0) this.nonces.splice(i, 1);
  }
}
