#!/usr/bin/env bash
# needs-apt: gcc gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
# The metering chain's C unit tests (test/meteringTest.c), end to end on the kernel
# (boards/STM32F107/kernel, fed by its test/testSignal.c source), built four ways from
# the same source: host gcc with the device's 1024-point kernel, host gcc with
# AddressSanitizer + UndefinedBehaviorSanitizer, host gcc with the addon's 2048-point
# kernel, and Cortex-M3 (arm-none-eabi-gcc -Os -Wall -Wextra -Werror, soft double) run
# under qemu-system-arm -M lm3s6965evb with semihosting. Last line: "N passed, M failed".
set -u
here="$(cd "$(dirname "$0")" && pwd)"
kernel="$here/../kernel"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
srcs=("$here"/mt*.c "$kernel/meterKernel.c" "$kernel/harmonicFft.c" "$kernel/meterKernelTables.c" "$kernel/test/testSignal.c" "$here/test/meteringTest.c")
warn=(-std=c99 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -ffp-contract=off)
. "$kernel/test/suiteCount.sh"

if build "host gcc" gcc -O2 "${warn[@]}" -o "$out/mt" "${srcs[@]}" -lm; then run "host gcc, MK_FFT_N_MAX=1024 (device)" "$out/mt"; fi
if build "host gcc, ASan+UBSan" gcc -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all "${warn[@]}" -o "$out/mt-san" "${srcs[@]}" -lm; then
  run "host gcc, AddressSanitizer + UndefinedBehaviorSanitizer" "$out/mt-san"
fi
if build "host gcc, 2048 points" gcc -O2 "${warn[@]}" -DMK_FFT_N_MAX=2048 -o "$out/mt-2048" "${srcs[@]}" -lm; then
  run "host gcc, MK_FFT_N_MAX=2048 (Node addon)" "$out/mt-2048"
fi
if build "cortex-m3" arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os "${warn[@]}" -ffunction-sections -fdata-sections \
  --specs=rdimon.specs -nostartfiles -T "$kernel/test/m3/lm3s6965.ld" -Wl,--gc-sections -o "$out/mt-m3.elf" \
  "${srcs[@]}" "$kernel/test/m3/startup.c" -lm; then
  run "Cortex-M3 under qemu-system-arm lm3s6965evb" timeout 300 qemu-system-arm -M lm3s6965evb -cpu cortex-m3 \
    -nographic -monitor none -serial none -semihosting-config enable=on,target=native -kernel "$out/mt-m3.elf"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
