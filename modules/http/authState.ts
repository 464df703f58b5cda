/**
 * What the aggregator keeps in RAM of the login (auth.ts says how it works): the
 * configuration, the boot key, the live sessions and the per-client lockout table, and
 * the two checks every request needs (session token, CSRF token). Logging in, the
 * device token and setting the password are functions in auth.ts that the session
 * route module (modules/aggregator/pages/session.ts) evaluates from Storage only while
 * such a request is answered: on Espruino every method of a class is a function object
 * in RAM (6 to 8 JsVars), used or not.
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

/** Clients the lockout tracks at once. */
export const CLIENTS = 8;

export class AuthState {
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

  /** The session's nonce when the token is authentic, unexpired and not logged out; else "". */
  check(token: string, nowS: number): string {
    const p = token.split(".");
    if (p.length !== 3 || !(+p[1] > nowS) || this.nonces.indexOf(p[0]) < 0) return "";
    return sameText(hex(hmacSha256(this.h, this.key, p[0] + "." + p[1])), p[2]) ? p[0] : "";
  }

  csrf(nonce: string): string {
    return hex(hmacSha256(this.h, this.key, "csrf" + nonce)).slice(0, 32);
  }
}
