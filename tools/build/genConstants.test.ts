// The TypeScript copies of C facts are generated (tools/build/genConstants.js): these
// tests fail when a committed generated file is stale (the C changed, `npm run gen` was
// not run) and check that the generator reads what the C says, not what it used to say.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generate, stale, parseDefines, SOURCES } from "./genConstants.js";
import * as kernel from "../../modules/metering/kernelWindow.ts";
import * as codes from "../../modules/ports/errorCodes.generated.ts";
import { CAN_OK, CAN_EINVAL, CAN_EBUSY, CAN_ENETDOWN, CAN_ENOSPC } from "../../modules/can/controller.ts";
import { TIMER_CLOCK_HZ, FIRMWARE_50HZ_ONLY } from "../../host/meterAdc/firmwareFacts.generated.ts";
import { SECOC_OK, SECOC_BAD_MAC, SECOC_STALE, SECOC_UNSYNCED, SECOC_INTERNAL, SECOC_ENOFV } from "../../modules/can/secured.ts";
import { SEQ_SPAN, EPOCH_MAX } from "../../modules/can/freshness.ts";

const root = join(import.meta.dirname, "..", "..");
const read = (p: string) => readFileSync(join(root, p), "utf8");
type Gen = { path: string; text: string };

test("the committed generated files are what `npm run gen` writes from today's C", () => {
  assert.deepEqual(stale(root), [], "stale: run npm run gen and commit the result");
});

test("every MK_FLAG_ of meterKernel.h reaches kernelWindow.ts with its value", () => {
  const flags = parseDefines(read(SOURCES.kernel), /^MK_FLAG_/, SOURCES.kernel) as { name: string; value: number }[];
  assert.equal(flags.length, 11, "meterKernel.h has 11 window flags");
  const k = kernel as unknown as Record<string, number>;
  for (const f of flags) assert.equal(k[f.name.replace("MK_", "KERNEL_")], f.value, f.name);
  let all = 0;
  for (const f of flags) { assert.equal(all & f.value, 0, `${f.name} overlaps another flag`); all |= f.value; }
  assert.equal(kernel.KERNEL_FLAG_CLIP_V, 0x0001);
  assert.equal(kernel.KERNEL_FLAG_NO_FUND_I, 0x0400);
  assert.equal(kernel.KERNEL_GROUPS, 51);
  assert.equal(kernel.KERNEL_E_CYCLES, -3);
});

test("the CAN port's codes and the host MeterADC's are mnReg.h's", () => {
  assert.deepEqual([CAN_OK, CAN_EINVAL, CAN_EBUSY, CAN_ENETDOWN, CAN_ENOSPC], [0, -22, -16, -100, -28]);
  assert.deepEqual([codes.MN_ETIMEDOUT, codes.MN_EALREADY], [-110, -114]);
  assert.equal(TIMER_CLOCK_HZ, 72_000_000);
  assert.match(FIRMWARE_50HZ_ONLY, /^60 Hz mains needs 12-cycle windows, .* or configure 50 Hz mains$/);
});

test("SecOC's verdicts, ENOFV and FV split are secocFrame.h's and secocNode.h's", () => {
  assert.deepEqual([SECOC_OK, SECOC_BAD_MAC, SECOC_STALE, SECOC_UNSYNCED, SECOC_INTERNAL, SECOC_ENOFV], [0, 1, 2, 3, 4, -1]);
  assert.deepEqual([SEQ_SPAN, EPOCH_MAX], [65536, 2 ** 24 - 1]);
  const changed = generate((p: string) => read(p).replace("MN_SECOC_STALE = 2,", "MN_SECOC_STALE = 7,")) as Gen[];
  assert.match(changed.find((f) => f.path.endsWith("secocConstants.generated.ts"))!.text, /export const SECOC_STALE = 7;/);
  assert.throws(() => generate((p: string) => read(p).replace("} mn_secoc_verdict_t;", "} verdict_t;")), /secocFrame\.h: typedef enum \.\.\. mn_secoc_verdict_t not found/);
});

test("a change in the C changes the generated TypeScript (the check can fail)", () => {
  const edited = (path: string, from: string, to: string) => (p: string) => {
    const t = read(p);
    if (p !== path) return t;
    assert.ok(t.includes(from), `${from} not in ${p}`);
    return t.replace(from, to);
  };
  const now = generate(read) as Gen[];
  const text = (g: Gen[], end: string) => g.find((f) => f.path.endsWith(end))!.text;
  const flag = generate(edited(SOURCES.kernel, "#define MK_FLAG_CLIP_I 0x0002", "#define MK_FLAG_CLIP_I 0x0800")) as Gen[];
  assert.notEqual(text(flag, "kernelConstants.generated.ts"), text(now, "kernelConstants.generated.ts"));
  assert.match(text(flag, "kernelConstants.generated.ts"), /export const KERNEL_FLAG_CLIP_I = 0x0800;/);
  const code = generate(edited(SOURCES.mnReg, "#define MN_EBUSY (-16)", "#define MN_EBUSY (-11)")) as Gen[];
  assert.match(text(code, "errorCodes.generated.ts"), /export const MN_EBUSY = -11;/);
  const msg = generate(edited(SOURCES.meterAdc, "or configure 50 Hz mains", "or use 50 Hz")) as Gen[];
  assert.match(text(msg, "firmwareFacts.generated.ts"), /or use 50 Hz";/);
});

test("the generator refuses C it cannot read, with the file and the name to fix", () => {
  assert.throws(() => generate((p: string) => read(p).replace("#define MN_EINVAL (-22)", "")), /drivers\/mnReg\.h: #define MN_EINVAL not found/);
  assert.throws(() => generate((p: string) => read(p).replace("#define MT_TICK_HZ 72000000.0", "#define MT_TICK_HZ 64000000.0")),
    /MT_TICK_HZ 64000000\.0 differs from .*MN_BOARD_TIM3_HZ 72000000/);
  assert.throws(() => generate((p: string) => read(p).replace('return "60 Hz mains', 'return "50 Hz only')), /meterAdc\.c: 'return "60 Hz mains' not found/);
});
