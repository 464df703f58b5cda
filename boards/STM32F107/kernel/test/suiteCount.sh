# Sourced by the C test suites (kernel/meterKernel.suite.sh, metering/metering.suite.sh):
# run/build add to $passed and $failed; the caller sets $out (a temporary folder).
passed=0
failed=0

# run LABEL COMMAND...: runs a test binary, adds its "N passed, M failed" line
run() {
  local label="$1"
  shift
  echo "== $label"
  "$@" >"$out/log" 2>"$out/err"
  local rc=$?
  grep -v '^Timer with period zero' "$out/err" >&2
  cat "$out/log"
  local last
  last="$(tail -n 1 "$out/log")"
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    if [[ $rc -ne 0 && ${BASH_REMATCH[2]} -eq 0 ]]; then
      echo "$label: exit code $rc without a failed test"
      failed=$((failed + 1))
    fi
  else
    echo "$label: no result line (exit code $rc)"
    failed=$((failed + 1))
  fi
}

# build LABEL COMMAND...: counts a failed build as a failed test
build() {
  local label="$1"
  shift
  if ! "$@"; then
    echo "$label: build failed"
    failed=$((failed + 1))
    return 1
  fi
}
