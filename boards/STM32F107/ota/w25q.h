/*
 * Winbond W25Q32JV SPI NOR (4 MB, 256-byte pages, 4 KB sectors) over an SPI transfer
 * function the board supplies: Espruino's jshSPISendMany on SPI1 on the meter
 * (meternetBoard.c), a model of the part in the tests (test/fake/fakeW25q.c).
 *
 * Programs and erases are started and return at once; the caller polls mn_w25q_busy
 * (the status register's BUSY bit) from its service call, so a 45-400 ms sector erase
 * never blocks the main loop and nothing waits in an interrupt. The part ignores
 * every command but a status read while it is busy: the start calls read the status
 * first and say "busy" rather than send a command the part would drop.
 *
 * Commands (datasheet rev. F, 8.1): 0x9F JEDEC ID, 0x05 status 1 (bit 0 BUSY, bit 1
 * WEL), 0x06 write enable, 0x03 read, 0x02 page program (inside one 256-byte page:
 * the part wraps to the page's start, this driver refuses instead), 0x20 sector erase.
 * Times (datasheet 9.6, typ / max): page program 0.4 / 3 ms, sector erase 45 / 400 ms,
 * 64 KB block erase 150 / 2000 ms (not used: the script slots are 6 sectors).
 */
#ifndef MN_OTA_W25Q_H
#define MN_OTA_W25Q_H

#include <stdint.h>

#define MN_W25Q_PAGE_BYTES 256u
#define MN_W25Q_SECTOR_BYTES 4096u
#define MN_W25Q32_BYTES (4u * 1024u * 1024u)
#define MN_W25Q32_JEDEC 0xEF4016u

/* One piece of an SPI transaction: chip select goes low before the first piece and
 * high after the piece with end != 0. tx NULL sends 0xFF bytes; rx NULL discards what
 * comes back. 0, or -1 when the bus failed. */
typedef int (*mn_spi_xfer_fn)(void *ctx, const uint8_t *tx, uint8_t *rx, uint32_t n, int end);

typedef struct {
  mn_spi_xfer_fn xfer;
  void *ctx;
  uint32_t sizeBytes;
  uint32_t busyRefusals, busErrors; /* starts refused because the part was busy; transfers that failed */
} mn_w25q_t;

enum { MN_W25Q_OK = 0, MN_W25Q_BUS = -1, MN_W25Q_BUSY = -2, MN_W25Q_RANGE = -3 };

void mn_w25q_init(mn_w25q_t *f, mn_spi_xfer_fn xfer, void *ctx, uint32_t sizeBytes);
/* Manufacturer << 16 | type << 8 | capacity; 0xFFFFFF when nothing answers. */
uint32_t mn_w25q_jedec(mn_w25q_t *f);
/* 1 busy (a program or erase runs), 0 idle, MN_W25Q_BUS. */
int mn_w25q_busy(mn_w25q_t *f);
/* n bytes from addr (the part must be idle: the caller has seen mn_w25q_busy == 0). */
int mn_w25q_read(mn_w25q_t *f, uint32_t addr, uint8_t *d, uint32_t n);
/* Starts programming n bytes at addr, inside one page (bits only cleared). */
int mn_w25q_program_start(mn_w25q_t *f, uint32_t addr, const uint8_t *d, uint32_t n);
/* Starts erasing the 4 KB sector at addr (aligned) to 0xFF. */
int mn_w25q_erase_start(mn_w25q_t *f, uint32_t addr);
/* Polls until idle, at most maxPolls status reads: MN_W25Q_OK or MN_W25Q_BUSY (or BUS). */
int mn_w25q_wait(mn_w25q_t *f, uint32_t maxPolls);

#endif
