/**
 * Known-answer check suite that runs on Espruino and on Node.
 *
 * Each module contributes a `*.kat.ts` file exporting `registerKats(suite)`; the
 * selftest bundle runs them all and prints `N passed, M failed` last, the line that
 * CI and Espruino's `--test` mode read. Checks throw an Error to fail, so one failing
 * check never stops the others.
 */
export type Printer = (line: string) => void;

export class KatSuite {
  passed = 0;
  failed = 0;
  skipped = 0;
  private readonly print: Printer;

  constructor(print: Printer) {
    this.print = print;
  }

  check(name: string, body: () => void): void {
    try {
      body();
      this.passed++;
    } catch (e) {
      this.failed++;
      this.print("FAIL " + name + ": " + (e instanceof Error ? e.message : String(e)));
    }
  }

  /**
   * Says that checks were not run and why (e.g. no CAN1 in this firmware): printed, and
   * counted as neither passed nor failed, so a skip is seen but is never a pass.
   */
  skip(name: string, why: string): void {
    this.skipped++;
    this.print("SKIP " + name + ": " + why);
  }

  /** Prints the closing line; true only when every check passed. */
  finish(): boolean {
    this.print(this.passed + " passed, " + this.failed + " failed");
    return this.failed === 0 && this.passed > 0;
  }
}

/** Throws unless |actual - expected| <= tolerance. */
export function expectNear(what: string, actual: number, expected: number, tolerance: number): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(what + ": got " + actual + ", expected " + expected + " +/- " + tolerance);
  }
}

/** Throws unless actual === expected. */
export function expectEqual<T>(what: string, actual: T, expected: T): void {
  if (actual !== expected) {
    throw new Error(what + ": got " + String(actual) + ", expected " + String(expected));
  }
}

/** Throws unless body throws an Error whose message contains `fragment`. */
export function expectThrows(what: string, body: () => void, fragment: string): void {
  let message: string | undefined;
  try {
    body();
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
  }
  if (message === undefined) throw new Error(what + ": did not throw");
  if (message.indexOf(fragment) < 0) throw new Error(what + ": threw '" + message + "', expected '" + fragment + "'");
}
