// needs-apt: python3-cryptography
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { nodeAes, nodeAesBlockOnly } from "../../host/ports/aes.ts";
import { Cmac } from "./cmac.ts";
import { fromHex, toHex } from "./hex.ts";
import { KatSuite } from "../selftest/katSuite.ts";
import { installEspruinoCryptoShim } from "../../host/ports/espruinoCryptoShim.ts";
import { registerKats } from "./cmacEspruinoAes.check.ts";

const KEY = "2b7e151628aed2a6abf7158809cf4f3c";
const M64 =
  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51" +
  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

// RFC 4493 section 4: subkeys and the four examples (0, 16, 40, 64 bytes), through both
// code paths: the one-call CBC shortcut (nodeAes) and plain JavaScript (block-only port).
for (const [path, aes] of [["CBC shortcut", nodeAes], ["JavaScript", nodeAesBlockOnly]] as const) {
  test(`RFC 4493 subkeys (${path})`, () => {
    const c = new Cmac(aes(), fromHex(KEY));
    assert.equal(toHex(c.k1), "fbeed618357133667c85e08f7236a8de");
    assert.equal(toHex(c.k2), "f7ddac306ae266ccf90bc11ee46d513b");
  });
  for (const [len, tag] of [
    [0, "bb1d6929e95937287fa37d129b756746"],
    [16, "070a16b46b4d4144f79bdd9dd04a287c"],
    [40, "dfa66747de9ae63030ca32611497c827"],
    [64, "51f0bebf7e3b9d92fc49741779363cfe"],
  ] as const) {
    test(`RFC 4493 example, ${len}-byte message (${path})`, () => {
      const c = new Cmac(aes(), fromHex(KEY));
      assert.equal(toHex(c.mac(fromHex(M64.substring(0, 2 * len)))), tag);
    });
  }
}

test("verify accepts the truncated tag and rejects one flipped bit", () => {
  const c = new Cmac(nodeAes(), fromHex(KEY));
  const m = fromHex(M64.substring(0, 32));
  const t = c.mac(m).slice(0, 3);
  assert.equal(c.verify(m, t, 3), true);
  t[2] ^= 1;
  assert.equal(c.verify(m, t, 3), false);
  assert.equal(c.verify(m, t.slice(0, 2), 3), false, "a short tag is never enough");
});

test("CMAC equals python3-cryptography's CMAC on random inputs (no node:crypto in the reference)", () => {
  const cases: { key: string; msg: string }[] = [];
  for (let len = 0; len <= 48; len += 1) cases.push({ key: randomBytes(16).toString("hex"), msg: randomBytes(len).toString("hex") });
  const py = [
    "import json,sys",
    "from cryptography.hazmat.primitives import cmac",
    "from cryptography.hazmat.primitives.ciphers import algorithms",
    "out=[]",
    "for c in json.load(sys.stdin):",
    "  m=cmac.CMAC(algorithms.AES(bytes.fromhex(c['key']))); m.update(bytes.fromhex(c['msg'])); out.append(m.finalize().hex())",
    "print(json.dumps(out))",
  ].join("\n");
  const r = spawnSync("/usr/bin/python3", ["-c", py], { input: JSON.stringify(cases), encoding: "utf8" });
  assert.equal(r.status, 0, "python3-cryptography missing? apt-get install -y python3-cryptography\n" + r.stderr);
  const expected = JSON.parse(r.stdout) as string[];
  cases.forEach((c, i) => {
    assert.equal(toHex(new Cmac(nodeAes(), fromHex(c.key)).mac(fromHex(c.msg))), expected[i], `len ${c.msg.length / 2}`);
    assert.equal(toHex(new Cmac(nodeAesBlockOnly(), fromHex(c.key)).mac(fromHex(c.msg))), expected[i], `len ${c.msg.length / 2} (JavaScript path)`);
  });
});

test("CMAC equals a CBC-MAC built from node:crypto AES-CBC (second independent route)", () => {
  for (let len = 1; len <= 40; len += 3) {
    const key = randomBytes(16);
    const msg = randomBytes(len);
    const c = new Cmac(nodeAes(), key);
    const n = Math.ceil(len / 16);
    const padded = Buffer.alloc(n * 16);
    msg.copy(padded);
    if (len % 16 !== 0) padded[len] = 0x80;
    const sub = len % 16 === 0 ? c.k1 : c.k2;
    for (let i = 0; i < 16; i++) padded[(n - 1) * 16 + i] ^= sub[i];
    const cbc = createCipheriv("aes-128-cbc", key, Buffer.alloc(16));
    cbc.setAutoPadding(false);
    const out = Buffer.concat([cbc.update(padded), cbc.final()]);
    assert.equal(toHex(c.mac(msg)), out.subarray(out.length - 16).toString("hex"));
  }
});

test("the selftest known answers pass through the Espruino AES port", () => {
  installEspruinoCryptoShim();
  const lines: string[] = [];
  const suite = new KatSuite((l) => lines.push(l));
  registerKats(suite);
  assert.equal(suite.finish(), true, lines.join("\n"));
  assert.equal(suite.passed, 3);
});

test("a key of the wrong size is refused with a message", () => {
  assert.throws(() => new Cmac(nodeAes(), new Uint8Array(15)), /16 bytes/);
});
