// Bundles the real-interpreter bench entries (run.sh) with the settings of the main
// rollup.config.js (TypeScript to ES2015, terser without hoisting), no gate or KATs.
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";

const terserOptions = {
  ecma: 2015, module: false, toplevel: true,
  compress: { arrows: false, unsafe_arrows: false, hoist_funs: false, hoist_vars: false, hoist_props: false, keep_fargs: true, passes: 2, inline: 1 },
  mangle: { toplevel: true, reserved: ["E", "result", "BENCH_N", "BENCH_K", "BENCH_MODE", "print", "require", "process"] },
  format: { comments: false, ascii_only: true },
};
const out = process.env.BENCH_OUT || "build/bench-can";
export default ["meterPublish", "aggAnswer", "aggLink", "readingCost"].map((name) => ({
  input: `bench/can/interp/${name}.ts`,
  output: { file: `${out}/${name}.js`, format: "es" },
  treeshake: { moduleSideEffects: false },
  plugins: [typescript({ tsconfig: "bench/can/interp/tsconfig.json", noEmitOnError: true, outputToFilesystem: false }), terser(terserOptions)],
}));
