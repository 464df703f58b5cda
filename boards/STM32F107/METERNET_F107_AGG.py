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
#   METERNET_F107     the meter: CAN1, MeterADC + kernel, SecOC (AES from mbedtls aes.c, no crypto library); no IP.
#   METERNET_F107_AGG (this file) the aggregator: CAN1, SecOC, crypto.SHA256, NET with a WIZnet W5500 on SPI
#                     for its web server; no MeterADC.
# Espruino has no driver for the F107's Ethernet MAC; a JSNetwork driver with a
# TCP/IP stack for it is future work (README.md).
#
# Flash: 256 KB = code area + Storage (saved code) at the top, sizes from the flash
# map (tools/firmware/flashMap.ts, README.md "Flash map"; a test checks they agree).
# RAM: 64 KB; `variables` leaves room for the stack, Espruino's own statics and
# our drivers' state (budget line by line in README.md).

import pinutils;
# Same chip, crystal, LED/button, pin table and common make lines as the meter image: imported, not
# copied, so the images cannot drift apart (Espruino's scripts import board files
# by name from its boards/ folder, where METERNET_F107.py is linked too).
import METERNET_F107 as meter
# OTA script updates, the sending side behind CAN1 (issue 18, ota/README.md). In the image since
# issue 18's slimming round made room for it (meter +5 280 B, aggregator about +5.7 KB; the
# built-ins no bundle names went instead: tools/firmware/imageFeatures.ts, README.md "Slimming
# the images"). WITH_OTA = False builds the image without it (its tests, the bench and the
# simulator run the same C on the host either way).
WITH_OTA = True
ota_makefile = [
  'WRAPPERSOURCES+=libs/meternet/jswrap/jswrap_ota.c',
  'DEFINES+=-DMN_OTA -DMN_OTA_AGG',
  'SOURCES+=libs/meternet/ota/isotp.c libs/meternet/ota/otaManifest.c libs/meternet/ota/otaSender.c libs/meternet/ota/otaTxQueue.c libs/meternet/ota/otaAggLink.c libs/meternet/ota/otaSha256Mbedtls.c libs/meternet/ota/w25q.c libs/meternet/ota/otaNorImage.c',
]
info = {
 'name' : "meternet STM32F107 aggregator",
 'link' : [ "https://www.st.com/en/microcontrollers-microprocessors/stm32f107vc.html" ],
 'default_console' : "EV_SERIAL1",
 'default_console_tx' : "A9",
 'default_console_rx' : "A10",
 'default_console_baudrate' : "115200",
 'variables' : 3800, # 13 bytes each: 49400 bytes (no kernel or ADC buffers here); see README.md RAM budget
 'binary_name' : 'espruino_%v_meternet_f107_agg.bin',
 'build' : {
   'optimizeflags' : '-Os',
   'libraries' : [
     'NET',
     'WIZNET',
     'CRYPTO','SHA256', # crypto.SHA256 for the web server's logins; no AES library (switch crypto:sha256)
   ],
   'makefile' : meter.chip_makefile + meter.aes_makefile + [
     'BLACKLIST=libs/meternet/blacklist/METERNET_F107_AGG.json', # built-ins removed (Espruino's build_jswrapper.py)
     'WRAPPERSOURCES+=libs/meternet/jswrap/jswrap_can.c',
     'SOURCES+=libs/meternet/meternetBoard.c',
     'SOURCES+=libs/meternet/drivers/bxcan.c libs/meternet/drivers/adc.c libs/meternet/drivers/dma.c libs/meternet/drivers/tim.c',
     'SOURCES+=libs/meternet/can/canFrame.c libs/meternet/can/canBitTiming.c libs/meternet/can/canFilter.c libs/meternet/can/canDriver.c',
     'SOURCES+=libs/meternet/secoc/cmac.c libs/meternet/secoc/secocFrame.c libs/meternet/secoc/secocNode.c libs/meternet/secoc/secocCodec.c libs/meternet/secoc/aesMbedtls.c', # SecOC behind CAN1 (AES: meter.aes_makefile)
     'DEFINES+=-DMN_NO_METERADC', # meternetBoard.c without the ADC hook
     'DEFINES+=-DMN_SECOC_NO_PUBLISH', # the aggregator answers no polls (secoc/README.md)
     'SOURCES+=libs/meternet/aglink/aglinkSchedule.c libs/meternet/aglink/aglinkAnswers.c libs/meternet/aglink/aglinkCommands.c', # poll schedule, answer path, sync responses and commands in C (aglink/README.md)
     'DEFINES+=-DMN_AGLINK', # CAN1's link* methods (jswrap_can.c)
   ] + (ota_makefile if WITH_OTA else []),
  }
};
import copy
chip = copy.deepcopy(meter.chip)
# Storage: 30 pages (60 KB), more than the meter's 22: the aggregator's code (resident
# bundle + route modules) is larger and its image smaller (tools/firmware/flashMap.ts
# IMAGES, README.md "Flash map").
chip['saved_code']['address'] = 0x08000000 + ((256-60)*1024)
chip['saved_code']['pages'] = 30
chip['saved_code']['flash_available'] = 256-60
devices = { k: v for k, v in meter.devices.items() if not k.startswith('RELAY') } # no load relay on the aggregator

board = {
  'left' : [ 'D0', 'D1', 'A9', 'A10' ],
  'right' : [ 'GND', '3.3' ],
  '_notes' : {
    'D0' : "CAN1_RX (AFIO CAN1_REMAP = 11), owned by CAN1",
    'D1' : "CAN1_TX, owned by CAN1",
    'A9' : "USART1 TX: console",
    'A10' : "USART1 RX: console",
  }
};

def get_pins():
  return meter.get_pins()
