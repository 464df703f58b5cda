// The administrator login the simulator (and `npm run password`) writes into agg.json:
// the aggregator's own Auth accepts exactly that password.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Auth, LOGIN_BAD } from "../../modules/http/auth.ts";
import { authConfig, oneTimePassword, ITERATIONS } from "./adminLogin.ts";
import { nodeHash } from "../web/nodeHash.ts";

test("the auth object logs in with its password only, and keeps no password", () => {
  const cfg = authConfig("admin", "correct horse");
  assert.equal(cfg.iterations, ITERATIONS);
  assert.doesNotMatch(JSON.stringify(cfg), /correct horse/);
  const auth = new Auth(nodeHash, cfg);
  assert.equal(typeof auth.login("admin", "correct horse", 1000), "string");
  assert.equal(auth.login("admin", "correct horsE", 1000), LOGIN_BAD);
  assert.equal(auth.login("root", "correct horse", 1000), LOGIN_BAD);
  // two objects for the same password differ (salt)
  assert.notEqual(authConfig("admin", "correct horse").hashHex, cfg.hashHex);
});

test("one-time passwords are 12 unambiguous characters and differ; short or non-ASCII passwords are refused", () => {
  const a = oneTimePassword(), b = oneTimePassword();
  assert.match(a, /^[a-km-zA-HJ-NP-Z2-9]{12}$/);
  assert.notEqual(a, b);
  assert.throws(() => authConfig("admin", "short"), /at least 8 characters/);
  assert.throws(() => authConfig("admin", "pässwort-lang"), /printable ASCII/);
});
