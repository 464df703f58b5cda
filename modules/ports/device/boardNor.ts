import { NorPort, W25Q32_BYTES, W25Q32_JEDEC_ID } from "../nor";
import { spiNor } from "./spiNor";
import { norHistory, HistoryFactory } from "../../aggregator/historyOnNor";
import { lazyHistory } from "../../aggregator/lazyHistory";
import { norAssets } from "../../http/assetsOnNor";
import { AssetFiles } from "../../http/assets";
import { NOR_SCK, NOR_MISO, NOR_MOSI, NOR_CS, NOR_BAUD } from "./norPins";
import { readMeterList } from "../../aggregator/meterList";
import type { Registry } from "../../aggregator/registry";

// The aggregator board's SPI NOR (W25Q32JV). Nothing of its driver stays in RAM between
// tasks (issue 16): boot only checks that the part answers; the history and the web
// app's files build the driver (spiNor.ts, a function with its helpers inside) when they
// use it, and let it go after.

/** The driver over the board's NOR on SPI1 (set up by boardNorFitted()), for one task. */
export function boardNor(): NorPort {
  return spiNor(SPI1, NOR_CS, W25Q32_BYTES);
}

/**
 * True when SPI1 answers with the W25Q32JV's JEDEC ID (0x9F, then 3 bytes), leaving SPI1
 * set up for the NOR; false when no part is fitted or there is no SPI1.
 */
export function boardNorFitted(): boolean {
  try {
    SPI1.setup({ sck: NOR_SCK, miso: NOR_MISO, mosi: NOR_MOSI, baud: NOR_BAUD, mode: 0 });
    digitalWrite(NOR_CS, true); // deselected until the first command
    return boardNor().jedecId() === W25Q32_JEDEC_ID;
  } catch (e) {
    return false;
  }
}

/**
 * The aggregator's history archives on the board's NOR (historyOnNor.ts), built for a
 * task and let go after (lazyHistory.ts), or undefined when `fitted` is false (the
 * Aggregator then keeps history in Storage files, as before the NOR): says which on the
 * console.
 */
export function boardHistory(fitted: boolean, log: (line: string) => void): HistoryFactory | undefined {
  log("aggregator: history " + (fitted ? "on the SPI NOR (W25Q32JV, CS " + NOR_CS + ")" : "in Storage: no W25Q32JV on SPI1 CS " + NOR_CS));
  return fitted ? lazyHistory(function () { return norHistory(boardNor(), E.CRC32); }, function (f) { setTimeout(f, 0); }) : undefined;
}

/**
 * The web app's files on the board's NOR (modules/http/assetsOnNor.ts), null without a NOR
 * (API only). Whether they are there is each request's business (a 503 naming the upload).
 * The reader and its driver are built for each read (a directory lookup, a 512-byte
 * piece) and let go after.
 */
export function boardWebFiles(fitted: boolean): AssetFiles | null {
  return fitted ? { read: function (name, offset, n) { return norAssets(boardNor(), E.CRC32, E.toString).read(name, offset, n); } } : null;
}

/**
 * The meter list `npm run upload` wrote on the board's NOR (modules/aggregator/meterList.ts)
 * into `reg`, once at boot: the meters added, -1 when there is none (said through `log`).
 */
export function boardMeterList(reg: Registry, log: (line: string) => void): number {
  return readMeterList(boardNor(), reg, E.CRC32, E.toString, log);
}
