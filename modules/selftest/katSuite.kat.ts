import { KatSuite, expectEqual, expectNear, expectThrows } from "./katSuite";

/** The harness checks itself: a failing check must be counted, not lost. */
export function registerKats(suite: KatSuite): void {
  suite.check("katSuite counts a failure", () => {
    const lines: string[] = [];
    const inner = new KatSuite((l) => { lines.push(l); });
    inner.check("ok", () => {});
    inner.check("bad", () => { throw new Error("boom"); });
    expectEqual("passed", inner.passed, 1);
    expectEqual("failed", inner.failed, 1);
    expectEqual("all passed", inner.finish(), false);
    expectEqual("closing line", lines[lines.length - 1], "1 passed, 1 failed");
  });
  suite.check("expectNear tolerance", () => {
    expectNear("inside", 1.0005, 1, 0.001);
    expectThrows("outside", () => { expectNear("x", 1.01, 1, 0.001); }, "expected 1");
  });
}
