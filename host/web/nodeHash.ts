/** The hash port on node:crypto (byte strings in and out, as on Espruino). */
import { createHash, randomBytes } from "node:crypto";
import type { HashPort } from "../../modules/http/hashPort.ts";

export const nodeHash: HashPort = {
  sha256: (s) => createHash("sha256").update(Buffer.from(s, "latin1")).digest().toString("latin1"),
  random: (n) => randomBytes(n).toString("latin1"),
};
