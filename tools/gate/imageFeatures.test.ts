// The gate against what each firmware image compiles out (tools/firmware/imageFeatures.ts):
// a bundle for an image that uses a removed feature fails with file, line and the switch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { checkBundle, formatOffence } from "./index.js";
import { imagesOfRole } from "./imageFeatures.js";
import { IMAGE_SWITCHES, SWITCHES, switchesOf, type ImageName } from "../firmware/imageFeatures.ts";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures", "image");

for (const name of readdirSync(fixtures).sort()) {
  const image = name.replace(/\.js$/, "") as ImageName;
  test(`fixtures/image/${name}: every use of what ${image} compiles out is rejected, naming line and switch`, () => {
    const code = readFileSync(join(fixtures, name), "utf8");
    const expected = Number(/expect (\d+)/.exec(code)?.[1]);
    const offences = checkBundle(code, name, { images: [image] }).filter((o) => o.rule === "switched-off");
    assert.equal(offences.length, expected, offences.map(formatOffence).join("\n"));
    const lines = code.split("\n");
    for (const o of offences) {
      const sw = /\/\/ (\S+)$/.exec(lines[o.line - 1])?.[1];
      assert.ok(sw && o.message.includes(`${image} by ${sw} `), `line ${o.line} should name ${sw}: ${formatOffence(o)}`);
    }
    // the same bundle for no image: none of these is an offence of the plain gate
    assert.deepEqual(checkBundle(code, name).filter((o) => o.rule === "switched-off"), []);
  });
}

test("every image has a reject fixture", () => {
  const have = new Set(readdirSync(fixtures).map((n) => n.replace(/\.js$/, "")));
  for (const image of Object.keys(IMAGE_SWITCHES)) assert.ok(have.has(image), `no fixtures/image/${image}.js`);
});

test("ESPR_NO_TEMPLATE_LITERAL stays off: in 2v29 it breaks `x => ...`, which every bundle uses", () => {
  assert.ok(!IMAGE_SWITCHES.METERNET_F107.includes("ESPR_NO_TEMPLATE_LITERAL"));
  assert.ok(!IMAGE_SWITCHES.METERNET_F107_AGG.includes("ESPR_NO_TEMPLATE_LITERAL"));
});

test("a switch not adopted by an image is not enforced on it", () => {
  const notAdopted = SWITCHES.filter((s) => !IMAGE_SWITCHES.METERNET_F107.includes(s.id) && s.id === "ESPR_NO_REGEX");
  assert.equal(notAdopted.length, 1, "ESPR_NO_REGEX is expected to stay off: our bundles use regular expressions");
  assert.deepEqual(checkBundle("var r = /a+/;", "r.js", { images: ["METERNET_F107"] }), []);
});

test("each adopted switch with rejects catches a minimal use", () => {
  const samples: Record<string, string> = {
    "ESPR_NO_SOFTWARE_SERIAL": "var s = new Serial();",
    "ESPR_NO_PASSWORD": "E.lockConsole();",
    "ESPR_NO_DAYLIGHT_SAVING": "var d = new Date(); d.getIsDST();",
    "ESPR_NO_PROMISES": "Promise.all([]);",
    "ESPR_NO_VARIMAGE": "save();",
    "USE_DEBUGGER=0": "debugger;",
    "blacklist:io-classes": "var o = new OneWire(A0);",
    "blacklist:E-debug": "E.dumpStr();",
    "blacklist:E-dsp": "E.FFT(new Float32Array(8));",
    "crypto:none": "var c = require('crypto');",
    "ESPR_NO_DUMP_STATE": "dump();",
    "blacklist:pin-waveforms": "digitalPulse(LED1, 1, 5);",
    "MN_NO_WINDOW_EVENT": "var a = new MeterADC(); a.on('window', print);",
    "crypto:sha256": "var c = require('crypto'); c.AES.encrypt(k, d);",
    "blacklist:i2c-watch": "I2C1.setup({ scl: B6, sda: B7 }); setWatch(print, BTN);",
    "blacklist:pin-extras": "LED1.pulse(1, [5]);",
    "blacklist:trace": "console.trace('here');",
    "blacklist:timer": "require('timer').list();",
    "blacklist:storage-file": "var f = require('Storage').open('log', 'r'); f.readLine();",
    "blacklist:pipe": "require('Storage').read('x'); Serial1.pipe(LoopbackA);",
    "blacklist:date-extras": "var d = new Date(); d.setHours(1);",
    "blacklist:math-trig": "var a = Math.atan2(1, 2);",
    "blacklist:E-misc": "var t = E.getTemperature();",
    "blacklist:console-extras": "var b = btoa('x');",
    "blacklist:reflection": "Object.setPrototypeOf({}, null);",
  };
  for (const image of ["METERNET_F107", "METERNET_F107_AGG"] as const) {
    for (const sw of switchesOf(image)) {
      if (!sw.rejects.length) continue;
      const code = samples[sw.id];
      assert.ok(code, `no sample for ${sw.id}: add one`);
      const found = checkBundle(code, "s.js", { images: [image] }).filter((o) => o.rule === "switched-off");
      assert.ok(found.length >= 1 && found[0].message.includes(` by ${sw.id} `), `${sw.id}: ${found.map(formatOffence).join("; ")}`);
    }
  }
});

test("the aggregator keeps crypto.SHA256 (logins), the meter images keep no crypto at all", () => {
  const sha = "var c = require('crypto'); var h = c.SHA256('x');";
  assert.deepEqual(checkBundle(sha, "a.js", { images: ["METERNET_F107_AGG"] }).filter((o) => o.rule === "switched-off"), []);
  const onMeter = checkBundle(sha, "m.js", { images: ["METERNET_F107"] }).filter((o) => o.rule === "switched-off");
  assert.equal(onMeter.length, 1);
  assert.match(onMeter[0].message, /require\("crypto"\) is compiled out of the firmware image METERNET_F107 by crypto:none/);
});

test("bundles are checked for the images of their role; selftest for every image", () => {
  assert.deepEqual(imagesOfRole("meter"), ["METERNET_F107", "METERNET_F107_60HZ"]);
  assert.deepEqual(imagesOfRole("aggregator"), ["METERNET_F107_AGG"]);
  assert.deepEqual(imagesOfRole("selftest"), ["METERNET_F107", "METERNET_F107_60HZ", "METERNET_F107_AGG"]);
  assert.deepEqual(imagesOfRole("meterUi"), ["METERNET_F107", "METERNET_F107_60HZ"], "the touchscreen UI runs on the meter images: gated against their switches");
});
