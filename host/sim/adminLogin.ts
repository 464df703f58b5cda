/**
 * The administrator login of the simulated aggregator: agg.json's "auth" object
 * (modules/http/auth.ts: salted, iterated SHA-256) for a password given with
 * `--password`, or a one-time password generated at each start and shown once on the
 * terminal. The password itself is never written anywhere; only its salted hash goes
 * into the aggregator's Storage. The same object is what a device's agg.json takes
 * (`meternet password` prints it, see host/sim/README.md).
 */
import { randomBytes } from "node:crypto";
import { nodeHash } from "../web/nodeHash.ts";
import type { HashPort } from "../../modules/http/hashPort.ts";
import { passwordHash, type AuthConfig } from "../../modules/http/auth.ts";
import { hex } from "../../modules/http/hmac.ts";

export const ADMIN_USER = "admin";
/**
 * Iterations of SHA-256: each login attempt costs the device this many hashes in a
 * JavaScript loop (a fraction of a second on the chip, not measured here), which slows
 * guessing on top of the lockout without blocking the web server for long.
 */
export const ITERATIONS = 256;

/** 12 characters from an alphabet without look-alikes (0/O, 1/l/I): about 68 bits. */
export function oneTimePassword(): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const b = randomBytes(12);
  let s = "";
  for (let i = 0; i < 12; i++) s += alphabet[b[i] % alphabet.length];
  return s;
}

/** agg.json "auth" for user/password; throws on a password too short to protect control. */
export function authConfig(user: string, password: string): AuthConfig {
  if (password.length < 8) throw new Error("the administrator password needs at least 8 characters");
  if (!/^[\x20-\x7e]+$/.test(password)) throw new Error("the administrator password takes printable ASCII only (the device hashes bytes)");
  const salt = nodeHash.random(16);
  return { user, saltHex: hex(salt), hashHex: passwordHash(nodeHash, salt, password, ITERATIONS), iterations: ITERATIONS, sessionS: 3600, maxFailures: 5, lockS: 300 };
}
