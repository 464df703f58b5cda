#!/bin/false
# meternet meter / aggregator board: STM32F107VCT6 with Espruino 2v29 and the
# meternet native hooks (MeterADC, CAN1). Espruino's board-file format
# (boards/*.py of an Espruino tree): copy or symlink this file into the tree's
# boards/ and this folder to libs/meternet (boards/STM32F107/README.md, "Building").
#
# Clocks: 25 MHz crystal -> PREDIV2 /5 -> PLL2 x8 = 40 MHz -> PREDIV1 /5 = 8 MHz
# -> PLL x9 = 72 MHz, as on ST's STM3210C-EVAL. ST's system_stm32f10x.c does
# exactly this when STM32F10X_CL is defined and HSE_VALUE is 25 MHz (its
# SetSysClockTo72; PREDIV1 /10 = 4 MHz is its 36 MHz setting), so no clock code of
# ours is needed. APB1 = 36 MHz (bxCAN),
# APB2 = 72 MHz, ADC clock 72 / 6 = 12 MHz (set by meternetBoard.c).
#
# Console: USART1 (A9/A10) through an external USB-serial bridge, not USB OTG FS:
# Espruino's STM32F1 USB stack (make/common/STM32_LEGACY_USB.make) drives the
# F103's USB device block, which the F105/F107 do not have; their OTG FS core
# would need a new USB driver. USART1 also reaches ST's ROM bootloader for
# flashing (BOOT0 = 1), and the bridge isolates the PC from the meter's mains
# side when it is an isolated one.
#
# Two images (one with everything would not fit the code area: the aggregator's NET +
# WIZnet alone is 21.7 KB; README.md "Flash map"):
#   METERNET_F107     (this file) the meter: CAN1, MeterADC + kernel, SecOC (AES from mbedtls aes.c, no crypto library); no IP.
#   METERNET_F107_AGG the aggregator: CAN1, crypto, NET with a WIZnet W5500 on SPI
#                     for its web server; no MeterADC.
# Espruino has no driver for the F107's Ethernet MAC; a JSNetwork driver with a
# TCP/IP stack for it is future work (README.md).
#
# Flash: 256 KB = code area + Storage (saved code) at the top, sizes from the flash
# map (tools/firmware/flashMap.ts, README.md "Flash map"; a test checks they agree).
# RAM: 64 KB; `variables` leaves room for the stack, Espruino's own statics and
# our drivers' state (budget line by line in README.md).

import pinutils;

# Make lines every meternet image shares (meter, 60 Hz meter, aggregator): the F107
# connectivity line's library and start-up, the 25 MHz crystal, and our include path.
chip_makefile = [
  'DEFINES+=-DSAVE_ON_FLASH_MATH', # keeps classes, arrows, Promise (SAVE_ON_FLASH would remove them)
  'DEFINES+=-DESPR_PACKED_SYMPTR', # 2 bytes less per built-in symbol
  'DEFINES+=-DHSE_VALUE=25000000',
  'DEFINES+=-DESPR_NO_BLUETOOTH',
  'STLIB=STM32F10X_CL',
  'PRECOMPILED_OBJS+=$(ROOT)/targetlibs/stm32f1/lib/startup_stm32f10x_cl.o',
  # meternet native code (this folder, linked into the tree as libs/meternet)
  'INCLUDE+=-I$(ROOT)/libs/meternet',
  # What every meternet image compiles out of Espruino: tools/firmware/imageFeatures.ts
  # (one table; the gate rejects a bundle that uses any of it; a test checks these
  # lines against it; savings measured in README.md "Compile-out switches").
  'DEFINES+=-DESPR_NO_SOFTWARE_SERIAL',
  'DEFINES+=-DESPR_NO_PASSWORD',
  'DEFINES+=-DESPR_NO_DAYLIGHT_SAVING',
  'DEFINES+=-DESPR_NO_PROMISES',
  'DEFINES+=-DESPR_NO_VARIMAGE',
  'DEFINES+=-DESPR_NO_DUMP_STATE',
  'USE_DEBUGGER=0',
  'USE_TAB_COMPLETE=0',
]
# SecOC's AES-128 (secoc/aesMbedtls.c) from mbedtls's aes.c in the Espruino tree, compiled
# here instead of Espruino's AES library (its require("crypto").AES bindings, cipher layer
# and decryption tables go); mbedtls configured by secoc/mbedtlsConfig.h.
aes_makefile = [
  'SOURCES+=libs/crypto/mbedtls/library/aes.c',
  'INCLUDE+=-I$(ROOT)/libs/crypto/mbedtls/include',
  'DEFINES+=-DMBEDTLS_CONFIG_FILE=\'"secoc/mbedtlsConfig.h"\'',
]
# OTA script updates, the receiving side behind CAN1 (issue 18, ota/README.md). In the image since
# issue 18's slimming round made room for it (meter +5 280 B, aggregator about +5.7 KB; the
# built-ins no bundle names went instead: tools/firmware/imageFeatures.ts, README.md "Slimming
# the images"). WITH_OTA = False builds the image without it (its tests, the bench and the
# simulator run the same C on the host either way).
WITH_OTA = True
ota_makefile = [
  'WRAPPERSOURCES+=libs/meternet/jswrap/jswrap_ota.c',
  'DEFINES+=-DMN_OTA -DMBEDTLS_SHA256_C -DMBEDTLS_SHA256_SMALLER',
  'SOURCES+=libs/crypto/mbedtls/library/sha256.c',
  'SOURCES+=libs/meternet/ota/isotp.c libs/meternet/ota/otaManifest.c libs/meternet/ota/otaReceiver.c libs/meternet/ota/otaTxQueue.c libs/meternet/ota/otaMeterLink.c libs/meternet/ota/otaSha256Mbedtls.c',
  # staging on the W25Q NOR (SPI1) and the boot hook with the trial's watchdog (ota/README.md "At boot")
  'SOURCES+=libs/meternet/ota/w25q.c libs/meternet/ota/otaNorStaging.c libs/meternet/ota/otaBoot.c libs/meternet/ota/otaBootHook.c libs/meternet/ota/otaSwitch.c',
]
info = {
 'name' : "meternet STM32F107 meter",
 'link' : [ "https://www.st.com/en/microcontrollers-microprocessors/stm32f107vc.html" ],
 'default_console' : "EV_SERIAL1",
 'default_console_tx' : "A9",
 'default_console_rx' : "A10",
 'default_console_baudrate' : "115200",
 'variables' : 2600, # 13 bytes each: 33800 bytes; with the metering chain's 7.7 KB of C state (issue 17) 3200 left a 2.8 KB stack, 2600 leave about 10 KB (README.md RAM budget)
 'binary_name' : 'espruino_%v_meternet_f107.bin',
 'build' : {
   'optimizeflags' : '-Os',
   # No Espruino crypto library: the bundle never calls require("crypto"); SecOC's
   # AES-128 is mbedtls's aes.c compiled on its own (aes_makefile, switch crypto:none).
   'libraries' : [],
   'makefile' : chip_makefile + aes_makefile + [
     'BLACKLIST=libs/meternet/blacklist/METERNET_F107.json', # built-ins removed (Espruino's build_jswrapper.py; the aggregator's list differs)
     'DEFINES+=-DMN_SECOC_NO_DERIVE',
     'DEFINES+=-DMN_NO_WINDOW_EVENT', # no raw 'window' event: no bundle listens on the device (tools/firmware/imageFeatures.ts) # a meter holds its own key; only the aggregator derives (secoc/README.md)
     'WRAPPERSOURCES+=libs/meternet/jswrap/jswrap_meteradc.c',
     'WRAPPERSOURCES+=libs/meternet/jswrap/jswrap_can.c',
     'SOURCES+=libs/meternet/meternetBoard.c',
     # touchscreen (issue 15): ILI9325 TFT on SPI3 + STMPE811 touch on I2C1, the UI's display port as the object LCD
     'WRAPPERSOURCES+=libs/meternet/jswrap/jswrap_meterlcd.c',
     'SOURCES+=libs/meternet/display/ili9325.c libs/meternet/display/lcdDraw.c libs/meternet/display/stmpe811.c libs/meternet/display/lcdSpiStm32.c libs/meternet/display/font5x7.c',
     'SOURCES+=libs/meternet/drivers/bxcan.c libs/meternet/drivers/adc.c libs/meternet/drivers/dma.c libs/meternet/drivers/tim.c',
     'SOURCES+=libs/meternet/can/canFrame.c libs/meternet/can/canBitTiming.c libs/meternet/can/canFilter.c libs/meternet/can/canDriver.c',
     'SOURCES+=libs/meternet/adc/sampleClock.c libs/meternet/adc/meterAdc.c libs/meternet/adc/windowView.c',
     'SOURCES+=libs/meternet/kernel/meterKernel.c libs/meternet/kernel/harmonicFft.c libs/meternet/kernel/meterKernelTables.c',
     # the per-window metering chain (issue 17), run from jswrap_meteradc.c
     'SOURCES+=libs/meternet/metering/mtAggregate.c libs/meternet/metering/mtCalibration.c libs/meternet/metering/mtChain.c libs/meternet/metering/mtEnergy.c',
     'SOURCES+=libs/meternet/metering/mtProfile.c libs/meternet/metering/mtReading.c libs/meternet/metering/mtRetune.c libs/meternet/metering/mtSqrt.c libs/meternet/metering/mtVoltageEvents.c',
     'SOURCES+=libs/meternet/secoc/cmac.c libs/meternet/secoc/secocFrame.c libs/meternet/secoc/secocNode.c libs/meternet/secoc/secocCodec.c libs/meternet/secoc/aesMbedtls.c', # SecOC behind CAN1 (AES: aes_makefile)
   ] + (ota_makefile if WITH_OTA else []),
  }
};
chip = {
  'part' : "STM32F107VCT6",
  'family' : "STM32F1",
  'package' : "LQFP100",
  'ram' : 64,
  'flash' : 256,
  'speed' : 72,
  'usart' : 5,
  'spi' : 3,
  'i2c' : 2,
  'adc' : 2,
  'dac' : 2,
  'saved_code' : { # Storage: tools/firmware/flashMap.ts IMAGES (README.md "Flash map")
    'address' : 0x08000000 + ((256-46)*1024),
    'page_size' : 2048, # connectivity line: 2 KB pages (RM0008 3.3.3)
    'pages' : 23, # 46 KB: the code slot (bundle + touchscreen UI, 34 240 B) + configuration with 25 % free after compaction
    'flash_available' : 256-46, # KB for the firmware: the image (OTA boot hook and display C in), 8 KB kept free and 1.2 KB of margin
  },
};
devices = {
  'OSC' : { 'pin_in' : 'OSC_IN', 'pin_out' : 'OSC_OUT' }, # dedicated pins 12/13 of the LQFP100: 25 MHz crystal
  'OSC_RTC' : { 'pin_in' : 'C14', 'pin_out' : 'C15' },
  'LED1' : { 'pin' : 'E2' },
  'BTN1' : { 'pin' : 'E3' },
  # Meter only (the aggregator image drops them): billing state and load relay,
  # driven from JavaScript (modules/persist/boardPins.ts names the same pins; a test compares).
  'RELAY' : { 'pin' : 'E4' }, # coil driver, high = closed; pull-down: de-energised from reset
  'RELAY_SENSE' : { 'pin' : 'E5' }, # auxiliary contact, high = closed
  'FRAM' : { 'pin_scl' : 'B6', 'pin_sda' : 'B7', 'address' : 0x50 }, # I2C1, MB85RC64TA 8 KB
};

board = {
  'left' : [ 'C0', 'C2', 'D0', 'D1', 'A9', 'A10' ],
  'right' : [ 'GND', '3.3' ],
  '_notes' : {
    'C0' : "Voltage input (ADC12_IN10), owned by MeterADC",
    'C2' : "Current input (ADC12_IN12), owned by MeterADC",
    'D0' : "CAN1_RX (AFIO CAN1_REMAP = 11), owned by CAN1",
    'D1' : "CAN1_TX, owned by CAN1",
    'A9' : "USART1 TX: console",
    'A10' : "USART1 RX: console",
    'E4' : "Load relay coil driver (high = closed), modules/persist",
    'E5' : "Load relay auxiliary contact (high = closed)",
    'B6' : "I2C1 SCL: FRAM (billing state)",
    'B7' : "I2C1 SDA: FRAM (billing state)",
  }
};

def get_pins():
  # The F105/F107 LQFP100 pinout equals the F103xC/D/E LQFP100 one for GPIO
  # names; their alternate functions differ (no SDIO, FSMC, USB device, TIM8 or
  # ADC3; Ethernet, OTG FS and a second CAN instead). Espruino has no F107 pin
  # table: we take the F103xE one and drop what the F107 lacks, so that
  # analogWrite / SPI / I2C / Serial pick only functions that exist.
  pins = pinutils.scan_pin_file([], 'stm32f103xe.csv', 6, 10, 11)
  pins = pinutils.only_from_package(pinutils.fill_gaps_in_pin_list(pins), chip["package"])
  absent = ("SDIO", "FSMC", "USB", "TIM8", "ADC3_")
  for pin in pins:
    for fn in list(pin["functions"].keys()):
      if fn.startswith(absent):
        del pin["functions"][fn]
  return pins
