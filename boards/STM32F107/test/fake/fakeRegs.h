/*
 * Register-level fakes for the host tests. mnReg.h routes every driver access
 * (built with -DMN_FAKE_REGS) to mn_fake_read / mn_fake_write, which find the
 * fake peripheral whose register block contains the address and let its model
 * answer, as the silicon would per RM0008. Addresses outside every fake read
 * and write plain memory.
 */
#ifndef MN_FAKE_REGS_H
#define MN_FAKE_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "../../drivers/mnReg.h"

typedef struct fake_region {
  volatile void *base;
  size_t size;
  uint32_t (*read)(struct fake_region *r, size_t offset);
  void (*write)(struct fake_region *r, size_t offset, uint32_t value);
  void *model;
} fake_region_t;

void fake_regs_reset(void);
void fake_regs_add(fake_region_t *r);
/* Interrupt masking seen by the fakes: current nesting and the deepest seen. */
extern int fake_irq_depth, fake_irq_max_depth;
/* BASEPRI seen by the fakes: current, and the most urgent level raised to
 * (0: none) since fake_regs_reset or the test cleared it. */
extern uint32_t fake_basepri, fake_basepri_raised;
/* Pointer from a 32-bit bus address the driver wrote (CMAR/CPAR): the host's
 * upper address bits are those of the test's static data. */
void *fake_bus_to_host(uint32_t busAddr);

#endif
