/* W25Q32JV commands over the board's SPI transfer: see w25q.h. */
#include "w25q.h"

#define CMD_JEDEC 0x9Fu
#define CMD_STATUS1 0x05u
#define CMD_WREN 0x06u
#define CMD_READ 0x03u
#define CMD_PROGRAM 0x02u
#define CMD_SECTOR_ERASE 0x20u
#define STATUS_BUSY 0x01u

void mn_w25q_init(mn_w25q_t *f, mn_spi_xfer_fn xfer, void *ctx, uint32_t sizeBytes) {
  f->xfer = xfer;
  f->ctx = ctx;
  f->sizeBytes = sizeBytes;
  f->busyRefusals = 0;
  f->busErrors = 0;
}

static int xfer(mn_w25q_t *f, const uint8_t *tx, uint8_t *rx, uint32_t n, int end) {
  if (f->xfer(f->ctx, tx, rx, n, end) == 0) return 0;
  f->busErrors++;
  return MN_W25Q_BUS;
}

static int command(mn_w25q_t *f, uint8_t op, uint32_t addr, int end) {
  uint8_t c[4] = {op, (uint8_t)(addr >> 16), (uint8_t)(addr >> 8), (uint8_t)addr};
  return xfer(f, c, 0, 4, end);
}

uint32_t mn_w25q_jedec(mn_w25q_t *f) {
  uint8_t c = CMD_JEDEC, id[3];
  if (xfer(f, &c, 0, 1, 0) != 0 || xfer(f, 0, id, 3, 1) != 0) return 0xFFFFFFu;
  return ((uint32_t)id[0] << 16) | ((uint32_t)id[1] << 8) | id[2];
}

int mn_w25q_busy(mn_w25q_t *f) {
  uint8_t c[2] = {CMD_STATUS1, 0xFF}, s[2];
  if (xfer(f, c, s, 2, 1) != 0) return MN_W25Q_BUS;
  return (s[1] & STATUS_BUSY) ? 1 : 0;
}

int mn_w25q_read(mn_w25q_t *f, uint32_t addr, uint8_t *d, uint32_t n) {
  if (addr > f->sizeBytes || n > f->sizeBytes - addr) return MN_W25Q_RANGE;
  if (n == 0) return MN_W25Q_OK;
  if (command(f, CMD_READ, addr, 0) != 0) return MN_W25Q_BUS;
  return xfer(f, 0, d, n, 1);
}

/* Write enable, then the command: refused (not sent) while the part is busy. */
static int start(mn_w25q_t *f, uint8_t op, uint32_t addr) {
  int b = mn_w25q_busy(f);
  if (b < 0) return b;
  if (b) {
    f->busyRefusals++;
    return MN_W25Q_BUSY;
  }
  uint8_t wren = CMD_WREN;
  if (xfer(f, &wren, 0, 1, 1) != 0) return MN_W25Q_BUS;
  return command(f, op, addr, op != CMD_PROGRAM);
}

int mn_w25q_program_start(mn_w25q_t *f, uint32_t addr, const uint8_t *d, uint32_t n) {
  if (n == 0 || addr > f->sizeBytes || n > f->sizeBytes - addr || addr / MN_W25Q_PAGE_BYTES != (addr + n - 1) / MN_W25Q_PAGE_BYTES)
    return MN_W25Q_RANGE;
  int r = start(f, CMD_PROGRAM, addr);
  if (r != 0) return r;
  return xfer(f, d, 0, n, 1); /* the program starts when chip select rises */
}

int mn_w25q_erase_start(mn_w25q_t *f, uint32_t addr) {
  if (addr % MN_W25Q_SECTOR_BYTES || addr >= f->sizeBytes) return MN_W25Q_RANGE;
  return start(f, CMD_SECTOR_ERASE, addr);
}

int mn_w25q_wait(mn_w25q_t *f, uint32_t maxPolls) {
  for (uint32_t i = 0; i < maxPolls; i++) {
    int b = mn_w25q_busy(f);
    if (b <= 0) return b;
  }
  return MN_W25Q_BUSY;
}
