/* A W25Q32JV on the SPI bus: see fakeW25q.h. */
#include "fakeW25q.h"

#include <string.h>

void fake_w25q_init(fake_w25q_t *f, uint8_t *mem, uint32_t size, uint32_t programPolls, uint32_t erasePolls) {
  memset(f, 0, sizeof *f);
  f->mem = mem;
  f->size = size;
  f->programPolls = programPolls;
  f->erasePolls = erasePolls;
}

static uint8_t byte(fake_w25q_t *f, uint8_t b) {
  uint32_t p = f->pos++;
  if (p == 0) {
    f->cmd = b;
    f->addr = 0;
    f->dataN = 0;
    return 0xFF;
  }
  switch (f->cmd) {
    case 0x9F: return p == 1 ? 0xEF : p == 2 ? 0x40 : p == 3 ? 0x16 : 0xFF;
    case 0x05: return (uint8_t)((f->busy ? 1u : 0u) | (f->wel ? 2u : 0u));
    case 0x03:
    case 0x02:
    case 0x20:
      if (p <= 3) {
        f->addr = (f->addr << 8) | b;
        return 0xFF;
      }
      if (f->cmd == 0x03) return f->busy ? 0xFF : f->mem[(f->addr + p - 4) % f->size];
      if (f->cmd == 0x02 && f->dataN < sizeof f->data) f->data[f->dataN++] = b; /* more than a page: the last 256 count (not sent here) */
      return 0xFF;
    default: return 0xFF;
  }
}

/* Chip select high: a program or an erase starts. */
static void finish(fake_w25q_t *f) {
  uint8_t cmd = f->cmd;
  if (f->pos == 0) return;
  if (cmd == 0x05) {
    f->statusReads++;
    if (f->busy) f->busy--;
    return;
  }
  if (f->busy) {
    f->ignoredWhileBusy++;
    return;
  }
  if (cmd == 0x06) f->wel = 1;
  if (cmd != 0x02 && cmd != 0x20) return;
  if (!f->wel) {
    f->withoutWriteEnable++;
    return;
  }
  f->wel = 0;
  int s = f->step ? f->step(f->stepCtx) : 0;
  if (s == 2) {
    f->off = 1;
    return;
  }
  if (cmd == 0x02) {
    uint32_t page = f->addr & ~0xFFu, n = s == 1 ? f->dataN / 2 : f->dataN;
    for (uint32_t i = 0; i < n; i++) {
      uint32_t a = (page + ((f->addr + i) & 0xFFu)) % f->size;
      f->mem[a] &= f->data[i];
    }
    f->programs++;
    f->busy = f->programPolls;
  } else {
    uint32_t base = (f->addr & ~0xFFFu) % f->size;
    memset(f->mem + base, 0xFF, s == 1 ? 2048u : 4096u);
    f->erases++;
    f->busy = f->erasePolls;
  }
  if (s == 1) f->off = 1;
}

int fake_w25q_xfer(void *ctx, const uint8_t *tx, uint8_t *rx, uint32_t n, int end) {
  fake_w25q_t *f = (fake_w25q_t *)ctx;
  if (f->off) return -1;
  if (!f->inTx) {
    f->inTx = 1;
    f->pos = 0;
  }
  for (uint32_t i = 0; i < n; i++) {
    uint8_t o = byte(f, tx ? tx[i] : 0xFF);
    if (rx) rx[i] = o;
  }
  f->bytesOnWire += n;
  if (end) {
    finish(f);
    f->inTx = 0;
  }
  return 0;
}
