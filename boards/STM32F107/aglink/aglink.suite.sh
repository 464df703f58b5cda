#!/usr/bin/env bash
# needs-apt: gcc gcc-arm-none-eabi libnewlib-arm-none-eabi libmbedtls-dev
# The aggregator link's C unit tests (test/aglinkTest.c): host gcc -O2, and host gcc with
# AddressSanitizer + UndefinedBehaviorSanitizer, over the real SecOC C (AES from Debian's
# libmbedcrypto, as secocTest); then the link's C compiled for the Cortex-M3 as the
# aggregator image builds it (arm-none-eabi-gcc -Os -Werror), its flash printed, and
# jswrap_can.c with -DMN_AGLINK (CAN1's link* methods) against test/espruinoStub.
# Last line: "N passed, M failed".
set -u
here="$(cd "$(dirname "$0")" && pwd)"
board="$(dirname "$here")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
. "$board/kernel/test/suiteCount.sh"
warn=(-std=c99 -Wall -Wextra -Werror -D_DEFAULT_SOURCE)
srcs=("$here/test/aglinkTest.c" "$here/aglinkSchedule.c" "$here/aglinkAnswers.c" "$here/aglinkCommands.c" "$board/secoc/cmac.c" "$board/secoc/secocFrame.c"
  "$board/secoc/secocNode.c" "$board/secoc/secocCodec.c" "$board/secoc/aesMbedtls.c")

if build "aglink, host gcc" gcc -O2 "${warn[@]}" -o "$out/aglink" "${srcs[@]}" -lmbedcrypto -lm; then
  run "aglink, host gcc -O2" "$out/aglink"
fi
if build "aglink, host gcc, ASan+UBSan" gcc -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all "${warn[@]}" \
  -o "$out/aglink-san" "${srcs[@]}" -lmbedcrypto -lm; then
  run "aglink, host gcc, AddressSanitizer + UndefinedBehaviorSanitizer" "$out/aglink-san"
fi
# The device build: warnings are errors, and the flash it costs (text + data).
echo "== aglink, arm-none-eabi-gcc -mcpu=cortex-m3 -Os"
if command -v arm-none-eabi-gcc >/dev/null; then
  for f in aglinkSchedule aglinkAnswers aglinkCommands; do
    if build "$f, cortex-m3" arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -Os -ffunction-sections -fdata-sections "${warn[@]}" \
      -c -o "$out/$f.o" "$here/$f.c"; then
      passed=$((passed + 1))
      arm-none-eabi-size "$out/$f.o" | tail -1 | awk -v f="$f" '{ print "ok " f ".c compiles for the Cortex-M3: " $1 + $2 " bytes of flash" }'
    fi
  done
  # CAN1's link* binding as the aggregator image compiles it (-DMN_AGLINK), against the
  # Espruino declarations of test/espruinoStub (cross.suite.sh compiles it without the link)
  if build "jswrap_can.c -DMN_AGLINK, cortex-m3" arm-none-eabi-gcc -std=c11 -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os -Wall -Wextra -Werror \
    -Wmissing-prototypes -I"$board" -I"$board/test/espruinoStub" -DMN_AGLINK -c -o "$out/jswrap_can.o" "$board/jswrap/jswrap_can.c"; then
    passed=$((passed + 1))
    arm-none-eabi-size "$out/jswrap_can.o" | tail -1 | awk '{ print "ok jswrap_can.c -DMN_AGLINK compiles for the Cortex-M3: " $1 + $2 " bytes of flash" }'
  fi
else
  echo "arm-none-eabi-gcc missing: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
