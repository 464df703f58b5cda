/*
 * Register-level models of the blocks meternetBoard.c sets up, at their real
 * STM32F107 addresses (the fakes answer every access, nothing is dereferenced):
 *  - RCC, GPIOC, GPIOD, NVIC, DWT, DEMCR: plain registers (NVIC_ISER
 *    write-1-to-set);
 *  - AFIO_MAPR: SWJ_CFG[2:0] (bits 26:24) is write-only and reads as 000
 *    (RM0008 9.4.2); a write of 000, 001, 010 or 100 selects that debug-port
 *    configuration, any other combination has no effect. `swjCfg` holds the
 *    configuration in force (Espruino's release builds write 100: JTAG and SWD
 *    off, PA13-15/PB3/PB4 free as GPIO).
 * fake_board_espruino_reset() does to these registers what Espruino's
 * jshReset() -> jshResetPeripherals() does on reset(), save() and load(): every
 * pin not used internally becomes an analog input (CNF=00, MODE=00).
 */
#ifndef MN_FAKE_BOARD_H
#define MN_FAKE_BOARD_H

#include "../../drivers/stm32f107Regs.h"
#include "fakeRegs.h"

typedef struct {
  rcc_regs_t rcc;
  afio_regs_t afio;
  gpio_regs_t gpioc, gpiod;
  nvic_regs_t nvic;
  mn_reg_t dwt[2], demcr; /* DWT_CTRL, DWT_CYCCNT; DEMCR */
  mn_reg_t rccCsr;        /* RCC_CSR (0x24): reset flags 31..26, RMVF (bit 24) write 1 clears them */
  uint32_t swjCfg;
  fake_region_t rRcc, rAfio, rGpioc, rGpiod, rNvic, rDwt, rDemcr, rRccCsr;
} fake_board_t;

void fake_board_init(fake_board_t *f);
void fake_board_espruino_reset(fake_board_t *f);
/* The CRL/CRH nibble (MODE | CNF << 2) of GPIOD pin `pin`. */
uint32_t fake_board_gpiod_nibble(const fake_board_t *f, unsigned pin);
/* A recessive bus reaches bxCAN1's RX: PD0 is a digital input (CNF != 00,
 * MODE = 00), CAN1 is remapped to PD0/PD1 and the AFIO, GPIOD and CAN1 clocks
 * run. Otherwise RX reads dominant and INAK never changes (RM0008 24.4.1:
 * leaving initialisation needs 11 recessive bits). */
int fake_board_can_rx_recessive(const fake_board_t *f);

#endif
