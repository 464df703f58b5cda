// needs-apt: python3
// The flash map and the switch table against the board files Espruino's make reads, and
// the plan's arithmetic: every internal slot fits Storage with 25 % free, every image
// budget fits its code area with the reservation, every bundle budget fits its slot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { boardMismatches, readBoard } from "./boardFiles.ts";
import {
  CHIP, IMAGES, IMAGE_NAMES, STORAGE_FREE_MIN, budgets, bundleSlotBytes, codeAreaBytes, imageBudgetBytes,
  slotsOf, storageAddress, storageBytes, storageUsedBytes,
} from "./flashMap.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));

for (const image of IMAGE_NAMES) {
  test(`${image}: the board file says what the flash map and the switch table say`, () => {
    assert.deepEqual(boardMismatches(image), []);
  });
  test(`${image}: Storage starts on a page boundary and the code area ends there`, () => {
    const f = readBoard(image);
    assert.equal((storageAddress(image) - CHIP.flashBase) % CHIP.pageBytes, 0);
    assert.equal(f.storageAddress, CHIP.flashBase + codeAreaBytes(image));
    assert.equal(codeAreaBytes(image) + storageBytes(image), CHIP.flashBytes);
  });
  test(`${image}: its firmware budget leaves the reservation and 8 KB of the code area`, () => {
    assert.ok(imageBudgetBytes(image) + IMAGES[image].reservedNativeBytes + 8192 <= codeAreaBytes(image),
      `${imageBudgetBytes(image)} + ${IMAGES[image].reservedNativeBytes} + 8192 > ${codeAreaBytes(image)}`);
  });
  test(`${image}: the role's internal slots leave ${STORAGE_FREE_MIN * 100} % of Storage free after compaction`, () => {
    const used = storageUsedBytes(IMAGES[image].role);
    assert.ok(used <= (1 - STORAGE_FREE_MIN) * storageBytes(image), `${used} of ${storageBytes(image)}`);
  });
}

test("the meter's bundle budget fits its Storage slot", () => {
  assert.ok(pkg.meternet.budgets.meter <= bundleSlotBytes("meter")!);
});

test("the aggregator's bundle budget is over its slot until the web-app issue lands (the one known exception)", () => {
  // When this fails because the budget came down: lower meternet.budgets.aggregator to the slot and delete this test.
  assert.ok(pkg.meternet.budgets.aggregator > bundleSlotBytes("aggregator")!);
  assert.equal(bundleSlotBytes("aggregator"), 32768);
});

test("every slot of every role is a non-negative byte count in package.json", () => {
  for (const role of ["meter", "aggregator"] as const) {
    const slots = slotsOf(role);
    assert.deepEqual(slots.map((s) => s.name), ["bundle", "config", "staged", "assets", "data", "history"]);
    for (const s of slots) assert.ok(Number.isInteger(s.bytes) && s.bytes >= 0, `${role}.${s.name}`);
  }
  assert.deepEqual(Object.keys(budgets().firmware).sort(), [...IMAGE_NAMES].sort());
});
