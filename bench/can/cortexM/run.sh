#!/usr/bin/env bash
# Instructions per SecOC operation on a Cortex-M3 under QEMU (see secocCost.c), with
# the AES of an Espruino tree's mbedtls (Espruino's own config, MBEDTLS_AES_ROM_TABLES).
#   bash bench/can/cortexM/run.sh /path/to/Espruino     # a RELEASE_2V29 tree; never downloads
# needs-apt: gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm. Not run by CI.
set -euo pipefail
tree="${1:?usage: run.sh ESPRUINO_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
board="$(cd "$here/../../../boards/STM32F107" && pwd)"
mb="$tree/libs/crypto/mbedtls"
[ -f "$mb/library/aes.c" ] || { echo "run.sh: $mb/library/aes.c not found: give a RELEASE_2V29 Espruino tree" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
crt0="$(arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb --specs=rdimon.specs -print-file-name=rdimon-crt0.o)"
# -Os as Espruino's STM32F1 build; the AES library's own defines
arm-none-eabi-gcc -std=gnu11 -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os --specs=rdimon.specs -nostartfiles \
  -T "$board/test/qemu/lm3s6965.ld" -Wl,--gc-sections -DUSE_AES -DUSE_CRYPTO \
  -I"$board/secoc" -I"$here/stub" -I"$tree/libs/crypto" -I"$mb" -I"$mb/include" \
  -o "$out/cost.elf" "$board/test/qemu/startup.c" "$here/secocCost.c" "$board"/secoc/*.c "$mb/library/aes.c" $(ls "$mb"/library/platform_util.c 2>/dev/null) "$crt0" -lm
echo "Cortex-M3 instructions per call (qemu-system-arm lm3s6965evb -icount shift=0, arm-none-eabi-gcc -Os, Espruino's mbedtls AES):"
timeout 120 qemu-system-arm -M lm3s6965evb -nographic -monitor none -serial none -icount shift=0 \
  -semihosting-config enable=on,target=native -kernel "$out/cost.elf" 2> >(grep -v "^Timer with period zero" >&2)
