import { test } from "node:test";
import assert from "node:assert/strict";
import { signalRow } from "../can/secured.ts";
import { toHex } from "../can/hex.ts";
import { PUBLISHED, PUBLISHED_ROWS_HEX, publishedRows } from "./meterLink.ts";

test("the meter's published signal rows are those the message table gives (else paste the printed literal into meterLink.ts)", () => {
  const rows = new Uint8Array(PUBLISHED.map((n) => signalRow(n)));
  assert.ok(rows.every((r) => r < 255), "every published signal is in the table");
  assert.equal(PUBLISHED_ROWS_HEX, toHex(rows), "PUBLISHED_ROWS_HEX = " + JSON.stringify(toHex(rows)));
  assert.deepEqual(publishedRows(), rows);
});
