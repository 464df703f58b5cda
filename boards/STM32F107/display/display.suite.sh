#!/usr/bin/env bash
# The display drivers (ILI9325 over SPI, STMPE811 over I2C, drawing) on the host with
# the GRAM and register models (cmocka, ASan+UBSan), and cross-compiled for the
# Cortex-M3 with -Werror (sizes printed: the drivers' flash).
# needs-apt: gcc-arm-none-eabi libnewlib-arm-none-eabi libcmocka-dev
# Last line: "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
board="$(dirname "$here")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$board"
passed=0; failed=0
# shellcheck source=../test/cmockaCount.sh
source "$board/test/cmockaCount.sh"
srcs=(display/ili9325.c display/lcdDraw.c display/stmpe811.c display/font5x7.c)
if gcc -std=c11 -O1 -g -Wall -Wextra -Werror -I. -fsanitize=address,undefined -fno-omit-frame-pointer \
     -o "$out/displayTest" display/test/displayTest.c display/test/gramModel.c "${srcs[@]}" -lcmocka 2>"$out/err"; then
  "$out/displayTest" >"$out/log" 2>&1; rc=$?
  cat "$out/log"
  cmocka_count "$out/log" "$rc" displayTest
else cat "$out/err"; echo "displayTest does not build"; failed=$((failed + 1)); fi
total=0
for f in display/*.c jswrap/jswrap_meterlcd.c; do
  if arm-none-eabi-gcc -std=c11 -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os -Wall -Wextra -Werror -Wmissing-prototypes -I. -Itest/espruinoStub -c "$f" -o "$out/x.o" 2>"$out/err"; then
    t=$(arm-none-eabi-size "$out/x.o" | tail -1 | awk '{print $1 + $2}')
    total=$((total + t)); passed=$((passed + 1)); echo "ok arm-none-eabi-gcc $f (flash $t B)"
  else cat "$out/err"; failed=$((failed + 1)); echo "FAIL arm-none-eabi-gcc $f"; fi
done
echo "display drivers and binding, Cortex-M3 -Os, text+data: $total B (the linked figure: npm run firmware)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
