#!/usr/bin/env bash
# x86-64 instructions per meter reading into the aggregator's store (bench/can/interp/readingCost.ts)
# under valgrind callgrind: N = 0 and N readings, difference / N, for BENCH_MODE 0 1 2 (MODES="0 1 2 3" for all).
#   bash bench/aggregator/reading.sh ESPRUINO_BIN [N]        # e.g. /work/scratch/bin/espruino64-20000 640
set -euo pipefail
bin="${1:?usage: reading.sh ESPRUINO_BIN [N]}"
n="${2:-640}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
(cd "$root" && BENCH_OUT="$out/js" npx rollup -c bench/can/interp/rollup.config.js >"$out/rollup.log" 2>&1) || { cat "$out/rollup.log"; exit 1; }
count() {
  { echo "var BENCH_N = $2, BENCH_MODE = $1;"; cat "$out/js/readingCost.js"; } > "$out/r.$1.$2.js"
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.$2" "$bin" --test "$out/r.$1.$2.js" >"$out/r.$1.$2.log" 2>&1 || true
  grep -aq "PASS" "$out/r.$1.$2.log" || { echo "mode $1 N=$2 did not PASS" >&2; tail -5 "$out/r.$1.$2.log" >&2; exit 1; }
  grep "^summary:" "$out/cg.$1.$2" | awk '{print $2}'
}
for mode in ${MODES:-0 1 2}; do
  a=$(count "$mode" 0); b=$(count "$mode" "$n")
  echo "mode $mode: $(( (b - a) / n )) x86-64 instructions per reading (N=$n)"
done
