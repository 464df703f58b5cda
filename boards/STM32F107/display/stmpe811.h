/*
 * STMPE811 resistive touch controller on I2C (STM3210C-EVAL: I2C1, address 0x41, INT on
 * PB14 active low). Init: soft reset, ADC and touch clocks on, 12-bit ADC, 4-sample
 * averaging, FIFO threshold 4 (touch detection is unreliable with a threshold of 1),
 * touch-detect and FIFO-threshold interrupts. On each interrupt stmpe_service() drains
 * the whole FIFO, drops samples under the pressure threshold, averages the rest, and
 * clears both INT_STA and the GPIO edge status (both latch the INT line otherwise).
 * A press is reported once `debounce` good samples have come; a release when the
 * controller's TOUCH_DET bit says the panel is no longer touched.
 */
#ifndef STMPE811_H
#define STMPE811_H

#include <stdint.h>

#define STMPE_ADDR 0x41
#define STMPE_CHIP_ID 0x00 /* 2 bytes: 0x0811 */
#define STMPE_SYS_CTRL1 0x03
#define STMPE_SYS_CTRL2 0x04
#define STMPE_INT_CTRL 0x09
#define STMPE_INT_EN 0x0A
#define STMPE_INT_STA 0x0B
#define STMPE_GPIO_INT_STA 0x0C
#define STMPE_GPIO_ED_STA 0x15
#define STMPE_GPIO_AF 0x17
#define STMPE_ADC_CTRL1 0x20
#define STMPE_ADC_CTRL2 0x21
#define STMPE_TSC_CTRL 0x40
#define STMPE_TSC_CFG 0x41
#define STMPE_FIFO_TH 0x4A
#define STMPE_FIFO_STA 0x4B
#define STMPE_FIFO_SIZE 0x4C
#define STMPE_TSC_FRACTION_Z 0x56
#define STMPE_TSC_I_DRIVE 0x58
#define STMPE_TSC_DATA_XYZ 0xD7 /* 4 bytes per sample, FIFO pops on read (non auto-increment address) */
#define STMPE_FIFO_THRESHOLD 4

/* I2C access of the board: 0 on success, negative on a bus error. */
typedef struct stmpe_bus {
  void *ctx;
  int (*write)(void *ctx, uint8_t reg, uint8_t value);
  int (*read)(void *ctx, uint8_t reg, uint8_t *buf, unsigned n);
} stmpe_bus_t;

typedef struct stmpe {
  /* Samples with Z (pressure) below this are dropped (a light brush, noise). */
  uint8_t zMin;
  /* Good samples before a press is reported. */
  uint8_t debounce;
  uint8_t good;
  uint8_t down;
  uint16_t x, y;
  /* Samples dropped under the threshold, bus errors (for the network/diagnostics). */
  uint32_t light, busErrors;
} stmpe_t;

/* What stmpe_service() found. */
#define STMPE_NOTHING 0
#define STMPE_PRESS 1 /* new position while pressed (x, y) */
#define STMPE_RELEASE 2

/* Chip ID check and init sequence; 0 when the chip answered 0x0811, negative otherwise (no display fitted). */
int stmpe_init(stmpe_t *t, const stmpe_bus_t *bus, void (*wait_ms)(unsigned ms));
/* After an interrupt: drain, clear, report. */
int stmpe_service(stmpe_t *t, const stmpe_bus_t *bus);

#endif
