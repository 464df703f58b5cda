import { test } from "node:test";
import assert from "node:assert/strict";
import { hmacSha256, hex, sameText } from "./hmac.ts";
import { Auth, passwordHash, LOGIN_BAD, LOGIN_LOCKED } from "./auth.ts";
import { nodeHash } from "../../host/web/nodeHash.ts";
import { createHash } from "node:crypto";

const bin = (h: string) => Buffer.from(h, "hex").toString("latin1");

test("HMAC-SHA256 matches RFC 4231 test cases 1, 2, 4 and 6", () => {
  assert.equal(hex(hmacSha256(nodeHash, bin("0b".repeat(20)), "Hi There")), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  assert.equal(hex(hmacSha256(nodeHash, "Jefe", "what do ya want for nothing?")), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  assert.equal(hex(hmacSha256(nodeHash, bin("0102030405060708090a0b0c0d0e0f10111213141516171819"), bin("cd".repeat(50)))), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  assert.equal(hex(hmacSha256(nodeHash, bin("aa".repeat(131)), "Test Using Larger Than Block-Size Key - Hash Key First")), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  assert.ok(sameText("abc", "abc") && !sameText("abc", "abd") && !sameText("abc", "ab") && !sameText("", "a"));
});

test("password hash is iterated salted SHA-256", () => {
  let d = createHash("sha256").update("saltpw").digest();
  for (let i = 1; i < 3; i++) d = createHash("sha256").update(d).digest();
  assert.equal(passwordHash(nodeHash, "salt", "pw", 3), d.toString("hex"));
});

test("sessions: HMAC-authenticated, expiring, revocable; a growing delay after 5 failures", () => {
  const salt = "0123456789abcdef";
  const a = new Auth(nodeHash, { user: "admin", saltHex: hex(salt), hashHex: passwordHash(nodeHash, salt, "pw", 8), iterations: 8, sessionS: 60, maxFailures: 5, lockS: 300 });
  assert.equal(a.login("admin", "nope", 1000), LOGIN_BAD);
  assert.equal(a.login("root", "pw", 1000), LOGIN_BAD);
  const t = a.login("admin", "pw", 1000) as string;
  assert.equal(typeof t, "string");
  const nonce = a.check(t, 1000);
  assert.ok(nonce.length === 16);
  assert.equal(a.check(t, 1060), "", "expired");
  const [n, e, mac] = t.split(".");
  assert.equal(a.check(n + "." + (+e + 999) + "." + mac, 1000), "", "expiry cannot be extended");
  assert.equal(a.check(n + "." + e + "." + mac.replace(/^./, (ch) => (ch === "0" ? "1" : "0")), 1000), "", "forged MAC");
  assert.equal(a.csrf(nonce).length, 32);
  assert.notEqual(a.csrf(nonce), a.csrf("ffffffffffffffff"));
  a.logout(nonce);
  assert.equal(a.check(t, 1000), "", "logged out");
  for (let i = 0; i < 4; i++) assert.equal(a.login("admin", "x", 2000), LOGIN_BAD);
  assert.equal(a.login("admin", "x", 2000), LOGIN_BAD);
  assert.equal(a.login("admin", "pw", 2000), LOGIN_LOCKED, "waits even with the right password");
  assert.equal(a.waitS("", 2000), 1);
  assert.equal(a.login("admin", "x", 2001), LOGIN_BAD);
  assert.equal(a.waitS("", 2001), 2, "doubles");
  assert.equal(typeof a.login("admin", "pw", 2003), "string", "the delay ends");
  assert.equal(a.waitS("", 2003), 0, "a success clears it");
});

test("lockout per client: one address waiting leaves the others alone; the table is bounded", () => {
  const salt = "0123456789abcdef";
  const a = new Auth(nodeHash, { user: "admin", saltHex: hex(salt), hashHex: passwordHash(nodeHash, salt, "pw", 2), iterations: 2, sessionS: 60, maxFailures: 3, lockS: 60 });
  for (let i = 0; i < 3; i++) a.login("admin", "x", 100, "10.0.0.9");
  assert.equal(a.login("admin", "pw", 100, "10.0.0.9"), LOGIN_LOCKED);
  assert.equal(typeof a.login("admin", "pw", 100, "10.0.0.1"), "string");
  for (let c = 0; c < 20; c++) a.login("admin", "x", 100, "192.168.0." + c);
  assert.ok(a.ck.length <= 8, "at most CLIENTS tracked");
});

test("device tokens: the owner's browser keeps its own failure count; forged tokens and a new password fall back to the address", () => {
  const salt = "0123456789abcdef";
  const a = new Auth(nodeHash, { user: "admin", saltHex: hex(salt), hashHex: passwordHash(nodeHash, salt, "pw", 2), iterations: 2, sessionS: 60, maxFailures: 3, lockS: 60 });
  const tok = a.deviceToken();
  assert.match(tok, /^[0-9a-f]{16}\.[0-9a-f]{32}$/);
  const owner = a.clientKey(tok, "");
  assert.equal(owner, "d" + tok.slice(0, 16));
  assert.equal(a.clientKey(tok.slice(0, 17) + "0".repeat(32), ""), "", "forged MAC");
  assert.equal(a.clientKey("garbage", "10.0.0.9"), "10.0.0.9", "no token: the address");
  for (let i = 0; i < 5; i++) a.login("admin", "x", 100, a.clientKey("", ""));
  assert.equal(a.login("admin", "pw", 100, ""), LOGIN_LOCKED, "the guesser waits");
  assert.equal(typeof a.login("admin", "pw", 100, owner), "string", "the owner does not");
  for (let i = 0; i < 3; i++) a.login("admin", "x", 100, owner);
  assert.equal(a.login("admin", "pw", 100, owner), LOGIN_LOCKED, "a token's own failures still count");
  a.setPassword("admin", "a new password");
  assert.equal(a.clientKey(tok, ""), "", "a new password revokes every token");
});

test("first run: no password, nobody logs in; setPassword makes a salted hash and logs everyone out", () => {
  const a = new Auth(nodeHash, { user: "", saltHex: "", hashHex: "", iterations: 1, sessionS: 60, maxFailures: 5, lockS: 300 });
  assert.equal(a.firstRun(), true);
  assert.equal(a.login("", "", 10), LOGIN_BAD);
  const c = a.setPassword("owner", "long enough");
  assert.equal(a.firstRun(), false);
  assert.equal(c.iterations, 64);
  assert.match(c.saltHex, /^[0-9a-f]{32}$/);
  const t = a.login("owner", "long enough", 10) as string;
  assert.equal(typeof t, "string");
  a.setPassword("owner", "another one");
  assert.equal(a.check(t, 10), "", "sessions end with the old password");
  assert.equal(a.login("owner", "long enough", 10), LOGIN_BAD);
});
