#!/usr/bin/env bash
# needs-apt: gcc gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
# The meter kernel's C unit tests (test/meterKernelTest.c, and test/harmonicFftTest.c
# for the FFT and harmonic groups alone, test/rateSweepTest.c for every sampling rate), built
# from the same source: host gcc with the device's 1024-point buffers and 128-word ring, host
# gcc with the addon's 2048-point buffers (60 Hz windows) and 1024-word ring (rates up to
# 102.4 kHz), each also with AddressSanitizer and UndefinedBehaviorSanitizer, and Cortex-M3
# (arm-none-eabi-gcc -Os -Wall -Wextra -Werror) run under qemu-system-arm -M lm3s6965evb with
# semihosting.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
srcs=("$here/meterKernel.c" "$here/harmonicFft.c" "$here/meterKernelTables.c" "$here/test/testSignal.c" "$here/test/meterKernelTest.c")
warn=(-std=c99 -Wall -Wextra -Werror -D_DEFAULT_SOURCE)
. "$here/test/suiteCount.sh"

# four_ways NAME SOURCES...: builds one test program with host gcc (device build: 1024-point
# buffers, 128-word sample ring; addon build: 2048 points, -DMK_RING=1024 as binding.gyp and
# the analyze harness use), each also with ASan+UBSan, and for the Cortex-M3 (device build),
# and runs each. M3_ADDON=1 adds a Cortex-M3 run of the addon build (rates above 14.9 kHz).
four_ways() {
  local name="$1"
  shift
  if build "$name, host gcc, 1024 points" gcc -O2 "${warn[@]}" -o "$out/$name-1024" "$@" -lm; then
    run "$name, host gcc, MK_FFT_N_MAX=1024 MK_RING=128 (device)" "$out/$name-1024"
  fi
  if build "$name, host gcc, ASan+UBSan" gcc -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all "${warn[@]}" \
    -o "$out/$name-san" "$@" -lm; then
    run "$name, host gcc, AddressSanitizer + UndefinedBehaviorSanitizer (device build)" "$out/$name-san"
  fi
  if build "$name, host gcc, 2048 points" gcc -O2 "${warn[@]}" -DMK_FFT_N_MAX=2048 -DMK_RING=1024 -o "$out/$name-2048" "$@" -lm; then
    run "$name, host gcc, MK_FFT_N_MAX=2048 MK_RING=1024 (Node addon)" "$out/$name-2048"
  fi
  if build "$name, host gcc, ASan+UBSan, 2048 points" gcc -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all "${warn[@]}" \
    -DMK_FFT_N_MAX=2048 -DMK_RING=1024 -o "$out/$name-san2048" "$@" -lm; then
    run "$name, host gcc, AddressSanitizer + UndefinedBehaviorSanitizer (Node addon build)" "$out/$name-san2048"
  fi
  local m3=(arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -Os "${warn[@]}" -ffunction-sections -fdata-sections
    --specs=rdimon.specs -nostartfiles -T "$here/test/m3/lm3s6965.ld" -Wl,--gc-sections)
  local qemu=(timeout 300 qemu-system-arm -M lm3s6965evb -cpu cortex-m3 -nographic -monitor none -serial none
    -semihosting-config enable=on,target=native -kernel)
  if build "$name, cortex-m3" "${m3[@]}" -o "$out/$name-m3.elf" "$@" "$here/test/m3/startup.c" -lm; then
    run "$name, Cortex-M3 under qemu-system-arm lm3s6965evb" "${qemu[@]}" "$out/$name-m3.elf"
  fi
  if [[ "${M3_ADDON:-0}" == 1 ]] && build "$name, cortex-m3, 2048 points" "${m3[@]}" -DMK_FFT_N_MAX=2048 -DMK_RING=1024 \
    -o "$out/$name-m3-2048.elf" "$@" "$here/test/m3/startup.c" -lm; then
    run "$name, Cortex-M3 under qemu-system-arm lm3s6965evb, MK_FFT_N_MAX=2048 MK_RING=1024" "${qemu[@]}" "$out/$name-m3-2048.elf"
  fi
}

four_ways meterKernel "${srcs[@]}"
# every rate the kernel accepts (1 to 102.4 kHz, 42.5..57.5 and 51..69 Hz), on the Cortex-M3 too
M3_ADDON=1 four_ways rateSweep "$here/meterKernel.c" "$here/harmonicFft.c" "$here/meterKernelTables.c" "$here/test/testSignal.c" \
  "$here/test/rateSweepTest.c"
# mk_harmonic_groups alone (test/harmonicFftTest.c): known answers against a double DFT
four_ways harmonicFft "$here/harmonicFft.c" "$here/meterKernelTables.c" "$here/test/harmonicFftTest.c"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
