// Selftest bundle: runs every module's known-answer checks (collected at build time
// from modules/**/*.kat.ts and test/selftest/*.kat.ts) and follows Espruino's
// `--test` convention: `result` is true only when all passed.
import { KatSuite } from "../../modules/selftest/katSuite";
import { registerAllKats } from "meternet:kats";

const suite = new KatSuite((line) => { print(line); });
registerAllKats(suite);
result = suite.finish();
