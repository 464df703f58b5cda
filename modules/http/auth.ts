/**
 * Login for control: one user, password stored as a salted, iterated SHA-256
 * (hash = SHA256^n(salt + password), n >= 1, hex), sessions as tokens
 * "nonce.expiry.HMAC(key, nonce.expiry)" with a key made at boot (a reboot logs
 * everyone out), at most 4 live sessions (logout revokes), a CSRF token per session
 * (HMAC of the nonce) and a lockout after repeated failures. The lockout is global:
 * Espruino does not tell the handler the client's address; it slows guessing to
 * maxFailures per lockS at the price of locking the owner out during an attack.
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

export class Auth {
  key: string;
  nonces: string[] = [];
  fails = 0;
  lockedUntilS = 0;

  constructor(public h: HashPort, public cfg: AuthConfig) {
    this.key = h.random(32);
  }

  /** A session token, or LOGIN_BAD / LOGIN_LOCKED. */
  login(user: string, password: string, nowS: number): string | number {
    if (nowS < this.lockedUntilS) return LOGIN_LOCKED;
    let salt = "";
    for (let i = 0; i < this.cfg.saltHex.length; i += 2) salt += String.fromCharCode(parseInt(this.cfg.saltHex.slice(i, i + 2), 16));
    const ok = sameText(passwordHash(this.h, salt, password, this.cfg.iterations), this.cfg.hashHex) && user === this.cfg.user;
    if (!ok) {
      if (++this.fails >= this.cfg.maxFailures) { this.fails = 0; this.lockedUntilS = nowS + this.cfg.lockS; }
      return LOGIN_BAD;
    }
    this.fails = 0;
    const nonce = hex(this.h.random(8));
    this.nonces.push(nonce);
    if (this.nonces.length > 4) this.nonces.shift();
    const body = nonce + "." + Math.floor(nowS + this.cfg.sessionS);
    return body + "." + hex(hmacSha256(this.h, this.key, body));
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
