import { NorPort, W25Q32_BYTES, W25Q32_JEDEC_ID } from "../nor";
import { spiNor } from "./spiNor";
import { norHistory, HistoryFactory } from "../../aggregator/historyOnNor";
import { norAssets } from "../../http/assetsOnNor";
import { AssetFiles } from "../../http/assets";
import { NOR_SCK, NOR_MISO, NOR_MOSI, NOR_CS, NOR_BAUD } from "./norPins";


/** The board's NOR when SPI1 answers with the W25Q32JV's JEDEC ID, else undefined (no part fitted, or no SPI1). */
export function boardNor(): NorPort | undefined {
  try {
    SPI1.setup({ sck: NOR_SCK, miso: NOR_MISO, mosi: NOR_MOSI, baud: NOR_BAUD, mode: 0 });
    digitalWrite(NOR_CS, true); // deselected until the first command
    const nor = spiNor(SPI1, NOR_CS, W25Q32_BYTES);
    return nor.jedecId() === W25Q32_JEDEC_ID ? nor : undefined;
  } catch (e) {
    return undefined;
  }
}

/**
 * The aggregator's history archives on the board's NOR (boardNor(); historyOnNor.ts), or
 * undefined (the Aggregator then keeps history in Storage files, as before the NOR): says
 * which on the console.
 */
export function boardHistory(nor: NorPort | undefined, log: (line: string) => void): HistoryFactory | undefined {
  log("aggregator: history " + (nor ? "on the SPI NOR (W25Q32JV, CS " + NOR_CS + ")" : "in Storage: no W25Q32JV answers on SPI1 (CS " + NOR_CS + ")"));
  return nor ? norHistory(nor, E.CRC32) : undefined;
}

/**
 * The web app's files on the board's NOR (modules/http/assetsOnNor.ts), null without a NOR
 * (API only). Whether they are there is each request's business (a 503 naming the upload).
 */
export function boardWebFiles(nor: NorPort | undefined): AssetFiles | null {
  return nor ? norAssets(nor, E.CRC32, E.toString) : null;
}
