/**
 * The OTA device of the fake site (issue 18's operator page on Node): the aggregator's
 * NOR as the host model with the board's staging C on it (host/native/otaStage.ts), and
 * a sender standing in for CAN1's OTA C that reports every target switched at once and
 * then its boot report (the transfer itself runs in host/sim/otaUpdate.test.ts).
 */
import { NorModel } from "../runtime/nor.ts";
import { norStage } from "../native/otaStage.ts";
import type { OtaDevice } from "../../modules/ota/aggregatorOta.ts";

export interface FakeOta extends OtaDevice { nor: NorModel; sent: { addresses: number[]; size: number }[] }

export function fakeOta(): FakeOta {
  let addresses: number[] = [];
  let phase = 0;
  let total = 0;
  let state: { counter?: number } | undefined;
  const nor = new NorModel();
  const stage = norStage(nor);
  const o: FakeOta = {
    nor, sent: [],
    ota: {
      stageBegin: stage.stageBegin,
      stageWrite: stage.stageWrite,
      send: (_m, a, _v, _c, _i, _t, _at, size) => { addresses = Array.from(a); total = Math.ceil(size / 6); phase = 7; o.sent.push({ addresses, size }); return 0; },
      // after the switch the C watches each meter's boot report (phase 7): the first confirmed, the second reverted (3: deadline), the rest in trial
      targets: (out) => { addresses.forEach((a, i) => { if (out.length >= 5 * i + 5) out.set([a, i === 0 ? 8 : i === 1 ? 9 : 7, i === 1 ? 3 : 0, total, total], 5 * i); }); return phase; },
      control: () => { phase = 6; },
    },
    masterKey: () => new Uint8Array(16).fill(7),
    readState: () => state,
    writeState: (s) => { state = s; return true; },
    decode64: (s) => Buffer.from(s, "base64").toString("latin1"),
  };
  return o;
}
