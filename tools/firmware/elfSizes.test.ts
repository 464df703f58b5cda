// Which row of the firmware table a source file's bytes go to (tools/firmware/elfSizes.ts):
// compile units are named relative to the Espruino tree, absolute, or through the
// libs/meternet link; everything must land in exactly one row.
import { test } from "node:test";
import assert from "node:assert/strict";
import { groupOf } from "./elfSizes.ts";

const tree = "/home/u/Espruino";
const board = "/home/u/meternet/boards/STM32F107";
const gen = "/home/u/meternet/build/firmware/METERNET_F107/gen";
const key = (file: string | undefined) => groupOf(file, tree, board, gen).key;

test("our objects by their path in the board folder, however the compile unit names them", () => {
  assert.equal(key("../meternet/boards/STM32F107/can/canDriver.c"), "ours:can/canDriver.c");
  assert.equal(key("/home/u/meternet/boards/STM32F107/kernel/meterKernel.c"), "ours:kernel/meterKernel.c");
  assert.equal(key("libs/meternet/jswrap/jswrap_can.c"), "ours:jswrap/jswrap_can.c");
});

test("Espruino's core, target, generated tables and each library", () => {
  assert.equal(key("src/jsvar.c"), "core-src");
  assert.equal(key("/home/u/Espruino/targets/stm32/jshardware.c"), "core-target");
  assert.equal(key("targetlibs/stm32f1/lib/stm32f10x_rcc.c"), "core-target");
  assert.equal(key(gen + "/jswrapper.c"), "core-gen");
  assert.equal(key("libs/crypto/mbedtls/library/aes.c"), "lib-crypto");
  assert.equal(key("libs/network/wiznet/Ethernet/socket.c"), "lib-wiznet");
  assert.equal(key("libs/network/http/jswrap_http.c"), "lib-net");
  assert.equal(key("libs/compression/heatshrink/heatshrink_decoder.c"), "lib-heatshrink");
});

test("the C library, and what no debug information names", () => {
  assert.equal(key("/build/newlib-salsa/build/arm-none-eabi/thumb/v7-m/nofp/newlib/libc/string/memcpy.c"), "clib");
  assert.equal(key("../../../../../../../../newlib/libc/reent/impure.c"), "clib");
  assert.equal(key(undefined), "zz-unattributed");
});
