// Runs on the real interpreter after prelude.js (norCheck.ts): the device NOR driver and the
// NOR slots through the prelude's W25Q stand-in on SPI1 (Storage-backed, AND on write).
import { boardNor } from "../../modules/ports/device/boardNor";
import { norSlots } from "../../modules/persist/norSlots";
const nor = boardNor();
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
  print("NORTEST", ok1, ok2, s.lastKey, same, s.find(1, 20001), s.find(1, 20033), s.find(2, -1));
  global.result = ok1 && ok2 && same && s.lastKey === 20033;
}
