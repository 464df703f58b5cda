// The stored (pretokenised) form: the CLI plugin's tokeniser and our device-faithful
// untokeniser, on the constructs the bundles use; every built bundle round-trips.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";
import { tokenise, untokenise, isPretokenised, storedFormDifference } from "./pretokenise.js";

const root = new URL("../../", import.meta.url).pathname;

/** Runs code in a fresh context and returns its `result`. */
function run(code: string): unknown {
  const ctx = vm.createContext({ atob: (b: string) => Buffer.from(b, "base64").toString("latin1") });
  vm.runInContext(code, ctx);
  return JSON.stringify(ctx.result);
}

const CONSTRUCTS = [
  // strings: high bytes, NUL, quotes, escapes; an atob() literal the CLI decodes at store time
  'var result=["\\x00\\xff\\xb0C","a\\"b\'c\\\\","\\n\\t","",atob("AAEC/w==").length,"\\u00e9"];',
  // numbers: the raw-integer boundaries, negatives the CLI folds, floats, hex, exponent
  "var a=0,b=-1,c=127,d=128,e=-128,f=-129,g=32767,h=32768,i=-32768,j=-32769,k=1.5,l=-0.25,m=0xff,n=1e3,o=4294967295;var result=[a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p(-5),x?-7:8];function p(v){return v}var x=1;",
  "var result=[5..toString(),(3).toFixed(1),typeof 1,1 in[1,2],void 0,10/2/5,[1]instanceof Array];",
  // regexes beside division, keywords next to words
  'var s="a/b/c",r=/\\/(b)\\//g;var result=[s.replace(r,"$1"),s.split("/").length/3,typeof/x/.test];',
  "class A{constructor(v){this.v=v}static k(){return 2}get g(){return this.v*A.k()}}var result=[new A(4).g,(function(){try{throw new Error(\"e\")}catch(e){return e.message}finally{}})()];",
  "var o={a:-1,b:[-2,-300],'c d':3};var result=[o.a,o.b,o['c d'],!0,!1,null==undefined];",
  "var t=0;for(var q=0;q<10;q++){if(q%2)continue;t+=q}do{t--}while(t>15);switch(t){case 15:t=-1;break;default:t=0}var result=t;",
];

for (const [n, code] of CONSTRUCTS.entries()) {
  test(`construct ${n}: the stored form untokenised runs as the plain code`, () => {
    const stored = tokenise(code);
    assert.ok(stored.length < code.length, "stored is smaller");
    assert.ok(isPretokenised(stored));
    assert.equal(run(untokenise(stored)), run(code));
  });
}

test("raw integers are signed as the device reads them (src/jslex.c int8_t/int16_t); the CLI's own untokenise reads them unsigned", () => {
  const stored = tokenise("var result=[0,-1,-300];");
  assert.ok(stored.includes("\xd4\xff"), "-1 is stored as LEX_RAW_INT8 0xFF");
  assert.equal(run(untokenise(stored)), "[0,-1,-300]");
  // the CLI plugin's untokenise, as shipped (so this test notices when it is fixed)
  const require = createRequire(import.meta.url);
  const Espruino = { Core: { Config: { add() {} }, Env: { getBoardData: () => ({}) }, Utils: { toJSONishString: JSON.stringify } }, Config: {}, addProcessor() {}, Plugins: {} as Record<string, { untokenise: (s: string) => string }> };
  vm.runInNewContext(readFileSync(require.resolve("espruino/plugins/pretokenise.js"), "utf8"), { acorn: require("acorn"), Espruino, console });
  assert.equal(run(Espruino.Plugins.Pretokenise.untokenise(stored)), "[0,255,65236]");
});

test("host text with high characters inside strings or comments is not taken for tokens", () => {
  const code = 'var result="\xb0C \x8a\xd1"; // \xd4 ok\n/* \xd5 */';
  assert.equal(untokenise(code), code);
  assert.equal(isPretokenised(code), false);
  assert.equal(isPretokenised("var result=1;"), false);
});

test("a difference between plain and stored is reported with where it is", () => {
  assert.equal(storedFormDifference("var a=1;", tokenise("var a=1;")), null);
  assert.match(storedFormDifference("var a=1;", tokenise("var a=2;")) as string, /token 3: plain num 1/);
  assert.match(storedFormDifference("var a=`x`;", tokenise("var a=`x`;")) as string, /template literal/);
});

test("untokenise refuses bytes that are no 2v29 token and strings that run past the end", () => {
  assert.throws(() => untokenise("a=\xc9"), /byte 0xc9 at 2 is no token/);
  assert.throws(() => untokenise("a=\xd1\x05ab"), /runs past the end/);
});

const BUILT = ["meter", "aggregator", "selftest", "meterUi", "aggregator/route.read", "aggregator/route.bill", "aggregator/route.ctl", "aggregator/route.ses", "aggregator/route.ota", ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => "meterUi/ui" + i)];
test("every built bundle's stored file is the CLI's PRETOKENISE=2 form of its plain file, and round-trips", { skip: !existsSync(root + "build/stored/meter.js") && "npm run build first" }, () => {
  for (const b of BUILT) {
    const plain = readFileSync(`${root}build/${b}.js`, "utf8");
    const stored = readFileSync(`${root}build/stored/${b}.js`, "latin1");
    assert.equal(stored, tokenise(plain), b);
    assert.equal(storedFormDifference(plain, stored), null, b);
    // a small screen module of the UI, and the selftest (its checks' messages), are mostly
    // strings and numbers, which do not shrink: 0.95 there
    assert.ok(stored.length < (b.startsWith("meterUi/") || b === "selftest" ? 0.95 : 0.9) * plain.length, `${b}: ${stored.length} of ${plain.length} bytes`);
  }
});
