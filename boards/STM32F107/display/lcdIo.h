/*
 * The byte link to the LCD, as the ILI9325 driver sees it: chip select, bytes, and a run
 * of one 16-bit value repeated (the pixel fills, sent by DMA on the device). The device
 * implementation is lcdSpiStm32.c (SPI3 + DMA2 channel 2, STM3210C-EVAL wiring); the
 * host tests give a recording fake or a GRAM model (test/).
 */
#ifndef LCD_IO_H
#define LCD_IO_H

#include <stdint.h>

typedef struct lcd_io {
  void *ctx;
  void (*select)(void *ctx, int on);
  void (*byte)(void *ctx, uint8_t b);
  /* `value` sent `n` times, high byte first; the chip is selected by the caller. */
  void (*repeat16)(void *ctx, uint16_t value, uint32_t n);
} lcd_io_t;

#endif
