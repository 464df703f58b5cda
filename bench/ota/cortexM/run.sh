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
  -I"$board/ota" -I"$board/secoc" -I"$board/can" -I"$board/drivers" -I"$stub" -I"$stub/.." -I"$tree/libs/crypto" -I"$mb" -I"$mb/include" \
  -o "$out/cost.elf" "$board/test/qemu/startup.c" "$here/otaCost.c" "$board"/ota/*.c "$board/secoc/cmac.c" "$board/secoc/aesMbedtls.c" \
  "$board/can/canDriver.c" "$board/can/canBitTiming.c" "$board/can/canFilter.c" "$board/can/canFrame.c" "$board/drivers/bxcan.c" \
  "$mb/library/aes.c" "$mb/library/sha256.c" $(ls "$mb"/library/platform_util.c 2>/dev/null) "$crt0" -lm
echo "Cortex-M3 instructions per step (qemu-system-arm lm3s6965evb -icount shift=0, arm-none-eabi-gcc -Os, Espruino's mbedtls):"
timeout 300 qemu-system-arm -M lm3s6965evb -nographic -monitor none -serial none -icount shift=0 \
  -semihosting-config enable=on,target=native -kernel "$out/cost.elf" 2> >(grep -v "^Timer with period zero" >&2) | tee "$out/cost.txt"
v() { awk -v k="$1" '$1 == k {print $2}' "$out/cost.txt"; }
# the meter's C per chunk frame as the board runs it: receive interrupt + ring + take, the link and the
# NOR staging (in order), the time stamp's arithmetic; SPI1's bytes at its clock (8 MHz asked: 72 MHz / 8 = 9 MHz)
awk -v isr="$(v meter_rx_interrupt_ring_and_take_one_frame)" -v nor="$(v meter_chunk_frame_nor_staged_in_order)" \
    -v ts="$(v time_stamp_arithmetic_per_frame_soft_float)" -v b="$(v spi_bytes_per_chunk_in_order)" \
    -v sha="$(v meter_last_chunk_nor_read_back_and_sha256)" -v shab="$(v spi_bytes_last_chunk)" -v svc="$(v meter_ota_service_per_event)" 'BEGIN {
  per = isr + nor + ts; spiUs = b * 8 / 9;
  printf("meter C per chunk frame (interrupt %d + link and NOR staging %d + time stamp %d): %d instructions; SPI %.2f bytes = %.2f us at 9 MHz\n", isr, nor, ts, per, b, spiUs)
  for (r = 770; r <= 1000; r += 230)
    printf("meter at %d chunks/s: %.2f %% of 72 MHz at CPI 1, %.2f %% at CPI 1.5, plus SPI1 on the wire %.2f %% (the counted C only)\n", r, 100 * per * r / 72e6, 150 * per * r / 72e6, r * spiUs / 1e4)
  printf("per CAN event besides (mn_ota_service in the main loop: %d, its time stamp: %d): %d instructions; the interpreter part (event queue, lookups on CAN1): npx tsx bench/device/dispatchProbe.ts --espruino DIR\n", svc, ts, svc + ts)
  printf("the last chunk (the image read back from the NOR, its SHA-256, 20 805 B): %.1f ms at CPI 1, %.1f at CPI 1.5, plus %d SPI bytes = %.1f ms on the wire\n", sha / 72e3, 1.5 * sha / 72e3, shab, shab * 8 / 9e3)
}'
