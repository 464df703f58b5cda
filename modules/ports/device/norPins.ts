/**
 * The aggregator board's SPI NOR (boards/STM32F107/README.md "External memory"): a
 * Winbond W25Q32JV on SPI1's default pins, PA5 SCK, PA6 MISO, PA7 MOSI (free on the
 * aggregator: no MeterADC on TIM3, the on-chip Ethernet MAC whose RMII CRS_DV is PA7
 * unused), chip select PA4 (SPI1_NSS, driven by Espruino's send as a GPIO). The W5500
 * shares SPI1 with its own chip select. 8 MHz, mode 0 (the part's 0x03 Read Data is
 * specified to 50 MHz, the other commands to 133 MHz).
 * No globals here: the simulator (host/sim/network.ts) wires its W25Q model to NOR_CS.
 */
export const NOR_SCK = "A5";
export const NOR_MISO = "A6";
export const NOR_MOSI = "A7";
export const NOR_CS = "A4";
export const NOR_BAUD = 8000000;
