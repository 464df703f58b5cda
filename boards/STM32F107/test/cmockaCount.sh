# Sourced by the C suites (host, qemu, display): adds one cmocka run's summary lines
# ("[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)") to the caller's `passed` and
# `failed`. A nonzero exit status with no FAILED line (a crash, a sanitizer abort, a
# QEMU fault) counts as one failure, so a run that dies early is never a pass.
cmocka_count() { # log-file exit-status name
  local p f
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$1" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$1" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$3: exited with status $2"; fi
  passed=$((passed + p)); failed=$((failed + f))
}
