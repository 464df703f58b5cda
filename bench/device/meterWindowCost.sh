#!/usr/bin/env bash
# The meter's JavaScript cost per measurement window on the real interpreter (issue 17, the
# x86-64 proxy): user-space instructions counted by valgrind's callgrind.
#
#   bash bench/device/meterWindowCost.sh INTERPRETER [BUNDLE] [N1] [N2]
#
# INTERPRETER: an Espruino Linux build (e.g. a 64-bit RELEASE=1 -Os build with 20 000
# variables, so that RAM is no limit); BUNDLE: build/meter.js (`npm run build` first);
# N1, N2: window counts (default 50 and 200). Never downloads; CI does not run it.
#
# Procedure: test/realInterpreter/prelude.js (the MeterADC stand-in) runs in measurement
# mode (MeterADC.measureWindows = N: start() delivers N windows back to back, then quit()),
# followed by the bundle, without meternet.json (no CAN link). The same prelude then drives
# an empty listener (a two-line bundle subscribing the events the meter subscribes). Per
# window = (I(bundle, N2) - I(bundle, N1)) / (N2 - N1) minus the same for the empty listener:
# start-up and the prelude's own stand-in work cancel out.
set -euo pipefail
espruino=${1:?usage: meterWindowCost.sh INTERPRETER [BUNDLE] [N1] [N2]}
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=${2:-$root/build/meter.js}
n1=${3:-50}
n2=${4:-200}
[ -x "$espruino" ] || { echo "not an executable: $espruino" >&2; exit 2; }
[ -f "$bundle" ] || { echo "no bundle $bundle: run npm run build" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind missing: apt-get install -y valgrind" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The empty listener subscribes the events the bundle subscribes ('window' before issue 17, the
# metering events after), so that the stand-in does the same work in both runs.
events=$(grep -o 'on("\(window\|reading\|event\|aggregate\)"' "$bundle" | sort -u | sed 's/on("//;s/"//')
[ -n "$events" ] || { echo "$bundle subscribes no MeterADC event" >&2; exit 2; }
{
  echo 'var a = new MeterADC();'
  echo 'a.setMetering({ calibration: {}, declaredV: 230, utcAtStartS: 0, readingEvery: 5 });'
  for e in $events; do echo "a.on(\"$e\", function () {});"; done
  echo 'a.start({ sampleRateHz: 12800, nominalHz: 50 });'
} >"$work/empty.js"

count() { # bundle windows -> instructions
  local js="$work/run-$2.js" out="$work/cg-$2.out"
  { cat "$root/test/realInterpreter/prelude.js"; echo "MeterADC.measureWindows = $2;"; cat "$1"; } >"$js"
  (cd "$work" && nice -n 10 valgrind --tool=callgrind --callgrind-out-file="$out" "$espruino" "$js" </dev/null >"$work/log-$2.txt" 2>&1) || true
  grep -q "@@DONE $2" "$work/log-$2.txt" || { echo "run of $1 with $2 windows did not finish:" >&2; tail -20 "$work/log-$2.txt" >&2; exit 1; }
  if grep -q "Uncaught\|OUT OF MEMORY\|MEMORY\b" "$work/log-$2.txt"; then echo "errors in the run of $1 ($2 windows):" >&2; grep -m5 "Uncaught\|MEMORY" "$work/log-$2.txt" >&2; exit 1; fi
  awk '/^(summary|totals):/ { print $2; exit }' "$out"
}

b1=$(count "$bundle" "$n1"); b2=$(count "$bundle" "$n2")
e1=$(count "$work/empty.js" "$n1"); e2=$(count "$work/empty.js" "$n2")
awk -v b1="$b1" -v b2="$b2" -v e1="$e1" -v e2="$e2" -v n1="$n1" -v n2="$n2" -v b="$(basename "$bundle")" -v ev="$(echo $events)" 'BEGIN {
  pb = (b2 - b1) / (n2 - n1); pe = (e2 - e1) / (n2 - n1);
  printf "%s: %d..%d windows: bundle %.0f, empty listener %.0f instructions per window\n", b, n1, n2, pb, pe;
  printf "meter JavaScript per window: %.3f M x86-64 instructions (events subscribed: %s)\n", (pb - pe) / 1e6, ev;
}'
