// The SPI NOR's areas (flashMap.ts norAreas) against the device code's addresses: the
// aggregator's history where historyOnNor.ts writes it, every area inside the part and
// on sector boundaries, none overlapping.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NOR, NOR_HISTORY_LAYOUT, norAreas, slotsOf } from "./flashMap.ts";

for (const role of ["meter", "aggregator"] as const) {
  test(`${role}: the NOR areas lie inside the ${NOR.part}, on sector boundaries, one after the other`, () => {
    const areas = norAreas(role);
    let end = 0;
    for (const a of areas) {
      assert.equal(a.address % NOR.sectorBytes, 0, a.name);
      assert.equal(a.bytes % NOR.sectorBytes, 0, a.name);
      assert.ok(a.address >= end, a.name + " overlaps the area before it");
      end = a.address + a.bytes;
    }
    assert.ok(end <= NOR.bytes, `${end} > ${NOR.bytes}`);
  });
}

test("aggregator: the history area is where historyOnNor.ts writes: the profile's 96 and the days' 32 sector pairs", () => {
  const h = norAreas("aggregator").find((a) => a.name === "history")!;
  assert.equal(h.address, NOR_HISTORY_LAYOUT.address);
  assert.equal(NOR_HISTORY_LAYOUT.profileBytes, 96 * 2 * NOR.sectorBytes);
  assert.equal(NOR_HISTORY_LAYOUT.daysBytes, 32 * 2 * NOR.sectorBytes);
  assert.equal(h.bytes, NOR_HISTORY_LAYOUT.profileBytes + NOR_HISTORY_LAYOUT.daysBytes);
  assert.equal(slotsOf("aggregator").find((s) => s.name === "history")!.place, "nor", "history is not in internal Storage");
  assert.deepEqual(norAreas("aggregator").map((a) => [a.name, a.address, a.bytes]), [
    ["staged", 0, 65536], ["assets", 65536, 131072], ["history", 196608, 1048576],
  ]);
});
