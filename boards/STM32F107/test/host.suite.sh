#!/usr/bin/env bash
# Host tests of the meter board's drivers against register-level fakes of
# bxCAN, ADC, DMA and timer (cmocka), and of the pure-C parts.
# needs-apt: gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm libcmocka-dev libmbedtls-dev
# Counts cmocka's "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" lines;
# last line: "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
board="$(dirname "$here")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$board"
CC="${CC:-gcc}"
CFLAGS=(-std=c11 -D_DEFAULT_SOURCE -O1 -g -Wall -Wextra -Werror -DMN_FAKE_REGS -fsanitize=address,undefined -fno-omit-frame-pointer)
passed=0; failed=0
# shellcheck source=cmockaCount.sh
source "$here/cmockaCount.sh"

cmocka_run() { # name binary
  local log="$out/$1.log"
  "$2" >"$log" 2>&1
  local rc=$?
  cat "$log"
  cmocka_count "$log" "$rc" "$1"
}

build() { # name sources...
  local name="$1"; shift
  if ! "$CC" "${CFLAGS[@]}" -o "$out/$name" "$@" -lcmocka -lm 2>"$out/$name.err"; then
    cat "$out/$name.err"; echo "$name: does not build"; failed=$((failed + 1)); return 1
  fi
}

if build canDriverTest test/canDriverTest.c can/canDriver.c can/canBitTiming.c can/canFilter.c can/canFrame.c \
     drivers/bxcan.c test/fake/fakeBxcan.c test/fake/fakeRegs.c; then
  cmocka_run canDriverTest "$out/canDriverTest"
fi
# The board's init (clocks, pins, AFIO remap, NVIC) on the fakes at the real addresses.
if build boardTest test/boardTest.c meternetBoard.c -I. adc/meterAdc.c adc/sampleClock.c drivers/adc.c drivers/dma.c \
     drivers/tim.c kernel/meterKernel.c kernel/harmonicFft.c kernel/meterKernelTables.c can/canDriver.c can/canBitTiming.c \
     can/canFilter.c can/canFrame.c drivers/bxcan.c test/fake/fakeBoard.c test/fake/fakeBxcan.c test/fake/fakeRegs.c; then
  cmocka_run boardTest "$out/boardTest"
fi
# SecOC (secoc/): RFC 4493, KDF and frame known answers, node state; AES from Debian's libmbedcrypto.
if "$CC" "${CFLAGS[@]}" -o "$out/secocTest" test/secocTest.c secoc/cmac.c secoc/secocFrame.c secoc/secocNode.c \
     secoc/secocCodec.c secoc/aesMbedtls.c -lcmocka -lmbedcrypto -lm 2>"$out/secocTest.err"; then
  cmocka_run secocTest "$out/secocTest"
else
  cat "$out/secocTest.err"; echo "secocTest: does not build (libmbedtls-dev installed?)"; failed=$((failed + 1))
fi
# OTA (ota/): ISO 15765-2 framing, the manifest under per-meter keys, the chunk receiver; SHA-256 and AES from libmbedcrypto.
if "$CC" "${CFLAGS[@]}" -o "$out/otaTest" test/otaTest.c ota/isotp.c ota/otaManifest.c ota/otaReceiver.c ota/otaSender.c ota/otaBoot.c ota/otaSha256Mbedtls.c \
     secoc/cmac.c secoc/aesMbedtls.c -lcmocka -lmbedcrypto 2>"$out/otaTest.err"; then
  cmocka_run otaTest "$out/otaTest"
else
  cat "$out/otaTest.err"; echo "otaTest: does not build (libmbedtls-dev installed?)"; failed=$((failed + 1))
fi
# OTA on the NOR and at boot: the W25Q driver, NOR staging, the boot hook with power cuts (test/fake/fakeW25q.c).
if "$CC" "${CFLAGS[@]}" -o "$out/otaNorTest" test/otaNorTest.c ota/w25q.c ota/otaNorStaging.c ota/otaBootHook.c ota/otaBoot.c ota/otaSwitch.c \
     ota/otaReceiver.c ota/otaManifest.c ota/otaSha256Mbedtls.c test/fake/fakeW25q.c secoc/cmac.c secoc/aesMbedtls.c \
     -lcmocka -lmbedcrypto 2>"$out/otaNorTest.err"; then
  cmocka_run otaNorTest "$out/otaNorTest"
else
  cat "$out/otaNorTest.err"; echo "otaNorTest: does not build"; failed=$((failed + 1))
fi
# The aggregator's sender over its NOR: the upload staged and verified there, chunks read from it, power cuts while staging.
if "$CC" "${CFLAGS[@]}" -o "$out/otaAggNorTest" test/otaAggNorTest.c ota/otaNorImage.c ota/w25q.c ota/otaAggLink.c ota/otaSender.c \
     ota/isotp.c ota/otaManifest.c ota/otaTxQueue.c ota/otaSha256Mbedtls.c test/fake/fakeW25q.c secoc/cmac.c secoc/aesMbedtls.c \
     -lcmocka -lmbedcrypto 2>"$out/otaAggNorTest.err"; then
  cmocka_run otaAggNorTest "$out/otaAggNorTest"
else
  cat "$out/otaAggNorTest.err"; echo "otaAggNorTest: does not build"; failed=$((failed + 1))
fi
adcSources=(test/meterAdcTest.c adc/meterAdc.c adc/sampleClock.c adc/windowView.c drivers/adc.c drivers/dma.c
     drivers/tim.c kernel/meterKernel.c kernel/harmonicFft.c kernel/meterKernelTables.c test/fake/fakeSampling.c test/fake/fakeRegs.c)
# The sampler as each meter image builds it: 50 Hz (METERNET_F107, 1024-point kernel)
# and 60 Hz (METERNET_F107_60HZ, -DMK_FFT_N_MAX=2048: 12-cycle windows).
if build meterAdcTest "${adcSources[@]}"; then
  cmocka_run meterAdcTest "$out/meterAdcTest"
fi
if build meterAdcTest2048 -DMK_FFT_N_MAX=2048 "${adcSources[@]}"; then
  cmocka_run meterAdcTest2048 "$out/meterAdcTest2048"
fi
if build pureTest test/pureTest.c can/canBitTiming.c can/canFilter.c can/canFrame.c adc/sampleClock.c adc/windowView.c; then
  "$out/pureTest" >"$out/pure.log" 2>&1; rc=$?
  cat "$out/pure.log"
  line=$(tail -1 "$out/pure.log")
  if [[ "$line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
    [ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ] && failed=$((failed + 1))
  else
    echo "pureTest: no closing line (status $rc)"; failed=$((failed + 1))
  fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
