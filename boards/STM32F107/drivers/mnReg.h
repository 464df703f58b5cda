/*
 * mnReg.h: the only way our drivers touch a peripheral register.
 *
 * On the device MN_RD / MN_WR are plain volatile accesses. In the host tests
 * (built with -DMN_FAKE_REGS) every access goes through fakeRegs.c, which
 * dispatches on the address to a register-level model of the peripheral (e.g.
 * writing MCR.INRQ makes MSR.INAK read 1 a few reads later, as RM0008 says).
 * That is why drivers never use `reg |= bit`: read-modify-write is spelled out
 * with MN_RD and MN_WR so the model sees each access.
 *
 * Critical sections: MN_IRQ_SAVE/RESTORE mask interrupts (PRIMASK) on the
 * Cortex-M3; on the host they call the fake so tests can assert they nest.
 * MN_BASEPRI_RAISE(level)/MN_BASEPRI_RESTORE mask only the interrupts whose
 * priority value is `level` or above (BASEPRI_MAX never lowers a mask already
 * in force), so that more urgent ones (CAN) still run; `level` is the priority
 * as the NVIC holds it (4 bits at the top of the byte on the F1: prio << 4).
 */
#ifndef MN_REG_H
#define MN_REG_H

#include <stdint.h>

typedef volatile uint32_t mn_reg_t;

#ifdef MN_FAKE_REGS
uint32_t mn_fake_read(mn_reg_t *addr);
void mn_fake_write(mn_reg_t *addr, uint32_t value);
uint32_t mn_fake_irq_save(void);
void mn_fake_irq_restore(uint32_t state);
#define MN_RD(reg) mn_fake_read(&(reg))
#define MN_WR(reg, value) mn_fake_write(&(reg), (uint32_t)(value))
#define MN_IRQ_SAVE() mn_fake_irq_save()
#define MN_IRQ_RESTORE(s) mn_fake_irq_restore(s)
uint32_t mn_fake_basepri_raise(uint32_t level);
void mn_fake_basepri_restore(uint32_t old);
#define MN_BASEPRI_RAISE(level) mn_fake_basepri_raise(level)
#define MN_BASEPRI_RESTORE(old) mn_fake_basepri_restore(old)
#else
#define MN_RD(reg) (reg)
#define MN_WR(reg, value) ((reg) = (uint32_t)(value))
static inline uint32_t mn_irq_save_primask(void) {
#if defined(__arm__)
  uint32_t primask;
  __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
  return primask;
#else
  return 0;
#endif
}
static inline void mn_irq_restore_primask(uint32_t primask) {
#if defined(__arm__)
  __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
#else
  (void)primask;
#endif
}
#define MN_IRQ_SAVE() mn_irq_save_primask()
#define MN_IRQ_RESTORE(s) mn_irq_restore_primask(s)
static inline uint32_t mn_basepri_raise(uint32_t level) {
#if defined(__arm__)
  uint32_t old;
  __asm__ volatile("mrs %0, basepri\n msr basepri_max, %1" : "=&r"(old) : "r"(level) : "memory");
  return old;
#else
  (void)level;
  return 0;
#endif
}
static inline void mn_basepri_restore(uint32_t old) {
#if defined(__arm__)
  __asm__ volatile("msr basepri, %0" ::"r"(old) : "memory");
#else
  (void)old;
#endif
}
#define MN_BASEPRI_RAISE(level) mn_basepri_raise(level)
#define MN_BASEPRI_RESTORE(old) mn_basepri_restore(old)
#endif

/* Set / clear bits with an explicit read and write. */
#define MN_SET(reg, bits) MN_WR(reg, MN_RD(reg) | (uint32_t)(bits))
#define MN_CLR(reg, bits) MN_WR(reg, MN_RD(reg) & ~(uint32_t)(bits))

/* Error codes shared by our drivers, negative as in Zephyr (errno values). */
#define MN_OK 0
#define MN_EBUSY (-16)
#define MN_EINVAL (-22)
#define MN_ENOSPC (-28)
#define MN_ENETDOWN (-100)
#define MN_ETIMEDOUT (-110)
#define MN_EALREADY (-114)

/* Iterations of a register poll before a busy wait gives up. Each iteration
 * is one peripheral read (about 4 APB cycles plus the loop: some 150 ns at
 * 72 MHz), so 100000 is about 15 ms: longer than any acknowledge RM0008
 * describes (bxCAN INAK needs 11 recessive bits, 88 us at 125 kbit/s; ADC
 * calibration takes 83 ADC cycles, 7 us), short enough not to trip the
 * watchdog. */
#ifndef MN_POLL_LIMIT
#define MN_POLL_LIMIT 100000u
#endif

#endif
