/**
 * The meter's two NOR script slots (boards/STM32F107/ota/otaNorStaging.h, read here from
 * the addon's constants) lie inside the "staged" area the flash map gives the meter
 * (tools/firmware/flashMap.ts norAreas), and each holds a whole bundle slot before its
 * meta record: the C and the map cannot drift apart unnoticed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { norAreas, NOR } from "../../tools/firmware/flashMap.ts";
import { otaAddon } from "./ota.ts";

test("the meter's two NOR script slots fit its staged area, sector-aligned, each with room for a whole bundle", () => {
  const staged = norAreas("meter").find((a) => a.name === "staged");
  assert.ok(staged, "the meter has a staged area on the NOR");
  const { slotBytes, slotMetaOffset, maxBytes } = otaAddon();
  assert.equal(staged.address, 0, "slot A at NOR address 0 (MN_NOR_SLOT_BASE)");
  assert.equal(slotBytes % NOR.sectorBytes, 0, "a slot is whole sectors: its erase never touches the other slot");
  assert.ok(2 * slotBytes <= staged.bytes, `two slots of ${slotBytes} B within the staged area's ${staged.bytes} B`);
  assert.ok(maxBytes <= slotMetaOffset && slotMetaOffset + 48 <= slotBytes, "script, then its meta record, inside the slot");
  // the meter's bundle budget (stored bytes, package.json meternet.budgets.meter): the script OTA replaces
  const bundleBudget = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).meternet.budgets.meter;
  assert.ok(bundleBudget <= maxBytes, `the meter's bundle budget (${bundleBudget} B) fits a script slot (${maxBytes} B)`);
});
