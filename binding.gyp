{
  # The meter kernel (boards/STM32F107/kernel, pure C), the metering chain and the sampler
  # (boards/STM32F107/adc over the register fakes of boards/STM32F107/test/fake) as a Node addon for the host
  # runtime and `meternet analyze`. Built by `npm install` (scripts.install runs
  # `node-gyp configure build`: not `rebuild`, whose clean step deletes build/,
  # where rollup's bundles live too). Output: build/Release/meterKernel.node.
  "targets": [
    {
      "target_name": "meterKernel",
      "sources": [
        "host/native/meterKernelAddon.cc",
        "host/native/meterAdcAddon.cc",
        "host/native/windowJs.cc",
        "host/native/canDriverAddon.cc",
        "boards/STM32F107/can/canDriver.c",
        "boards/STM32F107/can/canBitTiming.c",
        "boards/STM32F107/can/canFilter.c",
        "boards/STM32F107/can/canFrame.c",
        "boards/STM32F107/drivers/bxcan.c",
        "boards/STM32F107/test/fake/fakeBxcan.c",
        "boards/STM32F107/adc/meterAdc.c",
        "boards/STM32F107/adc/sampleClock.c",
        "boards/STM32F107/adc/windowView.c",
        "boards/STM32F107/drivers/adc.c",
        "boards/STM32F107/drivers/dma.c",
        "boards/STM32F107/drivers/tim.c",
        "boards/STM32F107/test/fake/fakeSampling.c",
        "boards/STM32F107/test/fake/fakeRegs.c",
        "boards/STM32F107/kernel/meterKernel.c",
        "boards/STM32F107/kernel/harmonicFft.c",
        "boards/STM32F107/kernel/meterKernelTables.c",
        "boards/STM32F107/metering/mtAggregate.c",
        "boards/STM32F107/metering/mtCalibration.c",
        "boards/STM32F107/metering/mtChain.c",
        "boards/STM32F107/metering/mtEnergy.c",
        "boards/STM32F107/metering/mtProfile.c",
        "boards/STM32F107/metering/mtReading.c",
        "boards/STM32F107/metering/mtRetune.c",
        "boards/STM32F107/metering/mtSqrt.c",
        "boards/STM32F107/metering/mtVoltageEvents.c"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "boards/STM32F107",
        "boards/STM32F107/kernel",
        "boards/STM32F107/metering"
      ],
      # 2048 points: 12-cycle (60 Hz) windows too; 10-cycle windows use 1024 as on the device.
      # MK_RING=1024: records sampled up to 102.4 kHz (the device's 128-word ring stops at 14.9 kHz)
      # MN_FAKE_REGS: the sampler's drivers (boards/STM32F107/adc, drivers) reach the register
      # models of the board tests (boards/STM32F107/test/fake), as in host.suite.sh.
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "MK_FFT_N_MAX=2048", "MK_QUEUE_LEN=2", "MK_RING=1024", "MN_FAKE_REGS"],
      # -ffp-contract=off: no fused multiply-add, so the metering doubles round as the device's do
      "cflags_c": ["-std=c99", "-O2", "-Wall", "-Wextra", "-ffp-contract=off"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall"]
    },
    # SecOC framing (boards/STM32F107/secoc) for the host's CAN controllers
    # (host/canbus/secocLayer.ts): build/Release/meterSecoc.node. Also the aggregator
    # link (boards/STM32F107/aglink, class AgLink over a SecocNode's state). AES from
    # Debian's libmbedcrypto (libmbedtls-dev), the API the board's mbedtls offers.
    {
      "target_name": "meterSecoc",
      "sources": [
        "host/native/secocAddon.cc",
        "boards/STM32F107/secoc/cmac.c",
        "boards/STM32F107/secoc/secocFrame.c",
        "boards/STM32F107/secoc/secocNode.c",
        "boards/STM32F107/secoc/secocCodec.c",
        "boards/STM32F107/secoc/aesMbedtls.c",
        "host/native/aglinkAddon.cc",
        "boards/STM32F107/aglink/aglinkSchedule.c",
        "boards/STM32F107/aglink/aglinkAnswers.c",
        "boards/STM32F107/aglink/aglinkCommands.c"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "boards/STM32F107/secoc",
        "boards/STM32F107/aglink"
      ],
      "libraries": ["-lmbedcrypto"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_c": ["-std=c99", "-O2", "-Wall", "-Wextra"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall"]
    },
    # OTA script updates (boards/STM32F107/ota): the meter's and the aggregator's links
    # behind CAN1, for the simulator's bxCAN models (host/canbus/otaAttach.ts) and
    # bench/ota: build/Release/meterOta.node. CMAC and SHA-256 over Debian's libmbedcrypto.
    {
      "target_name": "meterOta",
      "sources": [
        "host/native/otaAddon.cc",
        "boards/STM32F107/ota/isotp.c",
        "boards/STM32F107/ota/otaManifest.c",
        "boards/STM32F107/ota/otaReceiver.c",
        "boards/STM32F107/ota/otaSender.c",
        "boards/STM32F107/ota/otaTxQueue.c",
        "boards/STM32F107/ota/otaMeterLink.c",
        "boards/STM32F107/ota/otaAggLink.c",
        "boards/STM32F107/ota/w25q.c",
        "boards/STM32F107/ota/otaNorImage.c",
        "boards/STM32F107/ota/otaBoot.c",
        "boards/STM32F107/ota/otaBootHook.c",
        "boards/STM32F107/ota/otaSha256Mbedtls.c",
        "boards/STM32F107/secoc/cmac.c",
        "boards/STM32F107/secoc/aesMbedtls.c"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "boards/STM32F107/ota",
        "boards/STM32F107/secoc"
      ],
      "libraries": ["-lmbedcrypto"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_c": ["-std=c99", "-O2", "-Wall", "-Wextra"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall"]
    }
  ]
}
