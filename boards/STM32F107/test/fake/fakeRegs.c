/* Address dispatch of the register fakes; see fakeRegs.h. */
#include "fakeRegs.h"

#define MAX_REGIONS 16

static fake_region_t *regions[MAX_REGIONS];
static int regionCount;
int fake_irq_depth, fake_irq_max_depth;
uint32_t fake_basepri, fake_basepri_raised;
static uint32_t anchor; /* static data: its upper address bits are the test's */

void fake_regs_reset(void) {
  regionCount = 0;
  fake_irq_depth = fake_irq_max_depth = 0;
  fake_basepri = fake_basepri_raised = 0;
}

void fake_regs_add(fake_region_t *r) {
  if (regionCount < MAX_REGIONS) regions[regionCount++] = r;
}

static fake_region_t *find(mn_reg_t *addr, size_t *offset) {
  uintptr_t a = (uintptr_t)addr;
  for (int k = 0; k < regionCount; k++) {
    uintptr_t b = (uintptr_t)regions[k]->base;
    if (a >= b && a < b + regions[k]->size) {
      *offset = a - b;
      return regions[k];
    }
  }
  return 0;
}

uint32_t mn_fake_read(mn_reg_t *addr) {
  size_t off;
  fake_region_t *r = find(addr, &off);
  return r && r->read ? r->read(r, off) : *addr;
}

void mn_fake_write(mn_reg_t *addr, uint32_t value) {
  size_t off;
  fake_region_t *r = find(addr, &off);
  if (r && r->write) r->write(r, off, value);
  else *addr = value;
}

uint32_t mn_fake_irq_save(void) {
  fake_irq_depth++;
  if (fake_irq_depth > fake_irq_max_depth) fake_irq_max_depth = fake_irq_depth;
  return (uint32_t)(fake_irq_depth - 1);
}

void mn_fake_irq_restore(uint32_t state) { fake_irq_depth = (int)state; }

void *fake_bus_to_host(uint32_t busAddr) {
  uintptr_t high = (uintptr_t)&anchor & ~(uintptr_t)0xFFFFFFFFu;
  return (void *)(high | busAddr);
}

uint32_t mn_fake_basepri_raise(uint32_t level) {
  uint32_t old = fake_basepri;
  if (level && (fake_basepri == 0 || level < fake_basepri)) fake_basepri = level; /* BASEPRI_MAX */
  if (fake_basepri_raised == 0 || fake_basepri < fake_basepri_raised) fake_basepri_raised = fake_basepri;
  return old;
}

void mn_fake_basepri_restore(uint32_t old) { fake_basepri = old; }
