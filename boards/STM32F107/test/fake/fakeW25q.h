/*
 * A W25Q32JV on the SPI bus, for the host tests of ota/w25q.c and what runs over it:
 * the commands w25q.h sends, decoded byte by byte as the part does (a transaction is
 * what lies between chip select low and high); a page program wraps inside its page
 * and only clears bits, an erase sets a 4 KB sector to 0xFF; after a program or an
 * erase the part is busy for a number of status reads, and it ignores every command
 * but a status read meanwhile (counted: a driver that sends one is wrong). Power
 * cuts: step() is asked before each program or erase takes effect: 0 go on, 1 tear it
 * (half the bytes, half the sector) and the power is gone, 2 the power is gone.
 */
#ifndef MN_FAKE_W25Q_H
#define MN_FAKE_W25Q_H

#include <stdint.h>

typedef struct {
  uint8_t *mem;
  uint32_t size;
  uint32_t programPolls, erasePolls; /* status reads a program / an erase stays busy */
  int (*step)(void *ctx);
  void *stepCtx;
  /* state */
  uint8_t inTx, cmd, wel, off;
  uint32_t pos, addr, busy, dataN;
  uint8_t data[256];
  /* counts */
  uint32_t programs, erases, statusReads, ignoredWhileBusy, withoutWriteEnable, bytesOnWire;
} fake_w25q_t;

void fake_w25q_init(fake_w25q_t *f, uint8_t *mem, uint32_t size, uint32_t programPolls, uint32_t erasePolls);
/* mn_spi_xfer_fn: ctx = the fake. -1 once the power is gone. */
int fake_w25q_xfer(void *ctx, const uint8_t *tx, uint8_t *rx, uint32_t n, int end);

#endif
