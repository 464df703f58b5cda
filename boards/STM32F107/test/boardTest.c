/*
 * Host tests of meternetBoard.c (clocks, pins, AFIO remap, NVIC) against the
 * register models of test/fake/fakeBoard.c at the real addresses, with the
 * bxCAN model of test/fake/fakeBxcan.c behind CAN1. cmocka; host.suite.sh.
 *
 * The board's init runs from the jswrap "init" hooks, i.e. after Espruino's
 * jshReset() on every reset(), save() and load() (src/jsinteractive.c), and
 * jshReset() turns every pin not used internally into an analog input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../meternetBoard.h"
#include "fake/fakeBoard.h"
#include "fake/fakeBxcan.h"

static fake_board_t board;
static fake_bxcan_t can1;

static int setup(void **state) {
  (void)state;
  fake_regs_reset();
  fake_board_init(&board);
  fake_bxcan_init(&can1);
  can1.region.base = (volatile void *)(uintptr_t)MN_CAN1_BASE; /* the board's CAN1 pointer */
  return 0;
}

/* CAN1.start() as the binding calls it, with RX as the pins leave it. */
static int can_start(void) {
  can1.neverAck = !fake_board_can_rx_recessive(&board);
  return mn_can_start(&mn_board_can1, 125000);
}

static void assert_can_pins(void) {
  assert_int_equal(fake_board_gpiod_nibble(&board, 0), 0x8u); /* input with pull-up/down */
  assert_true(board.gpiod.ODR & 1u);                          /* ... pull-up */
  assert_int_equal(fake_board_gpiod_nibble(&board, 1), 0xBu); /* alternate push-pull, 50 MHz */
  assert_int_equal((board.afio.MAPR & MN_AFIO_MAPR_CAN1_REMAP_MASK) >> MN_AFIO_MAPR_CAN1_REMAP_SHIFT, 3u);
}

/* issue 12, 2.1: after reset()/save()/load() CAN1.start returned -100 until a
 * power cycle, because the pin setup ran only at the first init. */
static void test_can_starts_after_espruino_reset(void **state) {
  (void)state;
  assert_int_equal(mn_board_init(), MN_OK);
  assert_can_pins();
  assert_int_equal(can_start(), MN_OK);
  mn_can_reset(&mn_board_can1); /* the kill hook */
  fake_board_espruino_reset(&board);
  assert_int_equal(fake_board_gpiod_nibble(&board, 0), 0u);
  assert_int_equal(mn_board_init(), MN_OK); /* the init hooks */
  assert_can_pins();
  assert_int_equal((board.gpioc.CRL >> 0) & 0xFu, 0u); /* PC0, PC2 analog */
  assert_int_equal((board.gpioc.CRL >> 8) & 0xFu, 0u);
  assert_int_equal(can_start(), MN_OK);
  assert_int_equal(mn_can_get_state(&mn_board_can1), MN_CAN_ERROR_ACTIVE);
  mn_can_reset(&mn_board_can1);
}

/* issue 12, 2.2: the AFIO_MAPR read-modify-write wrote SWJ_CFG = 000 (the field
 * reads as 000), re-enabling JTAG/SWD on PA13-15, PB3, PB4. */
static void test_remap_keeps_espruinos_swj_disable(void **state) {
  (void)state;
  board.swjCfg = 4u;            /* Espruino's GPIO_Remap_SWJ_Disable */
  board.afio.MAPR = 1u << 2;    /* another remap (USART1) set by Espruino */
  assert_int_equal(mn_board_init(), MN_OK);
  assert_int_equal(board.swjCfg, 4u);
  assert_true(board.afio.MAPR & (1u << 2));
  assert_can_pins();
  board.swjCfg = 2u; /* a SWD_ONLY_NO_JTAG build: JTAG off, SWD on */
  assert_int_equal(mn_board_init(), MN_OK);
  assert_int_equal(board.swjCfg, 2u);
}

static void test_nvic_priorities_and_enables(void **state) {
  (void)state;
  assert_int_equal(mn_board_init(), MN_OK);
  assert_int_equal(board.nvic.IP[MN_IRQ_CAN1_RX0], MN_BOARD_PRIO_CAN << 4);
  assert_int_equal(board.nvic.IP[MN_IRQ_CAN1_SCE], MN_BOARD_PRIO_CAN << 4);
  assert_int_equal(board.nvic.IP[MN_IRQ_DMA1_CH1], MN_BOARD_PRIO_DMA << 4);
  assert_int_equal(board.nvic.IP[MN_IRQ_DMA1_CH1 + 1], 0); /* neighbours untouched */
  assert_true(board.nvic.ISER[0] & (1u << MN_IRQ_CAN1_TX));
  assert_true(board.nvic.ISER[0] & (1u << MN_IRQ_DMA1_CH1));
  assert_true(board.rcc.APB1ENR & MN_RCC_APB1ENR_CAN1EN);
  assert_true(board.rcc.APB1ENR & MN_RCC_APB1ENR_TIM3EN);
  assert_int_equal((board.rcc.CFGR & MN_RCC_CFGR_ADCPRE_MASK) >> MN_RCC_CFGR_ADCPRE_SHIFT, MN_RCC_ADCPRE_DIV6);
  /* the cycle counter the sampler counts lost half-buffers with */
  assert_true(board.demcr & MN_DEMCR_TRCENA);
  assert_true(board.dwt[0] & MN_DWT_CTRL_CYCCNTENA);
  board.dwt[1] = 123456u;
  assert_int_equal(mn_board_adc.cfg->timerTicksNow(), 123456u);
}

/* The reset cause the boot hook decides with (ota/otaBoot.h): read once, flags cleared. */
static void test_reset_cause_from_rcc_csr(void **state) {
  (void)state;
  board.rccCsr = (1u << 29) | (1u << 26) | 1u; /* IWDGRSTF with PINRSTF (the watchdog pulls NRST), LSION */
  assert_int_equal(mn_board_reset_cause(), 1);  /* MN_RESET_WATCHDOG */
  assert_int_equal(board.rccCsr, 1u);           /* flags cleared by RMVF, LSION kept */
  board.rccCsr = 1u << 28;                      /* a later software reset is the next boot's */
  assert_int_equal(mn_board_reset_cause(), 1);  /* this boot's cause, read once */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_can_starts_after_espruino_reset, setup),
      cmocka_unit_test_setup(test_remap_keeps_espruinos_swj_disable, setup),
      cmocka_unit_test_setup(test_nvic_priorities_and_enables, setup),
      cmocka_unit_test_setup(test_reset_cause_from_rcc_csr, setup),
  };
  return cmocka_run_group_tests_name("board init (clocks, pins, remap, NVIC)", tests, NULL, NULL);
}
