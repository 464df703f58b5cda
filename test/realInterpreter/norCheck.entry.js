// Runs on the real interpreter after prelude.js (norCheck.ts): the device NOR driver, the
// NOR slots and the aggregator's two history archives through the prelude's W25Q stand-in
// on SPI1 (Storage-backed, AND on write).
import { boardNor, boardNorFitted } from "../../modules/ports/device/boardNor";
import { norSlots } from "../../modules/persist/norSlots";
import { norHistory } from "../../modules/aggregator/historyOnNor";
const nor = boardNorFitted() ? boardNor() : undefined;
if (!nor) { print("NO NOR"); } else {
  const s = norSlots(nor, 0x30000, 4, 1536, E.CRC32);
  const p = new Uint8Array(1536);
  for (let i = 0; i < p.length; i++) p[i] = (i * 7) & 255;
  const ok1 = s.write(1, 20001, p);
  p[5] = 1;
  const ok2 = s.write(1, 20033, p);
  const back = s.read(1);
  let same = !!back;
  if (back) for (let i = 0; i < p.length; i++) if (back[i] !== p[i]) same = false;
  print("NORTEST slots", ok1, ok2, s.lastKey, same, s.find(1, 20001), s.find(1, 20033), s.find(2, -1));
  // the archives as the Aggregator uses them, 64 meters
  let fails = 0;
  const h = norHistory(nor, E.CRC32)(64, function () { fails++; });
  const w = new Int16Array(64);
  for (let m = 0; m < 64; m++) w[m] = m * 100 - 3000;
  h.profile.put(2000123, w);
  const e = new Int32Array(128), mc = new Float64Array(128);
  for (let i = 0; i < 128; i++) { e[i] = i * 1000; mc[i] = i / 4; }
  h.day.put(20500, e, mc);
  const e2 = new Int32Array(128), m2 = new Float64Array(128);
  const d = h.day.load(20500 % 32, e2, m2);
  print("NORTEST archives", h.profile.get(2000123, 0), h.profile.get(2000123, 63), h.profile.get(2000123 + 96, 0), d, e2[127], m2[127], fails);
  global.result = ok1 && ok2 && same && s.lastKey === 20033 && h.profile.get(2000123, 63) === 3300 && d === 20500 && e2[127] === 127000 && m2[127] === 31.75 && fails === 0;
}
