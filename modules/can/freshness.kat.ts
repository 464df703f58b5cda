import { KatSuite, expectEqual } from "../selftest/katSuite";
import { reconstructFreshness, TxFreshness } from "./freshness";
import { KvStore } from "../ports/kvStore";

/** Profile 1 reconstruction across the low-byte wrap, and persist-ahead on reboot. */
export function registerKats(suite: KatSuite): void {
  suite.check("freshness reconstruction across 0xFF -> 0x00", () => {
    // last = 0x0123_45FE: low 0xFF keeps the high part, low 0x00 carries into it.
    expectEqual("same high", reconstructFreshness(0x12345fe, 0xff), 0x12345ff);
    expectEqual("carry", reconstructFreshness(0x12345ff, 0x00), 0x1234600);
    expectEqual("equal low is next block", reconstructFreshness(0x1234600, 0x00), 0x1234700);
    // 40-bit values: epoch 0x123456, sequence 0x01FF.
    expectEqual("40 bit", reconstructFreshness(0x123456 * 65536 + 0x01ff, 0x02), 0x123456 * 65536 + 0x0202);
    // Epoch boundary: a counter carrying into the next epoch is rebuilt; one that jumped
    // to it from a low sequence (what a shared epoch change did) is not.
    expectEqual("epoch carry", reconstructFreshness(5 * 65536 + 0xffff, 0x00), 6 * 65536);
    expectEqual("epoch jump not rebuilt", reconstructFreshness(5 * 65536 + 3, 0x00), 5 * 65536 + 0x100);
  });
  suite.check("transmit freshness resumes above everything used before a reboot", () => {
    const data: { [k: string]: string } = {};
    const store: KvStore = { get: (k) => data[k], set: (k, v) => { data[k] = v; return true; } };
    const a = new TxFreshness(store, "e", 2);
    a.boot();
    let last = -1;
    for (let i = 0; i < 300; i++) last = a.next(1);
    const b = new TxFreshness(store, "e", 2);
    b.boot();
    expectEqual("first after reboot is above", b.next(1) > last, true);
    expectEqual("epoch persisted before use", data.e, "2");
  });
}
