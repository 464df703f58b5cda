import { HashPort } from "../../http/hashPort";

/**
 * The hash port on Espruino: require("crypto").SHA256 (the aggregator image keeps
 * SHA256 only, issue 16), bytes returned as a byte string. random() chains Math.random
 * (seeded from hardware noise at boot) and the clock through SHA-256, so successive
 * tokens are unrelated.
 */
export function espruinoHash(): HashPort {
  const crypto = require("crypto");
  let entropy = "" + getTime() + Math.random();
  const hash: HashPort = {
    sha256: function (s: string): string {
      const u = new Uint8Array(crypto.SHA256(s));
      let r = "";
      for (let i = 0; i < u.length; i++) r += String.fromCharCode(u[i]);
      return r;
    },
    random: function (n: number): string {
      let r = "";
      while (r.length < n) {
        entropy = hash.sha256(entropy + getTime() + Math.random());
        r += entropy;
      }
      return r.slice(0, n);
    },
  };
  return hash;
}
