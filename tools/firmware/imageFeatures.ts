/**
 * What each firmware image leaves out of Espruino, and what the compatibility gate then
 * rejects in a bundle that runs on it: ONE table, image -> switches -> rejects.
 *
 * Read by: the firmware build (tools/firmware/main.ts checks that each board file
 * carries exactly these make lines), the gate (tools/gate/imageFeatures.js: a bundle
 * that uses a removed feature fails with file, line and the switch that removed it),
 * and the measurement (`npm run firmware -- --espruino DIR --measure-switches` builds
 * each candidate alone and prints its saving; README "Compile-out switches").
 *
 * A switch is either an Espruino compile-time define (src/jsutils.h, src/jsparse.c ...),
 * a make variable of Espruino's Makefile (USE_DEBUGGER=0), or a group of built-ins
 * removed with Espruino's BLACKLIST mechanism (scripts/build_jswrapper.py drops their
 * wrappers; link-time optimisation then drops the C behind them).
 */

/** What the gate reports when a bundle uses what a switch removed. */
export type Reject =
  /** esquery selectors on the acorn tree (as tools/gate/rules.js). */
  | { kind: "syntax"; selectors: string[]; what: string }
  /** A global read (not declared by the bundle). */
  | { kind: "global"; names: string[] }
  /** `Object.member` of a global object. */
  | { kind: "member"; object: string; names: string[] };

export interface Switch {
  /** Printed by the gate and the measurement: the define, make variable or blacklist group. */
  id: string;
  /** How the board file says it (a line of its 'makefile' list), or blacklist entries. */
  makeLine?: string;
  /** More make lines, when one is not enough (all of them in the board file). */
  makeLines?: string[];
  /** Espruino libraries (the board file's 'libraries') the image leaves out. */
  withoutLibraries?: string[];
  blacklist?: { class: string; name: string }[];
  /** What the interpreter loses. */
  removes: string;
  rejects: Reject[];
}

const define = (name: string) => `DEFINES+=-D${name}`;

/** SecOC's AES-128 (boards/STM32F107/secoc/aesMbedtls.c) from mbedtls's aes.c of the tree,
 * compiled by the image itself instead of Espruino's AES library (METERNET_F107.py aes_makefile). */
export const AES_DIRECT_LINES = [
  "SOURCES+=libs/crypto/mbedtls/library/aes.c",
  "INCLUDE+=-I$(ROOT)/libs/crypto/mbedtls/include",
  `DEFINES+=-DMBEDTLS_CONFIG_FILE='"secoc/mbedtlsConfig.h"'`,
];

/** Every make line a switch puts in a board file. */
export function makeLinesOf(s: Switch): string[] {
  return [...(s.makeLine ? [s.makeLine] : []), ...(s.makeLines ?? [])];
}

/** Every candidate measured; the images below adopt a subset. */
export const SWITCHES: Switch[] = [
  { id: "ESPR_NO_REGEX", makeLine: define("ESPR_NO_REGEX"), removes: "regular-expression literals in the lexer/parser",
    rejects: [{ kind: "syntax", selectors: ["Literal[regex]"], what: "a regular-expression literal" }] },
  { id: "ESPR_NO_SOFTWARE_SERIAL", makeLine: define("ESPR_NO_SOFTWARE_SERIAL"), removes: "bit-banged Serial on any pin (new Serial())",
    rejects: [{ kind: "syntax", selectors: ["NewExpression[callee.name='Serial']"], what: "new Serial() (software serial)" }] },
  // Measured: does not compile in 2v29 (src/jswrap_spi_i2c.c calls jsi2cWrite unconditionally).
  { id: "ESPR_NO_SOFTWARE_I2C", makeLine: define("ESPR_NO_SOFTWARE_I2C"), removes: "bit-banged I2C on any pin (new I2C()); I2C1/I2C2 stay",
    rejects: [{ kind: "syntax", selectors: ["NewExpression[callee.name='I2C']"], what: "new I2C() (software I2C)" }] },
  { id: "ESPR_NO_PASSWORD", makeLine: define("ESPR_NO_PASSWORD"), removes: "console password (E.setPassword, E.lockConsole)",
    rejects: [{ kind: "member", object: "E", names: ["setPassword", "lockConsole"] }] },
  // In 2v29 the define alone does not build (the wrapper table still names
  // jswrap_date_getIsDST): the two built-ins go with it.
  { id: "ESPR_NO_DAYLIGHT_SAVING", makeLine: define("ESPR_NO_DAYLIGHT_SAVING"), removes: "E.setDST, Date.getIsDST and daylight-saving time in Date",
    blacklist: [{ class: "E", name: "setDST" }, { class: "Date", name: "getIsDST" }],
    rejects: [{ kind: "member", object: "E", names: ["setDST"] }, { kind: "syntax", selectors: ["CallExpression[callee.property.name='getIsDST']"], what: "Date getIsDST()" }] },
  { id: "ESPR_NO_GET_SET", makeLine: define("ESPR_NO_GET_SET"), removes: "getters and setters (get x() / set x() in classes and object literals)",
    rejects: [{ kind: "syntax", selectors: ["MethodDefinition[kind='get']", "MethodDefinition[kind='set']", "Property[kind='get']", "Property[kind='set']"], what: "a getter or setter" }] },
  // The define alone does not build in 2v29 (the wrapper table still names the Promise
  // functions): the class goes with it.
  { id: "ESPR_NO_PROMISES", makeLine: define("ESPR_NO_PROMISES"), removes: "Promise",
    blacklist: [{ class: "Promise", name: "*" }],
    rejects: [{ kind: "global", names: ["Promise"] }] },
  // Found by running the bundles on a Linux interpreter built with the switches (bench/device
  // --switched): in 2v29 this define also breaks arrow functions with one unparenthesised
  // parameter (`x => x`: src/jsparse.c jspeFactor checks for `=>` inside its
  // #ifndef ESPR_NO_TEMPLATE_LITERAL), which terser emits everywhere. Not adopted; were it,
  // the gate would reject every arrow function.
  { id: "ESPR_NO_TEMPLATE_LITERAL", makeLine: define("ESPR_NO_TEMPLATE_LITERAL"), removes: "template literals `...${x}`, and (2v29) `x => ...` arrows",
    rejects: [{ kind: "syntax", selectors: ["TemplateLiteral"], what: "a template literal" },
      { kind: "syntax", selectors: ["ArrowFunctionExpression"], what: "an arrow function (2v29 built with ESPR_NO_TEMPLATE_LITERAL cannot parse `x => ...`)" }] },
  { id: "ESPR_NO_VARIMAGE", makeLine: define("ESPR_NO_VARIMAGE"), removes: "save() of the RAM image (apps run from Storage .bootcde)",
    rejects: [{ kind: "global", names: ["save"] }] },
  { id: "ESPR_NO_DUMP_STATE", makeLine: define("ESPR_NO_DUMP_STATE"), removes: "dump()'s listing of the interpreter state as JavaScript (it prints one line saying so)",
    rejects: [{ kind: "global", names: ["dump"] }] },
  { id: "USE_DEBUGGER=0", makeLine: "USE_DEBUGGER=0", removes: "the console debugger (debugger statement, debug())",
    rejects: [{ kind: "syntax", selectors: ["DebuggerStatement"], what: "a debugger statement" }, { kind: "global", names: ["debug"] }] },
  { id: "USE_TAB_COMPLETE=0", makeLine: "USE_TAB_COMPLETE=0", removes: "tab completion on the console", rejects: [] },
  { id: "blacklist:E-dsp", removes: "E.FFT, E.convolve, E.variance, E.sum (the kernel does the maths in C)",
    blacklist: ["FFT", "convolve", "variance", "sum"].map((name) => ({ class: "E", name })),
    rejects: [{ kind: "member", object: "E", names: ["FFT", "convolve", "variance", "sum"] }] },
  { id: "blacklist:io-classes", removes: "OneWire, Stepper, Waveform",
    blacklist: ["OneWire", "Stepper", "Waveform"].map((c) => ({ class: c, name: "*" })),
    rejects: [{ kind: "global", names: ["OneWire", "Stepper", "Waveform"] }] },
  { id: "blacklist:heatshrink", removes: "require(\"heatshrink\") compress/decompress",
    blacklist: [{ class: "heatshrink", name: "*" }], rejects: [] },
  { id: "crypto:none", makeLines: AES_DIRECT_LINES, withoutLibraries: ["CRYPTO", "SHA256", "AES"],
    removes: "require(\"crypto\") (SHA1, SHA256, AES bindings, mbedtls cipher layer); SecOC's AES-128 stays (aes.c alone)",
    rejects: [{ kind: "syntax", selectors: ["CallExpression[callee.name='require'][arguments.0.value='crypto']"], what: "require(\"crypto\")" }] },
  { id: "crypto:sha256", makeLines: AES_DIRECT_LINES, withoutLibraries: ["AES"],
    blacklist: [{ class: "crypto", name: "SHA1" }, { class: "crypto", name: "SHA224" }],
    removes: "crypto.AES (with mbedtls's cipher layer and AES decryption), crypto.SHA1, crypto.SHA224; crypto.SHA256 stays",
    rejects: [{ kind: "syntax", selectors: ["MemberExpression[property.name=/^(AES|SHA1|SHA224)$/]"], what: "crypto.AES / crypto.SHA1 / crypto.SHA224 (a property of that name)" }] },
  { id: "MN_NO_WINDOW_EVENT", makeLine: define("MN_NO_WINDOW_EVENT"),
    removes: "MeterADC's raw 'window' event (boards/STM32F107/jswrap/jswrap_meteradc.c; the host runtime keeps it for diagnostics)",
    rejects: [{ kind: "syntax", selectors: ["CallExpression[callee.property.name=/^(on|addListener|prependListener)$/][arguments.0.value='window']"],
      what: "a 'window' listener (MeterADC's raw kernel window)" }] },
  { id: "blacklist:pin-waveforms", removes: "analogWrite (PWM: on the meter TIM3 belongs to MeterADC), digitalPulse, shiftOut, SPI send4bit/send8bit (LED-strip encodings)",
    blacklist: [...["analogWrite", "digitalPulse", "shiftOut"].map((name) => ({ class: "__", name })),
      { class: "SPI", name: "send4bit" }, { class: "SPI", name: "send8bit" }],
    rejects: [{ kind: "global", names: ["analogWrite", "digitalPulse", "shiftOut"] },
      { kind: "syntax", selectors: ["MemberExpression[property.name=/^(send4bit|send8bit)$/]"], what: "SPI send4bit / send8bit" }] },
  { id: "blacklist:E-debug", removes: "E.dump*, E.HSBtoRGB, E.asm, E.compiledC, E.nativeCall, E.mapInPlace, E.setUSBHID, E.sendUSBHID",
    blacklist: ["dumpLockedVars", "dumpFreeList", "dumpFragmentation", "dumpVariables", "dumpStr", "HSBtoRGB", "asm", "compiledC",
      "nativeCall", "mapInPlace", "setUSBHID", "sendUSBHID"].map((name) => ({ class: "E", name })),
    rejects: [{ kind: "member", object: "E", names: ["dumpLockedVars", "dumpFreeList", "dumpFragmentation", "dumpVariables", "dumpStr",
      "HSBtoRGB", "asm", "compiledC", "nativeCall", "mapInPlace", "setUSBHID", "sendUSBHID"] }] },
  // Issue 18's round (room for the OTA C): built-ins no bundle names, found by comparing each
  // image's wrapper table (gen/jswrapper.c) with every identifier, property and string of its
  // bundles (`npx tsx tools/firmware/unusedBuiltins.ts`); console debugging keeps print,
  // console.log, E.getErrorFlags, process.memory, require("Storage") list/read/erase, reset, load,
  // setTime, E.setTimeZone and atob (the espruino CLI and our upload send those).
  { id: "blacklist:pin-extras", removes: "Pin.pwm, Pin.pulse, Pin.getInfo, Pin.analog, Pin.getMode, analogRead, getPinMode (pin.read/set/write/mode, digitalRead/Write and pinMode stay)",
    blacklist: [...["pwm", "pulse", "getInfo", "analog", "getMode"].map((name) => ({ class: "Pin", name })),
      { class: "__", name: "analogRead" }, { class: "__", name: "getPinMode" }],
    rejects: [{ kind: "global", names: ["analogRead", "getPinMode"] },
      { kind: "syntax", selectors: ["CallExpression[callee.property.name=/^(pwm|pulse|getInfo|analog|getMode)$/]"], what: "Pin pwm / pulse / getInfo / analog / getMode" }] },
  { id: "blacklist:trace", removes: "trace() and console.trace (the interpreter's variable tree printed; E.dumpVariables went with blacklist:E-debug)",
    blacklist: [{ class: "__", name: "trace" }, { class: "console", name: "trace" }],
    rejects: [{ kind: "global", names: ["trace"] }, { kind: "member", object: "console", names: ["trace"] }] },
  { id: "blacklist:timer", removes: "require(\"timer\") (the low-level timer queue: add, get, list, remove)",
    blacklist: [{ class: "timer", name: "*" }],
    rejects: [{ kind: "syntax", selectors: ["CallExpression[callee.name='require'][arguments.0.value='timer']"], what: "require(\"timer\")" }] },
  { id: "blacklist:storage-file", removes: "require(\"Storage\").open and StorageFile (append-able files; Storage read/write/list/erase/compact stay)",
    blacklist: [{ class: "Storage", name: "open" }, { class: "StorageFile", name: "*" }],
    rejects: [{ kind: "global", names: ["StorageFile"] },
      { kind: "syntax", selectors: ["CallExpression[callee.property.name='open']"], what: "a .open() call (require(\"Storage\").open)" }] },
  { id: "blacklist:pipe", removes: "E.pipe, fs.pipe, Serial.pipe, StorageFile.pipe, and on the aggregator Socket/request/response .pipe",
    blacklist: [{ class: "E", name: "pipe" }, { class: "fs", name: "*" }, { class: "Serial", name: "pipe" }, { class: "StorageFile", name: "pipe" },
      { class: "Socket", name: "pipe" }, { class: "httpSRq", name: "pipe" }, { class: "httpCRs", name: "pipe" }],
    rejects: [{ kind: "global", names: ["fs"] },
      { kind: "syntax", selectors: ["CallExpression[callee.property.name='pipe']"], what: "a .pipe() call" }] },
  { id: "blacklist:date-extras", removes: "Date.parse, the Date setters but setTime (setDate, setFullYear, setHours, setMilliseconds, setMinutes, setMonth, setSeconds), toLocalISOString, toUTCString",
    blacklist: [{ class: "Date", name: "parse" }, ...["setDate", "setFullYear", "setHours", "setMilliseconds", "setMinutes", "setMonth", "setSeconds",
      "toLocalISOString", "toUTCString"].map((name) => ({ class: "Date", name }))],
    rejects: [{ kind: "member", object: "Date", names: ["parse"] },
      { kind: "syntax", selectors: ["CallExpression[callee.property.name=/^(setDate|setFullYear|setHours|setMilliseconds|setMinutes|setMonth|setSeconds|toLocalISOString|toUTCString)$/]"],
        what: "a Date setter but setTime, toLocalISOString or toUTCString" }] },
  { id: "blacklist:math-trig", removes: "Math.sin, cos, tan, asin, acos, atan, atan2 (the metering C has its own sin/cos; Math.pow, log, exp, sqrt stay)",
    blacklist: ["sin", "cos", "tan", "asin", "acos", "atan", "atan2"].map((name) => ({ class: "Math", name })),
    rejects: [{ kind: "member", object: "Math", names: ["sin", "cos", "tan", "asin", "acos", "atan", "atan2"] }] },
  { id: "blacklist:E-misc", removes: "E.getPowerUsage, E.getClock/setClock, E.getTemperature, E.getAnalogVRef, E.reverseByte, E.toJS, E.memoryMap, E.memoryArea, E.getAddressOf, E.hwRand, E.srand, E.stopEventPropagation, E.lookupNoCase, E.decodeUTF8/asUTF8/fromUTF8/isUTF8, String.removeAccents",
    blacklist: [...["getPowerUsage", "getClock", "setClock", "getTemperature", "getAnalogVRef", "reverseByte", "toJS", "memoryMap", "memoryArea",
      "getAddressOf", "hwRand", "srand", "stopEventPropagation", "lookupNoCase", "decodeUTF8", "asUTF8", "fromUTF8", "isUTF8"].map((name) => ({ class: "E", name })),
      { class: "String", name: "removeAccents" }],
    rejects: [{ kind: "member", object: "E", names: ["getPowerUsage", "getClock", "setClock", "getTemperature", "getAnalogVRef", "reverseByte", "toJS", "memoryMap",
      "memoryArea", "getAddressOf", "hwRand", "srand", "stopEventPropagation", "lookupNoCase", "decodeUTF8", "asUTF8", "fromUTF8", "isUTF8"] },
      { kind: "syntax", selectors: ["CallExpression[callee.property.name='removeAccents']"], what: "String removeAccents()" }] },
  { id: "blacklist:console-extras", removes: "edit() and Function.replaceWith (the console's function editor), getSerial, setBusyIndicator, setSleepIndicator, btoa (atob stays: uploads use it)",
    blacklist: [...["edit", "getSerial", "setBusyIndicator", "setSleepIndicator", "btoa"].map((name) => ({ class: "__", name })),
      { class: "Function", name: "replaceWith" }],
    rejects: [{ kind: "global", names: ["edit", "getSerial", "setBusyIndicator", "setSleepIndicator", "btoa"] },
      { kind: "syntax", selectors: ["CallExpression[callee.property.name='replaceWith']"], what: "Function replaceWith()" }] },
  { id: "blacklist:reflection", removes: "DataView, Object.defineProperties, Object.getOwnPropertyDescriptor(s), Object.fromEntries, Object.setPrototypeOf (Object.defineProperty, keys, assign, create stay)",
    blacklist: [{ class: "DataView", name: "*" }, ...["defineProperties", "getOwnPropertyDescriptor", "getOwnPropertyDescriptors", "fromEntries", "setPrototypeOf"]
      .map((name) => ({ class: "Object", name }))],
    rejects: [{ kind: "global", names: ["DataView"] },
      { kind: "member", object: "Object", names: ["defineProperties", "getOwnPropertyDescriptor", "getOwnPropertyDescriptors", "fromEntries", "setPrototypeOf"] }] },
  // The aggregator has no I2C part and watches no pin (its FRAM epochs are not built: issue
  // 12); the meter keeps both (FRAM on I2C1, touch on I2C1, the relay's feedback input).
  { id: "blacklist:i2c-watch", removes: "the I2C class (I2C1/I2C2 and software I2C), setWatch, clearWatch",
    blacklist: [{ class: "I2C", name: "*" }, { class: "__", name: "setWatch" }, { class: "__", name: "clearWatch" }],
    rejects: [{ kind: "global", names: ["I2C", "I2C1", "I2C2", "setWatch", "clearWatch"] }] },
];

export type ImageName = "METERNET_F107" | "METERNET_F107_60HZ" | "METERNET_F107_AGG";

/** Adopted per image (README "Compile-out switches" has the measured saving of each). */
// Not adopted (README "Compile-out switches"): ESPR_NO_TEMPLATE_LITERAL (breaks `x => ...`
// in 2v29, above), ESPR_NO_REGEX and ESPR_NO_GET_SET (our
// bundles use regular expressions and getters), ESPR_NO_SOFTWARE_I2C (does not compile
// in 2v29). blacklist:E-dsp is adopted since the per-window maths moved to C (issue 17):
// no bundle calls E.FFT/E.sum/E.variance/E.convolve, and the images needed its 1.9 KB.
const COMMON = ["ESPR_NO_SOFTWARE_SERIAL", "ESPR_NO_PASSWORD", "ESPR_NO_DAYLIGHT_SAVING", "ESPR_NO_PROMISES",
  "ESPR_NO_VARIMAGE", "USE_DEBUGGER=0", "USE_TAB_COMPLETE=0",
  "blacklist:io-classes", "blacklist:heatshrink", "blacklist:E-debug", "blacklist:E-dsp", "blacklist:pin-waveforms", "ESPR_NO_DUMP_STATE",
  // issue 18's round: room for the OTA C (README "Slimming the images")
  "blacklist:pin-extras", "blacklist:trace", "blacklist:timer", "blacklist:storage-file", "blacklist:pipe", "blacklist:date-extras",
  "blacklist:math-trig", "blacklist:E-misc", "blacklist:console-extras", "blacklist:reflection"];
export const IMAGE_SWITCHES: Record<ImageName, string[]> = {
  METERNET_F107: [...COMMON, "crypto:none", "MN_NO_WINDOW_EVENT"],
  METERNET_F107_60HZ: [...COMMON, "crypto:none", "MN_NO_WINDOW_EVENT"],
  METERNET_F107_AGG: [...COMMON, "crypto:sha256", "blacklist:i2c-watch"],
};

export function switchById(id: string): Switch {
  const s = SWITCHES.find((x) => x.id === id);
  if (!s) throw new Error(`unknown switch ${id} (tools/firmware/imageFeatures.ts SWITCHES)`);
  return s;
}

export function switchesOf(image: ImageName): Switch[] {
  return IMAGE_SWITCHES[image].map(switchById);
}

/** Espruino's BLACKLIST file content for an image, or undefined when it removes no built-in. */
export function blacklistOf(image: ImageName): { class: string; name: string }[] | undefined {
  const entries = switchesOf(image).flatMap((s) => s.blacklist ?? []);
  return entries.length ? entries : undefined;
}
