#!/usr/bin/env bash
# The pure-C parts of the meter board's native code (CAN bit timing, filter
# encoding, frame checks, sample clock, window view) built for the Cortex-M3
# and run under qemu-system-arm (lm3s6965evb: 256 KB flash, 64 KB RAM) with
# semihosting for printf and the exit status.
# needs-apt: gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm libcmocka-dev
# Last line: "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
board="$(dirname "$here")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$board"
flags=(-std=c11 -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os -Wall -Wextra -Werror --specs=rdimon.specs -nostartfiles
       -T test/qemu/lm3s6965.ld -Wl,--gc-sections)
crt0="$(arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb --specs=rdimon.specs -print-file-name=rdimon-crt0.o)"
if ! arm-none-eabi-gcc "${flags[@]}" -o "$out/pure.elf" test/qemu/startup.c test/pureTest.c can/canBitTiming.c \
     can/canFilter.c can/canFrame.c adc/sampleClock.c adc/windowView.c "$crt0" -lm 2>"$out/err"; then
  cat "$out/err"; echo "0 passed, 1 failed"; exit 1
fi
timeout 60 qemu-system-arm -M lm3s6965evb -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$out/pure.elf" >"$out/log" 2>"$out/qemu.err"
rc=$?
grep -v "^Timer with period zero" "$out/qemu.err" >&2
cat "$out/log"
line=$(tail -1 "$out/log")
if [[ "$line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  p=${BASH_REMATCH[1]}; f=${BASH_REMATCH[2]}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then echo "qemu exit status $rc"; f=1; fi
else
  echo "no closing line from the target (qemu status $rc: a fault or a hang)"; p=0; f=1
fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
