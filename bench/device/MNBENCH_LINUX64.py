#!/bin/false
# meternet timing rig (bench/device): Espruino's Linux interpreter built the way a
# board image is built, so that callgrind's instruction counts stand for the chip's
# interpreter: RELEASE=1, -Os, link-time optimisation as Espruino's Linux build has it,
# a fixed number of variables (20 000: RAM is no limit here), the libraries our
# images carry (CRYPTO, SHA256, AES; NET for the aggregator's web server). 64-bit: the
# host's native word, no multilib needed. bench/device/main.ts links this file into
# the tree's boards/ and builds it outside the tree (build/device/linux64/).
import pinutils;
info = {
 'name' : "meternet timing rig: Linux 64-bit, board-like",
 'default_console' : "EV_USBSERIAL",
 'variables' :  20000,
 'binary_name' : 'espruino',
 'build' : {
   'optimizeflags' : '-Os',
   'libraries' : [ 'NET', 'CRYPTO', 'SHA256', 'AES' ],
   'makefile' : [
     'DEFINES+=-DSPIFLASH_BASE=0 -DSPIFLASH_LENGTH=FLASH_SAVED_CODE_LENGTH',
     'LINUX=1',
   ]
 }
};
chip = { 'part' : "LINUX", 'family' : "LINUX", 'package' : "", 'ram' : 0, 'flash' : 256, 'speed' : -1, 'usart' : 6, 'spi' : 3, 'i2c' : 3, 'adc' : 0, 'dac' : 0, };
devices = { 'USB' : {} }
def get_pins():
  return pinutils.generate_pins(0,32)
