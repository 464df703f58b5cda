// needs-apt: python3-cryptography
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { nodeAes } from "../../host/ports/aes.ts";
import { fromHex, toHex } from "./hex.ts";
import { meterKey, kdfCounterCmac, METER_KEY_LABEL } from "./kdf.ts";

const MASTER = "000102030405060708090a0b0c0d0e0f";

// Known answers derived once with python3-cryptography 38 (Debian):
//   KBKDFCMAC(algorithms.AES, Mode.CounterMode, length=16, rlen=4, llen=4,
//             location=CounterLocation.BeforeFixed, label=b"meternet-meter-key",
//             context=bytes([address]), fixed=None).derive(bytes(range(16)))
test("meter keys: SP 800-108 counter-mode CMAC KDF known answers", () => {
  assert.equal(toHex(meterKey(nodeAes(), fromHex(MASTER), 0)), "b49e03b1f758dca8679a2bd5c2da366b");
  assert.equal(toHex(meterKey(nodeAes(), fromHex(MASTER), 5)), "70924f0c91d46b0ca4e8cbb7c9022e07");
  assert.equal(toHex(meterKey(nodeAes(), fromHex(MASTER), 63)), "903b0803fe0463f68a208e994f9d67ca");
});

test("KDF equals python3-cryptography KBKDFCMAC for every address of a random master key", () => {
  const master = Buffer.from(Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff));
  const py = [
    "import json,sys",
    "from cryptography.hazmat.primitives.kdf.kbkdf import KBKDFCMAC, Mode, CounterLocation",
    "from cryptography.hazmat.primitives.ciphers import algorithms",
    "mk=bytes.fromhex(sys.argv[1]); out=[]",
    "for a in range(64):",
    "  k=KBKDFCMAC(algorithm=algorithms.AES, mode=Mode.CounterMode, length=16, rlen=4, llen=4, location=CounterLocation.BeforeFixed, label=sys.argv[2].encode(), context=bytes([a]), fixed=None)",
    "  out.append(k.derive(mk).hex())",
    "print(json.dumps(out))",
  ].join("\n");
  const r = spawnSync("/usr/bin/python3", ["-c", py, master.toString("hex"), METER_KEY_LABEL], { encoding: "utf8" });
  assert.equal(r.status, 0, "python3-cryptography missing? apt-get install -y python3-cryptography\n" + r.stderr);
  const expected = JSON.parse(r.stdout) as string[];
  for (let a = 0; a < 64; a++) assert.equal(toHex(meterKey(nodeAes(), master, a)), expected[a], `address ${a}`);
});

test("different addresses and labels give different keys; bad address refused", () => {
  const m = fromHex(MASTER);
  assert.notEqual(toHex(meterKey(nodeAes(), m, 1)), toHex(meterKey(nodeAes(), m, 2)));
  assert.notEqual(toHex(kdfCounterCmac(nodeAes(), m, "other", new Uint8Array([1]))), toHex(meterKey(nodeAes(), m, 1)));
  assert.throws(() => meterKey(nodeAes(), m, 64), /meter address 64 is not an integer 0\.\.63/);
});
