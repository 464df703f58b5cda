// ESLint for device code only (what rollup bundles for Espruino 2v29): the same rules
// as the bundle gate, read from tools/gate/rules.js, so the editor shows an Espruino
// problem where it is written, with what to write instead. Host code (host/, tools/,
// bench/, tests) is ordinary Node and is not linted here.
import tseslint from "typescript-eslint";
import { SYNTAX_RULES, MISSING_GLOBALS, MISSING_STATICS, MISSING_METHODS, HOISTING, FOR_LET_CAPTURE }
  from "./tools/gate/rules.js";
import { capturedLoopLets } from "./tools/gate/forLetCapture.js";

const espruino = (what, instead) => `Espruino 2v29: ${what}. Instead: ${instead}.`;

const restrictedSyntax = SYNTAX_RULES.filter((r) => !r.sourceAllowed).flatMap((r) =>
  r.selectors.map((selector) => ({ selector, message: espruino(r.reason, r.instead) })));

const restrictedGlobals = Object.entries(MISSING_GLOBALS).map(([name, instead]) =>
  ({ name, message: espruino(`${name} is not defined`, instead) }));

const restrictedProperties = [
  ...Object.entries(MISSING_STATICS).flatMap(([object, members]) => Object.entries(members).map(([property, instead]) =>
    ({ object, property, message: espruino(`${object}.${property} is not defined`, instead) }))),
  ...Object.entries(MISSING_METHODS).map(([property, instead]) =>
    ({ property, message: espruino(`.${property}() is not defined`, instead) })),
];

const tsUseBeforeDefine = tseslint.plugin.rules["no-use-before-define"];

/** Local rules: the gate's checks that need scopes, with the gate's wording. */
const espruinoPlugin = {
  rules: {
    // typescript-eslint's rule (it understands types), with a message that says what to do.
    "no-use-before-define": {
      ...tsUseBeforeDefine,
      meta: { ...tsUseBeforeDefine.meta,
        messages: { noUseBeforeDefine: espruino(`'{{name}}' is ${HOISTING.reason}`, HOISTING.instead) } },
    },
    "no-for-let-capture": {
      meta: { type: "problem", docs: { description: FOR_LET_CAPTURE.reason }, schema: [] },
      create(context) {
        const declared = (node) => context.sourceCode.getDeclaredVariables(node);
        return {
          ForStatement(node) {
            for (const o of capturedLoopLets(node, declared, (n) => n.parent)) {
              context.report({ node: o.node, message: espruino(`'${o.node.name}': ${FOR_LET_CAPTURE.reason}`, FOR_LET_CAPTURE.instead) });
            }
          },
        };
      },
    },
  },
};

export default [
  // app/web and modules/web run in the browser only (modules/web/README.md): no Espruino rules.
  { ignores: ["build/", "node_modules/", "host/", "tools/", "bench/", "boards/", "**/*.test.ts", "modules/ports/contracts/", "app/web/", "modules/web/"] },
  {
    files: ["app/**/*.ts", "modules/**/*.ts", "test/selftest/**/*.ts"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: "latest", sourceType: "module" },
    plugins: { espruino: espruinoPlugin },
    rules: {
      "no-restricted-syntax": ["error", ...restrictedSyntax],
      "no-restricted-globals": ["error", ...restrictedGlobals],
      "no-restricted-properties": ["error", ...restrictedProperties],
      "espruino/no-use-before-define": ["error",
        { functions: true, classes: true, variables: true, enums: true, typedefs: false, ignoreTypeReferences: true }],
      "espruino/no-for-let-capture": "error",
    },
  },
];
