/*
 * The LCD's SPI link on the STM3210C-EVAL wiring: SPI3 remapped to PC10 (SCK), PC11
 * (MISO), PC12 (MOSI), chip select PB2; pixel runs by DMA2 channel 2 (SPI3_TX) with the
 * memory address fixed, so a fill of n pixels is one transfer and no buffer.
 * SPI clock: APB1 36 MHz / 4 = 9 MHz (the ILI9325's serial write cycle is 100 ns min).
 */
#ifndef LCD_SPI_STM32_H
#define LCD_SPI_STM32_H

#include "lcdIo.h"

#define LCD_SPI_HZ 9000000u

void lcd_spi_init(void);
extern const lcd_io_t lcd_spi_io;

#endif
