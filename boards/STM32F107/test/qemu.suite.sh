#!/usr/bin/env bash
# The meter board's C on a Cortex-M3 under qemu-system-arm (lm3s6965evb: 256 KB
# flash, 64 KB RAM, as the STM32F107) with semihosting for printf and the exit
# status: (1) the pure-C parts (CAN bit timing, filter encoding, frame checks,
# sample clock, window view), (2) the bxCAN driver tests against the register
# fake, through a small cmocka stand-in (test/qemu/shim; Debian's libcmocka is
# host-only), (3) the BASEPRI mask of drivers/mnReg.h on the core's NVIC. The ADC tests need more RAM than 64 KB (the kernel plus a long
# signal record) and run on the host only.
# needs-apt: gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm libcmocka-dev
# Last line: "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
board="$(dirname "$here")"
root="$(cd "$board/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$board"
flags=(-std=c11 -mcpu=cortex-m3 -mthumb -mfloat-abi=soft -Os -Wall -Wextra -Werror --specs=rdimon.specs -nostartfiles
       -T test/qemu/lm3s6965.ld -Wl,--gc-sections)
crt0="$(arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb --specs=rdimon.specs -print-file-name=rdimon-crt0.o)"
passed=0; failed=0
# shellcheck source=cmockaCount.sh
source "$here/cmockaCount.sh"

run_elf() { # name elf -> log in $out/name.log, returns qemu's status
  timeout 120 qemu-system-arm -M lm3s6965evb -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native -kernel "$2" >"$out/$1.log" 2>"$out/$1.err"
  local rc=$?
  grep -v "^Timer with period zero" "$out/$1.err" >&2
  cat "$out/$1.log"
  return $rc
}

# (1) pure C, closing line "N passed, M failed"
if arm-none-eabi-gcc "${flags[@]}" -o "$out/pure.elf" test/qemu/startup.c test/pureTest.c can/canBitTiming.c \
     can/canFilter.c can/canFrame.c adc/sampleClock.c adc/windowView.c "$crt0" -lm 2>"$out/err"; then
  run_elf pure "$out/pure.elf"; rc=$?
  line=$(tail -1 "$out/pure.log")
  if [[ "$line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
    [ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ] && { echo "pure: qemu status $rc"; failed=$((failed + 1)); }
  else
    echo "pure: no closing line from the target (qemu status $rc: a fault or a hang)"; failed=$((failed + 1))
  fi
else
  cat "$out/err"; echo "pure: does not build"; failed=$((failed + 1))
fi

# (2) bxCAN driver + register fake, cmocka summary lines
if arm-none-eabi-gcc "${flags[@]}" -DMN_FAKE_REGS -Itest/qemu/shim -o "$out/can.elf" test/qemu/startup.c \
     test/qemu/shim/cmockaShim.c test/canDriverTest.c can/canDriver.c can/canBitTiming.c can/canFilter.c \
     can/canFrame.c drivers/bxcan.c test/fake/fakeBxcan.c test/fake/fakeRegs.c "$crt0" 2>"$out/err"; then
  run_elf can "$out/can.elf"; rc=$?
  cmocka_count "$out/can.log" "$rc" can
else
  cat "$out/err"; echo "can: does not build"; failed=$((failed + 1))
fi
# (3) mnReg.h's BASEPRI mask on the core: only interrupts at or below the level wait
if arm-none-eabi-gcc "${flags[@]}" -o "$out/basepri.elf" test/qemu/startup.c test/qemu/basepriTest.c "$crt0" 2>"$out/err"; then
  run_elf basepri "$out/basepri.elf"; rc=$?
  line=$(tail -1 "$out/basepri.log")
  if [[ "$line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
    [ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ] && { echo "basepri: qemu status $rc"; failed=$((failed + 1)); }
  else
    echo "basepri: no closing line from the target (qemu status $rc: a fault or a hang)"; failed=$((failed + 1))
  fi
else
  cat "$out/err"; echo "basepri: does not build"; failed=$((failed + 1))
fi
# (3) the SecOC C (secoc/) with the AES of Espruino's mbedtls, only when an Espruino tree is
# given (MN_ESPRUINO_DIR=/path/to/Espruino; CI has none and skips it): the firmware's AES.
if [ -n "${MN_ESPRUINO_DIR:-}" ]; then
  mb="$MN_ESPRUINO_DIR/libs/crypto/mbedtls"
  if arm-none-eabi-gcc "${flags[@]}" -Wno-error -DUSE_AES -Itest/qemu/shim -I"$root/bench/can/cortexM/stub" -I"$MN_ESPRUINO_DIR/libs/crypto" -I"$mb" \
       -I"$mb/include" -o "$out/secoc.elf" test/qemu/startup.c test/qemu/shim/cmockaShim.c test/secocTest.c secoc/*.c \
       "$mb/library/aes.c" "$crt0" -lm 2>"$out/err"; then
    run_elf secoc "$out/secoc.elf"; rc=$?
    cmocka_count "$out/secoc.log" "$rc" secoc
  else
    cat "$out/err"; echo "secoc: does not build"; failed=$((failed + 1))
  fi
else
  echo "secoc under QEMU: skipped (set MN_ESPRUINO_DIR to an Espruino RELEASE_2V29 tree for its mbedtls AES)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
