#!/usr/bin/env bash
# Instructions per OTA step on a Cortex-M3 under QEMU (see otaCost.c), with the AES and
# SHA-256 of an Espruino tree's mbedtls; prints the meter's CPU share at a chunk rate.
#   bash bench/ota/cortexM/run.sh /path/to/Espruino     # a RELEASE_2V29 tree; never downloads
# needs-apt: gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm. Not run by CI.
set -euo pipefail
tree="${1:?usage: run.sh ESPRUINO_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
board="$(cd "$here/../../../boards/STM32F107" && pwd)"
stub="$(cd "$here/../../can/cortexM/stub" && pwd)"
mb="$tree/libs/crypto/mbedtls"
[ -f "$mb/library/sha256.c" ] || { echo "run.sh: $mb/library/sha256.c not found: give a RELEASE_2V29 Espruino tree" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
crt0="$(arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb --specs=rdimon.specs -print-file-name=rdimon-crt0.o)"
# -Os as Espruino's STM32F1 build; Espruino's mbedtls config (SHA-256: MBEDTLS_SHA256_SMALLER, as the meter images)
arm-none-eabi-gcc -std=gnu11 -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os --specs=rdimon.specs -nostartfiles \
  -T "$board/test/qemu/lm3s6965.ld" -Wl,--gc-sections -DUSE_AES -DUSE_CRYPTO -DUSE_SHA256 \
  -I"$board/ota" -I"$board/secoc" -I"$stub" -I"$stub/.." -I"$tree/libs/crypto" -I"$mb" -I"$mb/include" \
  -o "$out/cost.elf" "$board/test/qemu/startup.c" "$here/otaCost.c" "$board"/ota/*.c "$board/secoc/cmac.c" "$board/secoc/aesMbedtls.c" \
  "$mb/library/aes.c" "$mb/library/sha256.c" $(ls "$mb"/library/platform_util.c 2>/dev/null) "$crt0" -lm
echo "Cortex-M3 instructions per step (qemu-system-arm lm3s6965evb -icount shift=0, arm-none-eabi-gcc -Os, Espruino's mbedtls):"
timeout 300 qemu-system-arm -M lm3s6965evb -nographic -monitor none -serial none -icount shift=0 \
  -semihosting-config enable=on,target=native -kernel "$out/cost.elf" 2> >(grep -v "^Timer with period zero" >&2) | tee "$out/cost.txt"
per=$(awk '$1 == "meter_chunk_frame_taken_and_staged" {print $2}' "$out/cost.txt")
awk -v p="$per" 'BEGIN { for (r = 770; r <= 1000; r += 230) printf("meter at %d chunks/s: %.2f %% of 72 MHz at CPI 1, %.2f %% at CPI 1.5 (the C path only)\n", r, 100 * p * r / 72e6, 150 * p * r / 72e6) }'
