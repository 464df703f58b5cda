#!/usr/bin/env bash
# The aggregator link's C per second of device time with 64 meters (linkSecond.c):
# (a) x86-64 instructions under valgrind's callgrind (the unit of bench/can/interp), the
#     aggregator's calls only (--toggle-collect), Debian's libmbedcrypto AES;
# (b) with an Espruino tree given: Cortex-M3 instructions under qemu-system-arm
#     (lm3s6965evb, -icount shift=0), arm-none-eabi-gcc -Os, the tree's mbedtls AES.
#   bash bench/can/aglink/run.sh [/path/to/Espruino]     # never downloads; not run by CI
# needs-apt: gcc valgrind libmbedtls-dev gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
board="$(cd "$here/../../../boards/STM32F107" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
src=("$here/linkSecond.c" "$board"/aglink/aglinkSchedule.c "$board"/aglink/aglinkAnswers.c "$board"/secoc/cmac.c "$board"/secoc/secocFrame.c
  "$board"/secoc/secocNode.c "$board"/secoc/secocCodec.c)
gcc -std=c99 -O2 -g -I"$board/aglink" -I"$board/secoc" -o "$out/host" "${src[@]}" "$board/secoc/aesMbedtls.c" -lmbedcrypto -lm
valgrind --tool=callgrind --callgrind-out-file="$out/cg" --toggle-collect=mn_ag_tick --toggle-collect=mn_ag_receive "$out/host" >"$out/host.log" 2>"$out/vg.log"
cat "$out/host.log"
total=$(grep "^summary:" "$out/cg" | awk '{print $2}')
perS=$(awk '/answers per device second/ {print $5}' "$out/host.log")
# the collected calls span 20 s (10 s warm-up + 10 s): per second is total / 20
echo "x86-64 instructions (callgrind, gcc -O2, libmbedcrypto AES), link calls over 20 s of device time: $total;" \
  "per device second $((total / 20)), per answer $(awk -v t="$total" -v s="$perS" 'BEGIN{printf "%.0f", t/20/s}')"
tree="${1:-}"
if [ -n "$tree" ]; then
  mb="$tree/libs/crypto/mbedtls"
  [ -f "$mb/library/aes.c" ] || { echo "run.sh: $mb/library/aes.c not found: give a RELEASE_2V29 Espruino tree" >&2; exit 2; }
  crt0="$(arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb --specs=rdimon.specs -print-file-name=rdimon-crt0.o)"
  arm-none-eabi-gcc -std=gnu11 -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os --specs=rdimon.specs -nostartfiles \
    -T "$board/test/qemu/lm3s6965.ld" -Wl,--gc-sections -DUSE_AES -DUSE_CRYPTO \
    -I"$board/aglink" -I"$board/secoc" -I"$here/../cortexM/stub" -I"$tree/libs/crypto" -I"$mb" -I"$mb/include" \
    -o "$out/m3.elf" "$board/test/qemu/startup.c" "${src[@]}" "$board/secoc/aesMbedtls.c" "$mb/library/aes.c" \
    $(ls "$mb"/library/platform_util.c 2>/dev/null) "$crt0" -lm
  timeout 300 qemu-system-arm -M lm3s6965evb -nographic -monitor none -serial none -icount shift=0 \
    -semihosting-config enable=on,target=native -kernel "$out/m3.elf" 2> >(grep -v "^Timer with period zero" >&2)
fi
