#!/usr/bin/env bash
# needs-apt: gcc gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
# The meter kernel's C unit tests (test/meterKernelTest.c, and test/harmonicFftTest.c
# for the FFT and harmonic groups alone), built three ways from
# the same source: host gcc with the device's 1024-point buffers, host gcc with the
# addon's 2048-point buffers (60 Hz windows), and Cortex-M3 (arm-none-eabi-gcc -Os
# -Wall -Wextra -Werror) run under qemu-system-arm -M lm3s6965evb with semihosting;
# plus a host build with AddressSanitizer and UndefinedBehaviorSanitizer.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
srcs=("$here/meterKernel.c" "$here/harmonicFft.c" "$here/meterKernelTables.c" "$here/test/testSignal.c" "$here/test/meterKernelTest.c")
warn=(-std=c99 -Wall -Wextra -Werror -D_DEFAULT_SOURCE)
. "$here/test/suiteCount.sh"

# four_ways NAME SOURCES...: builds one test program with host gcc (device 1024-point and
# addon 2048-point buffers, and with ASan+UBSan) and for the Cortex-M3, and runs each.
four_ways() {
  local name="$1"
  shift
  if build "$name, host gcc, 1024 points" gcc -O2 "${warn[@]}" -o "$out/$name-1024" "$@" -lm; then
    run "$name, host gcc, MK_FFT_N_MAX=1024 (device)" "$out/$name-1024"
  fi
  if build "$name, host gcc, ASan+UBSan" gcc -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all "${warn[@]}" \
    -o "$out/$name-san" "$@" -lm; then
    run "$name, host gcc, AddressSanitizer + UndefinedBehaviorSanitizer" "$out/$name-san"
  fi
  if build "$name, host gcc, 2048 points" gcc -O2 "${warn[@]}" -DMK_FFT_N_MAX=2048 -o "$out/$name-2048" "$@" -lm; then
    run "$name, host gcc, MK_FFT_N_MAX=2048 (Node addon)" "$out/$name-2048"
  fi
  if build "$name, cortex-m3" arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -Os "${warn[@]}" -ffunction-sections -fdata-sections \
    --specs=rdimon.specs -nostartfiles -T "$here/test/m3/lm3s6965.ld" -Wl,--gc-sections -o "$out/$name-m3.elf" \
    "$@" "$here/test/m3/startup.c" -lm; then
    run "$name, Cortex-M3 under qemu-system-arm lm3s6965evb" timeout 300 qemu-system-arm -M lm3s6965evb -cpu cortex-m3 \
      -nographic -monitor none -serial none -semihosting-config enable=on,target=native -kernel "$out/$name-m3.elf"
  fi
}

four_ways meterKernel "${srcs[@]}"
# mk_harmonic_groups alone (test/harmonicFftTest.c): known answers against a double DFT
four_ways harmonicFft "$here/harmonicFft.c" "$here/meterKernelTables.c" "$here/test/harmonicFftTest.c"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
