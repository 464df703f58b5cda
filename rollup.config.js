// One minified, single-file script per role, uploadable by the espruino CLI as is.
// Compile path chosen for Espruino 2v29 (see tools/gate/rules.js for why):
// - TypeScript targets ES2015: classes stay native classes (ES5's __extends helper
//   breaks without hoisting), while `**`, `?.` and object spread are lowered.
// - Output format "es" with no imports/exports left: plain top-level statements.
// - terser never hoists functions or vars, never turns functions into arrows, and
//   keeps the order of declarations, so "declared before used" survives minifying.
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { katsPlugin } from "./tools/build/katsPlugin.js";
import { gateAndReportPlugin } from "./tools/build/reportPlugin.js";
import { storageModulePlugin } from "./tools/build/storageModulePlugin.js";
import { ESPRUINO_GLOBALS } from "./tools/gate/rules.js";
import { METER_PRIVATE_PROPS } from "./tools/build/meterPrivateProps.js";
import { webAssetsPlugin } from "./host/web/assetsPlugin.js";

const root = dirname(fileURLToPath(import.meta.url));
const settings = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).meternet;

const terserOptions = {
  ecma: 2015,
  module: false,
  toplevel: true,
  compress: {
    arrows: false,
    unsafe_arrows: false,
    hoist_funs: false,
    hoist_vars: false,
    hoist_props: false,
    keep_fargs: true,
    passes: 2,
    // Terser's default inlining can turn a function into a `var` that is used
    // before its declaration runs; Espruino does not hoist, so inline only simple ones.
    inline: 1,
  },
  // Top-level names are mangled, but never into a global Espruino or our firmware
  // provides (a mangled `function E` replaced Espruino's E on the device).
  mangle: { toplevel: true, reserved: ESPRUINO_GLOBALS },
  format: { comments: false, ascii_only: true },
};

// The aggregator's Storage is full to the byte (issue 16): its bundle and route modules
// also write object methods short ({ m() {} } for { m: function () {} }), which Espruino
// parses the same (nothing of ours calls `new` on an object's method, the one thing it
// changes): 4 to 5 bytes a method.
const aggTerserOptions = { ...terserOptions, compress: { ...terserOptions.compress, unsafe_methods: true } };

// The meter's resident objects are its JsVars for good: their own property names are
// shortened too (tools/build/meterPrivateProps.js says which and why those).
const meterTerserOptions = { ...terserOptions, mangle: { ...terserOptions.mangle, properties: { regex: new RegExp("^(?:" + METER_PRIVATE_PROPS.join("|") + ")$") } } };

function bundle(role, format = "es", terserOpts = role === "aggregator" ? aggTerserOptions : role === "meter" ? meterTerserOptions : terserOptions) {
  return {
    input: `app/${role}/main.ts`,
    output: { file: `build/${role}.js`, format, sourcemap: false },
    treeshake: { moduleSideEffects: false },
    plugins: [
      katsPlugin(root, ["modules", "test/selftest"]),
      typescript({ tsconfig: "tsconfig.json", noEmitOnError: true, outputToFilesystem: false }),
      terser(terserOpts),
      gateAndReportPlugin(root, role, settings.budgets[role]),
    ],
  };
}

// The aggregator's route modules (modules/aggregator/pages/routeTable.ts): each built
// alone into build/aggregator/<Storage name>.js, gated like the bundle, and evaluated
// by the resident server for one request. What they import is built into them (code in
// flash, several copies), so nothing of it stays in RAM between requests.
const ROUTE_MODULES = { "route.read": "read", "route.bill": "bill", "route.ctl": "control", "route.ses": "session", "route.ota": "ota" };
function routeModule(storageName, entry) {
  return {
    input: `app/aggregator/routes/${entry}.ts`,
    output: { file: `build/aggregator/${storageName}.js`, format: "es", sourcemap: false },
    treeshake: { moduleSideEffects: false },
    plugins: [
      typescript({ tsconfig: "tsconfig.json", noEmitOnError: true, outputToFilesystem: false }),
      terser({ ...aggTerserOptions, module: true }),
      storageModulePlugin(),
      gateAndReportPlugin(root, "aggregator:" + storageName, settings.budgets.storage.aggregator.bundle),
    ],
  };
}

// The touchscreen UI's screens (modules/ui/screens/index.ts SCREEN_NAMES, same order): each
// built alone into build/meterUi/ui<i>.js, gated for the meter images, and evaluated by the
// resident UI (build/meterUi.js) when the screen opens (modules/ports/device/display.ts
// loadScreenModule). What a screen imports is built into it: a closed screen's functions
// take no RAM (their code stays in flash, in several copies).
const UI_SCREENS = ["home", "measure", "profile", "energy", "quality", "events", "network", "settings", "calibrate"];
function uiScreenModule(name, i) {
  return {
    input: `app/meterUi/screens/${name}.ts`,
    output: { file: `build/meterUi/ui${i}.js`, format: "es", sourcemap: false },
    treeshake: { moduleSideEffects: false },
    plugins: [
      typescript({ tsconfig: "tsconfig.json", noEmitOnError: true, outputToFilesystem: false }),
      terser({ ...terserOptions, module: true }),
      storageModulePlugin(),
      gateAndReportPlugin(root, "meterUi:ui" + i, settings.budgets.meterUi),
    ],
  };
}

// The browser app: runs in current browsers only (modules/web/README.md), so no
// Espruino gate; ordinary terser; emitted gzipped into build/web/ for Storage.
const web = {
  input: "app/web/main.ts",
  output: { file: "build/web/app.js", format: "iife", sourcemap: false },
  plugins: [
    // npm packages the browser app uses (@noble/hashes for the upload's SHA-256)
    nodeResolve({ browser: true }),
    typescript({ tsconfig: "tsconfig.web.json", noEmitOnError: true, outputToFilesystem: false }),
    terser({ ecma: 2020, module: true, toplevel: true, compress: { passes: 3 }, format: { comments: false } }),
    webAssetsPlugin(root, settings.budgets.webGzip),
  ],
};

// meterUi: the meter's touchscreen UI, a second Storage file the meter loads only when a
// display answers (app/meter); its own budget (package.json meternet.budgets.meterUi). An
// IIFE: it is evaluated beside the meter bundle, whose mangled top-level names it would
// otherwise meet (measured on 2v29: "TypeError: Assignment to a constant").
export default [...["meter", "aggregator", "selftest"].map((role) => bundle(role)), ...Object.entries(ROUTE_MODULES).map((e) => routeModule(e[0], e[1])), bundle("meterUi", "iife"), ...UI_SCREENS.map(uiScreenModule), web];
