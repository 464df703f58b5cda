#!/usr/bin/env bash
# The aggregator's own JavaScript per device second with 64 meters, split into its parts
# (issue 17): bench/can/interp/aggLink.ts (the C link's rows as the C gives them, joined
# into the store, and Aggregator.tick once a second) under valgrind callgrind, with
# BENCH_MODE 0 (all), 1 (rows not joined: no store), 2 (no Aggregator.tick), 3 (neither),
# each at N = 0 and N = S device seconds after a 10 s warm-up; per second = difference / S.
#   bash bench/aggregator/run.sh ESPRUINO_BIN [S]      # e.g. /work/scratch/bin/espruino64-20000 10
# ESPRUINO_BIN: an Espruino 2v29 Linux build with CRYPTO/AES; never downloaded; not run by CI.
# KEEP=dir keeps the callgrind files (callgrind_annotate DIR/cg.MODE.S).
set -euo pipefail
bin="${1:?usage: run.sh ESPRUINO_BIN [S]}"
s="${2:-10}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${KEEP:-$(mktemp -d)}"
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT
(cd "$root" && BENCH_OUT="$out/js" npx rollup -c bench/can/interp/rollup.config.js >"$out/rollup.log" 2>&1) || { cat "$out/rollup.log"; exit 1; }
count() { # mode N -> instructions
  { echo "var BENCH_N = $2, BENCH_K = 64, BENCH_MODE = $1;"; cat "$out/js/aggLink.js"; } > "$out/run.$1.$2.js"
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.$2" "$bin" --test "$out/run.$1.$2.js" >"$out/run.$1.$2.log" 2>&1 || true
  grep -aq "PASS" "$out/run.$1.$2.log" || { echo "mode $1 N=$2 did not PASS:" >&2; tail -5 "$out/run.$1.$2.log" >&2; exit 1; }
  grep "^summary:" "$out/cg.$1.$2" | awk '{print $2}'
}
declare -A per
for mode in ${MODES:-0 1 2 3}; do
  a=$(count "$mode" 0); b=$(count "$mode" "$s")
  per[$mode]=$(( (b - a) / s ))
  echo "mode $mode: $a (N=0) $b (N=$s) -> ${per[$mode]} per device second"
done
pct() { awk -v p="$1" -v c="$2" 'BEGIN{printf "%.1f %%", p*c/72e6*100}'; }
if [ -n "${per[0]:-}" ] && [ -n "${per[3]:-}" ]; then
  echo "x86-64 instructions per device second, 64 meters ($(basename "$bin")):"
  echo "  whole path (link tick in JS, rows, store, Aggregator.tick): ${per[0]}  ($(pct "${per[0]}" 1) of 72 MHz at CPI 1.0, $(pct "${per[0]}" 1.5) at 1.5)"
  [ -n "${per[1]:-}" ] && echo "  store (rows joined into readings): $(( per[0] - per[1] ))"
  [ -n "${per[2]:-}" ] && echo "  Aggregator.tick (intervals, decisions, save check): $(( per[0] - per[2] ))"
  echo "  the rest (link tick, row fetch; stubbed natives): ${per[3]}"
fi
