/**
 * The aggregator's NOR staging on the host (issue 18): CAN1.otaStageBegin / otaStageWrite
 * as jswrap_ota.c binds them, over the board's C (otaNorImage.c over w25q.c, through the
 * meterOta addon) talking W25Q commands to the NOR model (host/runtime/nor.ts norSpi).
 * The simulator's CAN1 (host/sim/otaCan1.ts), the fake site (host/web/fakeOta.ts) and the
 * route's tests use it, so the bytes staged and the digest are the C's.
 */
import type { AggOtaPort } from "../../modules/ports/otaPort.ts";
import { NOR_CS } from "../../modules/ports/device/norPins.ts";
import { type NorModel, norSpi } from "../runtime/nor.ts";
import { otaAddon, type NativeOtaNorImage } from "./ota.ts";

export interface NorStage extends Pick<AggOtaPort, "stageBegin" | "stageWrite"> {
  image: NativeOtaNorImage;
}

/** A byte string (atob's) or bytes as bytes. */
function bytesOf(d: string | Uint8Array): Uint8Array {
  return typeof d === "string" ? Uint8Array.from(d, (c) => c.charCodeAt(0) & 255) : d;
}

export function norStage(nor: NorModel): NorStage {
  const spi = norSpi(nor, { cs: NOR_CS });
  spi.setup();
  const image = new (otaAddon().OtaNorImage)(spi as unknown as { send(data: Uint8Array, cs: string): unknown }, NOR_CS);
  return {
    image,
    stageBegin: (at, area, size, sha) => image.begin(at, area, size, sha),
    stageWrite: (offset, data, shaOut) => {
      const r = image.write(offset, bytesOf(data));
      if (shaOut && r > 0 && image.info()[0] === 2) shaOut.set(image.sha256());
      return r;
    },
  };
}
