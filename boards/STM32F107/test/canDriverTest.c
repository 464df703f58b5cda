/*
 * Host tests of can/canDriver.c + drivers/bxcan.c against the register-level
 * bxCAN model (test/fake/fakeBxcan.c). cmocka; run by host.suite.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../can/canDriver.h"
#include "fake/fakeBxcan.h"

static fake_bxcan_t hw;
static mn_can_t dev;
static int notifications;
static uint32_t notifiedEvents;

static int eventQueueFull; /* the interpreter's event queue refuses notifications */

static int notifiedMasked; /* notifications made while the driver masked interrupts */

static int on_notify(void *ctx, uint32_t ev) {
  (void)ctx;
  if (fake_irq_depth > 0) notifiedMasked++;
  if (eventQueueFull) return 0;
  notifications++;
  notifiedEvents |= ev;
  return 1;
}

static const mn_can_config_t cfg = {
    .regs = &hw.regs, .pclkHz = 36000000u, .firstBank = 0, .bankCount = 14, .notify = on_notify};

static int setup(void **state) {
  (void)state;
  fake_regs_reset();
  fake_bxcan_init(&hw);
  notifications = 0;
  notifiedEvents = 0;
  eventQueueFull = 0;
  notifiedMasked = 0;
  assert_int_equal(mn_can_init(&dev, &cfg), MN_OK);
  return 0;
}

/* The NVIC: runs every pending CAN interrupt until none is pending. */
static void run_irqs(void) {
  for (int guard = 0; guard < 20; guard++) {
    if (fake_bxcan_irq_tx(&hw)) mn_can_isr_tx(&dev);
    else if (fake_bxcan_irq_rx(&hw, 0)) mn_can_isr_rx(&dev, 0);
    else if (fake_bxcan_irq_rx(&hw, 1)) mn_can_isr_rx(&dev, 1);
    else if (fake_bxcan_irq_sce(&hw)) mn_can_isr_sce(&dev);
    else return;
  }
  fail_msg("interrupt still pending after 20 services");
}

static mn_can_frame_t data_frame(uint32_t id, uint8_t dlc, uint8_t seed) {
  mn_can_frame_t f;
  memset(&f, 0, sizeof f);
  f.id = id;
  f.dlc = dlc;
  for (int b = 0; b < dlc; b++) f.data[b] = (uint8_t)(seed + b);
  return f;
}

static mn_can_frame_t remote_frame(uint32_t id) {
  mn_can_frame_t f = data_frame(id, 8, 0);
  memset(f.data, 0, 8);
  f.flags = MN_CAN_FLAG_RTR;
  return f;
}

static void accept_all(int fifo) {
  mn_can_filter_t f = {.mode = MN_CAN_FILTER_MASK, .extended = 0, .rtr = MN_CAN_RTR_ANY, .fifo = (uint8_t)fifo, .id = 0, .mask = 0};
  assert_true(mn_can_add_filter(&dev, &f) >= 0);
}

static void start_125k(void) { assert_int_equal(mn_can_start(&dev, 125000), MN_OK); }

static void test_start_programs_timing_and_joins(void **state) {
  (void)state;
  hw.ackReads = 3;
  start_125k();
  /* 36 MHz / 125 kbit/s = 288 = BRP 18 x 16 tq; BS1 13, BS2 2: sample point 14/16 = 87.5 % */
  assert_int_equal(hw.regs.BTR & 0x3FFu, 17);
  assert_int_equal((hw.regs.BTR >> 16) & 0xFu, 12);
  assert_int_equal((hw.regs.BTR >> 20) & 0x7u, 1);
  assert_int_equal((hw.regs.BTR >> 24) & 0x3u, 1);
  assert_true(hw.regs.MCR & MN_CAN_MCR_ABOM);
  assert_false(hw.regs.MCR & (MN_CAN_MCR_TXFP | MN_CAN_MCR_INRQ | MN_CAN_MCR_SLEEP | MN_CAN_MCR_NART | MN_CAN_MCR_TTCM));
  assert_int_equal(hw.mode, FAKE_CAN_NORMAL);
  assert_int_equal((hw.regs.FMR >> 8) & 0x3Fu, 14);
  assert_false(hw.regs.FMR & MN_CAN_FMR_FINIT);
  uint32_t want = MN_CAN_IER_TMEIE | MN_CAN_IER_FMPIE0 | MN_CAN_IER_FMPIE1 | MN_CAN_IER_FOVIE0 | MN_CAN_IER_FOVIE1 | MN_CAN_IER_EWGIE |
                  MN_CAN_IER_EPVIE | MN_CAN_IER_BOFIE | MN_CAN_IER_ERRIE;
  assert_int_equal(hw.regs.IER & want, want);
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_ERROR_ACTIVE);
  mn_can_state_t s;
  assert_int_equal(mn_can_take_state_change(&dev, &s), 1);
  assert_int_equal(s, MN_CAN_ERROR_ACTIVE);
  assert_int_equal(fake_irq_depth, 0);
}

static void test_start_times_out_without_inak(void **state) {
  (void)state;
  hw.neverAck = 1;
  assert_int_equal(mn_can_start(&dev, 125000), MN_ENETDOWN);
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_STOPPED);
  assert_true(hw.msrReads >= MN_POLL_LIMIT); /* it did wait, then gave up */
}

static void test_start_rejects_unreachable_rates(void **state) {
  (void)state;
  assert_int_equal(mn_can_start(&dev, 0), MN_EINVAL);
  assert_int_equal(mn_can_start(&dev, 33333), MN_EINVAL); /* 36e6/33333 is no integer x 8..25 tq */
  assert_int_equal(mn_can_start(&dev, 2000000), MN_EINVAL);
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_STOPPED);
}

static void test_three_mailboxes_then_busy_sent_by_priority(void **state) {
  (void)state;
  start_125k();
  mn_can_frame_t a = data_frame(0x300, 8, 1), b = data_frame(0x100, 2, 2), c = data_frame(0x200, 0, 3);
  assert_int_equal(mn_can_send(&dev, &a), MN_OK);
  assert_int_equal(mn_can_send(&dev, &b), MN_OK);
  assert_int_equal(mn_can_send(&dev, &c), MN_OK);
  mn_can_frame_t d = data_frame(0x050, 1, 4);
  assert_int_equal(mn_can_send(&dev, &d), MN_EBUSY);
  assert_int_equal(fake_bxcan_pending_mailboxes(&hw), 3);
  assert_true(fake_irq_max_depth >= 1); /* mailbox loaded with interrupts masked */
  mn_can_frame_t out;
  uint32_t order[3];
  for (int k = 0; k < 3; k++) {
    assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1);
    order[k] = out.id;
    if (out.id == 0x100) {
      assert_int_equal(out.dlc, 2);
      assert_int_equal(out.data[0], 2);
      assert_int_equal(out.data[1], 3);
    }
  }
  assert_int_equal(order[0], 0x100);
  assert_int_equal(order[1], 0x200);
  assert_int_equal(order[2], 0x300);
  run_irqs();
  mn_can_counters_t c2;
  mn_can_get_counters(&dev, &c2);
  assert_int_equal(c2.txFrames, 3);
  assert_int_equal(hw.tsrFlags, 0); /* RQCP/TXOK cleared by the interrupt */
  assert_int_equal(mn_can_send(&dev, &d), MN_OK);
}

static void test_extended_and_remote_frames_on_the_wire(void **state) {
  (void)state;
  start_125k();
  mn_can_frame_t e = data_frame(0x1ABCDEF0, 3, 9);
  e.flags = MN_CAN_FLAG_EXT;
  mn_can_frame_t r = remote_frame(0x181);
  r.dlc = 8;
  assert_int_equal(mn_can_send(&dev, &e), MN_OK);
  assert_int_equal(mn_can_send(&dev, &r), MN_OK);
  mn_can_frame_t out;
  assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1); /* 0x181 std: base id 0x181 < 0x1ABCDEF0 >> 18 = 0x6AF */
  assert_int_equal(out.id, 0x181);
  assert_int_equal(out.flags, MN_CAN_FLAG_RTR);
  assert_int_equal(out.dlc, 8);
  assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1);
  assert_int_equal(out.id, 0x1ABCDEF0);
  assert_int_equal(out.flags, MN_CAN_FLAG_EXT);
  assert_int_equal(out.data[2], 11);
}

static void test_send_rejects_bad_frames_and_stopped_controller(void **state) {
  (void)state;
  mn_can_frame_t ok = data_frame(0x100, 1, 0);
  assert_int_equal(mn_can_send(&dev, &ok), MN_ENETDOWN);
  start_125k();
  mn_can_frame_t bad = data_frame(0x800, 1, 0);
  assert_int_equal(mn_can_send(&dev, &bad), MN_EINVAL);
  bad = data_frame(0x100, 1, 0);
  bad.dlc = 9;
  assert_int_equal(mn_can_send(&dev, &bad), MN_EINVAL);
  bad = data_frame(0x20000000, 1, 0);
  bad.flags = MN_CAN_FLAG_EXT;
  assert_int_equal(mn_can_send(&dev, &bad), MN_EINVAL);
  assert_int_equal(fake_bxcan_pending_mailboxes(&hw), 0);
}

/* issue 12, 2.3: a notification refused by the full event queue left the
 * pending flag set, and no frame was ever announced again. */
static void test_refused_notification_is_retried(void **state) {
  (void)state;
  start_125k();
  accept_all(0);
  (void)mn_can_take_events(&dev);
  notifications = 0;
  eventQueueFull = 1;
  mn_can_frame_t f = data_frame(0x181, 2, 1);
  assert_int_equal(fake_bxcan_receive(&hw, &f), 0);
  run_irqs();
  assert_int_equal(notifications, 0);
  eventQueueFull = 0;
  f = data_frame(0x182, 2, 2);
  assert_int_equal(fake_bxcan_receive(&hw, &f), 0);
  run_irqs();
  assert_int_equal(notifications, 1); /* the main loop hears of both frames now */
  mn_can_frame_t got;
  assert_int_equal(mn_can_take_frame(&dev, &got), 1);
  assert_int_equal(got.id, 0x181);
  assert_int_equal(mn_can_take_frame(&dev, &got), 1);
  assert_int_equal(got.id, 0x182);
}

/* issue 12, 2.4: Espruino's jshPushEvent (behind notify) ends with
 * jshInterruptOn(): called from inside the driver's own critical section (start,
 * stop, state polling on the main loop) it reopened interrupts half-way through.
 * Notifications from those paths come after the section ends. */
static void test_notify_never_called_with_interrupts_masked(void **state) {
  (void)state;
  start_125k(); /* stopped -> error-active */
  assert_true(notifications >= 1);
  (void)mn_can_take_events(&dev);
  fake_bxcan_set_errors(&hw, 130, 0);
  assert_int_equal(mn_can_poll_state(&dev), 1); /* -> error-passive, from the main loop */
  (void)mn_can_take_events(&dev);
  mn_can_stop(&dev); /* -> stopped */
  assert_int_equal(notifications, 3);
  assert_int_equal(notifiedMasked, 0);
  assert_int_equal(fake_irq_depth, 0);
  mn_can_state_t st;
  int n = 0;
  while (mn_can_take_state_change(&dev, &st)) n++;
  assert_int_equal(n, 3);
}

static void test_fifo_drained_into_ring_in_one_interrupt(void **state) {
  (void)state;
  start_125k();
  accept_all(0);
  for (int k = 0; k < 3; k++) {
    mn_can_frame_t f = data_frame(0x180 + (uint32_t)k, 8, (uint8_t)(10 * k));
    assert_int_equal(fake_bxcan_receive(&hw, &f), 0);
  }
  assert_int_equal(hw.count[0], 3);
  (void)mn_can_take_events(&dev);
  notifications = 0;
  assert_true(fake_bxcan_irq_rx(&hw, 0));
  mn_can_isr_rx(&dev, 0);
  assert_int_equal(hw.count[0], 0); /* every output mailbox released (RFOM) */
  assert_false(fake_bxcan_irq_rx(&hw, 0));
  assert_int_equal(notifications, 1);
  assert_true(notifiedEvents & MN_CAN_EV_RX);
  mn_can_frame_t got;
  for (int k = 0; k < 3; k++) {
    assert_int_equal(mn_can_take_frame(&dev, &got), 1);
    assert_int_equal(got.id, 0x180 + (uint32_t)k);
    assert_int_equal(got.dlc, 8);
    assert_int_equal(got.data[7], 10 * k + 7);
    assert_int_equal(got.fifo, 0);
  }
  assert_int_equal(mn_can_take_frame(&dev, &got), 0);
  mn_can_counters_t c;
  mn_can_get_counters(&dev, &c);
  assert_int_equal(c.rxFrames, 3);
  assert_int_equal(c.rxOverruns, 0);
}

static void test_fifo_overrun_counted_and_cleared(void **state) {
  (void)state;
  start_125k();
  accept_all(0);
  for (int k = 0; k < 4; k++) {
    mn_can_frame_t f = data_frame(0x100 + (uint32_t)k, 1, (uint8_t)k);
    fake_bxcan_receive(&hw, &f);
  }
  assert_true(hw.overrun[0]);
  run_irqs();
  assert_false(hw.overrun[0]); /* FOVR cleared (rc_w1) */
  mn_can_counters_t c;
  mn_can_get_counters(&dev, &c);
  assert_int_equal(c.rxOverruns, 1);
  mn_can_frame_t got;
  uint32_t ids[3];
  for (int k = 0; k < 3; k++) {
    assert_int_equal(mn_can_take_frame(&dev, &got), 1);
    ids[k] = got.id;
  }
  /* RFLM=0: the fourth frame overwrote the third (RM0008 24.7.5) */
  assert_int_equal(ids[0], 0x100);
  assert_int_equal(ids[1], 0x101);
  assert_int_equal(ids[2], 0x103);
}

static void test_ring_overflow_drops_newest_and_counts(void **state) {
  (void)state;
  start_125k();
  accept_all(0);
  for (int k = 0; k < MN_CAN_RX_RING + 5; k++) {
    mn_can_frame_t f = data_frame((uint32_t)k, 0, 0);
    fake_bxcan_receive(&hw, &f);
    run_irqs();
  }
  mn_can_counters_t c;
  mn_can_get_counters(&dev, &c);
  assert_int_equal(c.rxRingOverflows, 5);
  mn_can_frame_t got;
  assert_int_equal(mn_can_take_frame(&dev, &got), 1);
  assert_int_equal(got.id, 0);
}

static void test_list_filter_with_rtr_passes_only_listed_remote_frames(void **state) {
  (void)state;
  start_125k();
  mn_can_filter_t f = {.mode = MN_CAN_FILTER_LIST, .rtr = 1, .fifo = 1, .idCount = 3, .ids = {0x181, 0x1C1, 0x201}};
  int bank = mn_can_add_filter(&dev, &f);
  assert_int_equal(bank, 0);
  assert_int_equal(hw.regs.FM1R & 3u, 3u); /* list, 2 ids per bank: banks 0 and 1 */
  assert_int_equal(hw.regs.FS1R & 3u, 3u); /* 32-bit */
  assert_int_equal(hw.regs.FFA1R & 3u, 3u);
  mn_can_frame_t r = remote_frame(0x1C1), d = data_frame(0x1C1, 1, 0), other = remote_frame(0x241);
  assert_int_equal(fake_bxcan_receive(&hw, &r), 1);
  assert_int_equal(fake_bxcan_receive(&hw, &d), -1);
  assert_int_equal(fake_bxcan_receive(&hw, &other), -1);
  run_irqs();
  mn_can_frame_t got;
  assert_int_equal(mn_can_take_frame(&dev, &got), 1);
  assert_int_equal(got.id, 0x1C1);
  assert_int_equal(got.flags, MN_CAN_FLAG_RTR);
  assert_int_equal(got.fifo, 1);
}

static void test_mask_filter_accepts_one_meter_address(void **state) {
  (void)state;
  start_125k();
  /* idPlan.ts: id = function * 64 + address; mask 0x03F gives a meter all of its traffic */
  mn_can_filter_t f = {.mode = MN_CAN_FILTER_MASK, .rtr = MN_CAN_RTR_ANY, .fifo = 0, .id = 5, .mask = 0x3F};
  assert_int_equal(mn_can_add_filter(&dev, &f), 0);
  mn_can_frame_t mine = data_frame(0x045, 8, 0), mineRemote = remote_frame(0x185), theirs = data_frame(0x046, 8, 0);
  mn_can_frame_t ext = data_frame(0x45, 8, 0);
  ext.flags = MN_CAN_FLAG_EXT;
  assert_int_equal(fake_bxcan_receive(&hw, &mine), 0);
  assert_int_equal(fake_bxcan_receive(&hw, &mineRemote), 0);
  assert_int_equal(fake_bxcan_receive(&hw, &theirs), -1);
  assert_int_equal(fake_bxcan_receive(&hw, &ext), -1); /* IDE always compared */
}

static void test_two_bank_list_filter_and_removal(void **state) {
  (void)state;
  start_125k();
  /* rtr free: one id per 32-bit list bank -> 3 ids take banks 0..2 */
  mn_can_filter_t f = {.mode = MN_CAN_FILTER_LIST, .rtr = MN_CAN_RTR_ANY, .fifo = 0, .idCount = 3, .ids = {0x10, 0x20, 0x30}};
  assert_int_equal(mn_can_add_filter(&dev, &f), 0);
  accept_all(1);
  assert_int_equal(hw.regs.FA1R & 0xFu, 0xFu); /* banks 0..2 (list) and 3 (accept all) */
  assert_int_equal(hw.regs.FS1R & 0xFu, 0xFu); /* all 32-bit scale */
  assert_int_equal(hw.regs.FM1R & 0xFu, 0x7u);
  mn_can_frame_t a = data_frame(0x30, 0, 0), b = remote_frame(0x10), c = data_frame(0x31, 0, 0);
  assert_int_equal(fake_bxcan_receive(&hw, &a), 0);
  assert_int_equal(fake_bxcan_receive(&hw, &b), 0);
  assert_int_equal(fake_bxcan_receive(&hw, &c), 1);
  mn_can_remove_filter(&dev, 1); /* not a filter's first bank: ignored */
  assert_int_equal(hw.regs.FA1R & 0xFu, 0xFu);
  mn_can_remove_filter(&dev, 0);
  assert_int_equal(hw.regs.FA1R & 0xFu, 8u);
  assert_false(hw.regs.FMR & MN_CAN_FMR_FINIT);
  assert_int_equal(fake_bxcan_receive(&hw, &a), 1);
  /* freed banks are reused */
  mn_can_filter_t g = {.mode = MN_CAN_FILTER_LIST, .rtr = 0, .fifo = 0, .idCount = 1, .ids = {0x7}};
  assert_int_equal(mn_can_add_filter(&dev, &g), 0);
}

static void test_extended_filters(void **state) {
  (void)state;
  start_125k();
  mn_can_filter_t m = {.mode = MN_CAN_FILTER_MASK, .extended = 1, .rtr = 0, .fifo = 0, .id = 0x18FF0000, .mask = 0x1FFF0000};
  assert_int_equal(mn_can_add_filter(&dev, &m), 0);
  mn_can_filter_t l = {.mode = MN_CAN_FILTER_LIST, .extended = 1, .rtr = 1, .fifo = 1, .idCount = 2, .ids = {0x1234567, 0x7654321}};
  assert_int_equal(mn_can_add_filter(&dev, &l), 1);
  mn_can_frame_t e1 = data_frame(0x18FF1234, 8, 0);
  e1.flags = MN_CAN_FLAG_EXT;
  mn_can_frame_t e1r = e1;
  e1r.flags |= MN_CAN_FLAG_RTR;
  mn_can_frame_t e2 = remote_frame(0x7654321);
  e2.flags |= MN_CAN_FLAG_EXT;
  mn_can_frame_t std = data_frame(0x7FF, 0, 0);
  assert_int_equal(fake_bxcan_receive(&hw, &e1), 0);
  assert_int_equal(fake_bxcan_receive(&hw, &e1r), -1); /* rtr=false given: remote rejected */
  assert_int_equal(fake_bxcan_receive(&hw, &e2), 1);
  assert_int_equal(fake_bxcan_receive(&hw, &std), -1);
}

static void test_filter_errors(void **state) {
  (void)state;
  mn_can_filter_t bad = {.mode = 7, .fifo = 0};
  assert_int_equal(mn_can_add_filter(&dev, &bad), MN_EINVAL);
  mn_can_filter_t badFifo = {.mode = MN_CAN_FILTER_MASK, .fifo = 2};
  assert_int_equal(mn_can_add_filter(&dev, &badFifo), MN_EINVAL);
  mn_can_filter_t badId = {.mode = MN_CAN_FILTER_MASK, .rtr = MN_CAN_RTR_ANY, .id = 0x800, .mask = 0x7FF};
  assert_int_equal(mn_can_add_filter(&dev, &badId), MN_EINVAL);
  mn_can_filter_t tooMany = {.mode = MN_CAN_FILTER_LIST, .extended = 1, .rtr = 0, .idCount = 3};
  assert_int_equal(mn_can_add_filter(&dev, &tooMany), MN_EINVAL);
  mn_can_filter_t one = {.mode = MN_CAN_FILTER_MASK, .rtr = MN_CAN_RTR_ANY, .id = 0, .mask = 0};
  for (int k = 0; k < 14; k++) assert_int_equal(mn_can_add_filter(&dev, &one), k);
  assert_int_equal(mn_can_add_filter(&dev, &one), MN_ENOSPC);
  assert_int_equal(hw.regs.FA1R, 0x3FFFu); /* never a CAN2 bank */
}

static void test_auto_reply_answered_from_the_interrupt(void **state) {
  (void)state;
  start_125k();
  accept_all(0);
  mn_can_frame_t answer = data_frame(0x185, 8, 0x40);
  assert_int_equal(mn_can_set_auto_reply(&dev, &answer, 0), 0);
  mn_can_frame_t poll = remote_frame(0x185);
  fake_bxcan_receive(&hw, &poll);
  run_irqs();
  assert_int_equal(fake_bxcan_pending_mailboxes(&hw), 1);
  mn_can_frame_t out, got;
  assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1);
  assert_int_equal(out.id, 0x185);
  assert_int_equal(out.flags, 0);
  assert_memory_equal(out.data, answer.data, 8);
  assert_int_equal(mn_can_take_frame(&dev, &got), 0); /* consumed: the app never sees the poll */
  /* slot kept (once = 0): a second poll is answered too */
  fake_bxcan_receive(&hw, &poll);
  run_irqs();
  assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1);
  mn_can_counters_t c;
  mn_can_get_counters(&dev, &c);
  assert_int_equal(c.autoReplies, 2);
  assert_int_equal(c.rxFrames, 2);
  /* replacing the slot with the same id keeps the slot number */
  answer.data[0] = 0x99;
  assert_int_equal(mn_can_set_auto_reply(&dev, &answer, 1), 0);
  fake_bxcan_receive(&hw, &poll);
  run_irqs();
  assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1);
  assert_int_equal(out.data[0], 0x99);
  /* once: emptied after one answer, the next poll reaches the app */
  fake_bxcan_receive(&hw, &poll);
  run_irqs();
  assert_int_equal(fake_bxcan_pending_mailboxes(&hw), 0);
  assert_int_equal(mn_can_take_frame(&dev, &got), 1);
  assert_int_equal(got.id, 0x185);
  assert_int_equal(got.flags, MN_CAN_FLAG_RTR);
}

static void test_auto_reply_without_mailbox_goes_to_app(void **state) {
  (void)state;
  start_125k();
  accept_all(0);
  mn_can_frame_t answer = data_frame(0x185, 8, 1);
  assert_int_equal(mn_can_set_auto_reply(&dev, &answer, 1), 0);
  for (int k = 0; k < 3; k++) {
    mn_can_frame_t f = data_frame(0x700 + (uint32_t)k, 0, 0);
    assert_int_equal(mn_can_send(&dev, &f), MN_OK);
  }
  mn_can_frame_t poll = remote_frame(0x185), got, out;
  fake_bxcan_receive(&hw, &poll);
  run_irqs();
  mn_can_counters_t c;
  mn_can_get_counters(&dev, &c);
  assert_int_equal(c.autoReplyMissed, 1);
  assert_int_equal(c.autoReplies, 0);
  assert_int_equal(mn_can_take_frame(&dev, &got), 1);
  assert_int_equal(got.id, 0x185);
  /* the once-slot was not spent */
  while (fake_bxcan_complete_tx(&hw, &out)) {
  }
  run_irqs();
  fake_bxcan_receive(&hw, &poll);
  run_irqs();
  assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1);
  assert_int_equal(out.id, 0x185);
}

static void test_auto_reply_slot_rules(void **state) {
  (void)state;
  mn_can_frame_t ext = data_frame(0x185, 8, 0);
  ext.flags = MN_CAN_FLAG_EXT;
  assert_int_equal(mn_can_set_auto_reply(&dev, &ext, 0), MN_EINVAL);
  mn_can_frame_t rtr = remote_frame(0x185);
  assert_int_equal(mn_can_set_auto_reply(&dev, &rtr, 0), MN_EINVAL);
  for (int k = 0; k < MN_CAN_AUTOREPLY_SLOTS; k++) {
    mn_can_frame_t f = data_frame(0x100 + (uint32_t)k, 8, 0);
    assert_int_equal(mn_can_set_auto_reply(&dev, &f, 0), k);
  }
  mn_can_frame_t extra = data_frame(0x200, 8, 0);
  assert_int_equal(mn_can_set_auto_reply(&dev, &extra, 0), MN_ENOSPC);
  mn_can_clear_auto_reply(&dev, 0x105);
  assert_int_equal(mn_can_set_auto_reply(&dev, &extra, 0), 5);
}

static void test_error_states_and_bus_off_recovery(void **state) {
  (void)state;
  start_125k();
  mn_can_state_t s;
  while (mn_can_take_state_change(&dev, &s)) {
  }
  fake_bxcan_set_errors(&hw, 96, 0);
  run_irqs();
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_ERROR_WARNING);
  assert_false(hw.erri); /* ERRI cleared by the SCE interrupt */
  fake_bxcan_set_errors(&hw, 0, 130); /* error-passive from receive errors */
  run_irqs();
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_ERROR_PASSIVE);
  fake_bxcan_set_errors(&hw, 256, 0);
  run_irqs();
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_BUS_OFF);
  mn_can_frame_t f = data_frame(0x100, 0, 0);
  assert_int_equal(mn_can_send(&dev, &f), MN_ENETDOWN);
  mn_can_counters_t c;
  mn_can_get_counters(&dev, &c);
  assert_int_equal(c.busOffCount, 1);
  assert_int_equal(c.tec, 255);
  /* ABOM: the hardware leaves bus-off by itself, without an interrupt */
  assert_int_equal(fake_bxcan_recover(&hw), 1);
  assert_int_equal(mn_can_poll_state(&dev), 1);
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_ERROR_ACTIVE);
  assert_int_equal(mn_can_poll_state(&dev), 0);
  mn_can_state_t seen[4];
  int n = 0;
  while (n < 4 && mn_can_take_state_change(&dev, &seen[n])) n++;
  assert_int_equal(n, 4);
  assert_int_equal(seen[0], MN_CAN_ERROR_WARNING);
  assert_int_equal(seen[1], MN_CAN_ERROR_PASSIVE);
  assert_int_equal(seen[2], MN_CAN_BUS_OFF);
  assert_int_equal(seen[3], MN_CAN_ERROR_ACTIVE);
  assert_int_equal(mn_can_send(&dev, &f), MN_OK);
  assert_string_equal(mn_can_state_name(MN_CAN_ERROR_PASSIVE), "error-passive");
}

static void test_stop_aborts_and_empties(void **state) {
  (void)state;
  start_125k();
  accept_all(0);
  mn_can_frame_t f = data_frame(0x100, 0, 0);
  assert_int_equal(mn_can_send(&dev, &f), MN_OK);
  fake_bxcan_receive(&hw, &f);
  run_irqs();
  mn_can_stop(&dev);
  assert_int_equal(fake_bxcan_pending_mailboxes(&hw), 0);
  assert_int_equal(hw.mode, FAKE_CAN_INIT);
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_STOPPED);
  mn_can_frame_t got;
  assert_int_equal(mn_can_take_frame(&dev, &got), 0);
  assert_int_equal(fake_bxcan_receive(&hw, &f), -2); /* off the bus */
  /* filters survive a stop and work after a restart */
  start_125k();
  assert_int_equal(fake_bxcan_receive(&hw, &f), 0);
}

static void test_reset_clears_filters_and_slots(void **state) {
  (void)state;
  start_125k();
  accept_all(0);
  mn_can_frame_t answer = data_frame(0x185, 8, 0);
  assert_int_equal(mn_can_set_auto_reply(&dev, &answer, 0), 0);
  mn_can_reset(&dev);
  assert_int_equal(hw.regs.FA1R & 0x3FFFu, 0);
  start_125k();
  mn_can_frame_t poll = remote_frame(0x185);
  assert_int_equal(fake_bxcan_receive(&hw, &poll), -1);
  accept_all(0);
  fake_bxcan_receive(&hw, &poll);
  run_irqs();
  assert_int_equal(fake_bxcan_pending_mailboxes(&hw), 0); /* slot gone */
}

static void test_uninitialised_controller_refuses_without_crashing(void **state) {
  (void)state;
  static mn_can_t blank; /* zeroed: what the interpreter's kill hook may meet before init */
  mn_can_stop(&blank);
  mn_can_reset(&blank);
  mn_can_frame_t f = data_frame(0x100, 0, 0);
  assert_int_equal(mn_can_send(&blank, &f), MN_ENETDOWN);
  assert_int_equal(mn_can_start(&blank, 125000), MN_ENETDOWN);
  mn_can_filter_t all = {.mode = MN_CAN_FILTER_MASK, .rtr = MN_CAN_RTR_ANY};
  assert_int_equal(mn_can_add_filter(&blank, &all), MN_ENETDOWN);
  assert_int_equal(mn_can_poll_state(&blank), 0);
  mn_can_remove_filter(&blank, 0);
  assert_int_equal(mn_can_init(&blank, NULL), MN_EINVAL);
}

static mn_can_counters_t counters(void) {
  mn_can_counters_t c;
  mn_can_get_counters(&dev, &c);
  return c;
}

/* issue 12, 2.9: txErrors stayed 0. It counted mailboxes that completed
 * without TXOK, which with automatic retransmission (NART=0) only an abort
 * does: a failed attempt is retried, not completed. Each failed attempt is now
 * counted from the status-change interrupt (LEC, with LECIE). */
static void test_transmit_errors_counted_from_the_error_interrupt(void **state) {
  (void)state;
  start_125k();
  accept_all(0);
  assert_true(hw.regs.IER & MN_CAN_IER_LECIE);
  mn_can_frame_t f = data_frame(0x185, 8, 1), out;
  assert_int_equal(mn_can_send(&dev, &f), MN_OK);
  /* three failed attempts: no acknowledgement, a bit error, a stuff error */
  const unsigned lecs[3] = {BXCAN_LEC_ACK, BXCAN_LEC_BIT_DOMINANT, BXCAN_LEC_STUFF};
  for (int k = 0; k < 3; k++) {
    assert_int_equal(fake_bxcan_bus_error(&hw, lecs[k], 1), 1);
    assert_true(fake_bxcan_irq_sce(&hw));
    run_irqs();
  }
  assert_int_equal(fake_bxcan_pending_mailboxes(&hw), 1); /* still being retried */
  assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1);
  run_irqs();
  mn_can_counters_t c = counters();
  assert_int_equal(c.txErrors, 3);
  assert_int_equal(c.txFrames, 1);
  assert_int_equal(c.rxErrors, 0);
  assert_int_equal(c.tec, 23); /* 3 x 8 - 1 */
  /* a CRC error in someone else's frame: a receive error */
  assert_int_equal(fake_bxcan_bus_error(&hw, BXCAN_LEC_CRC, 0), 1);
  run_irqs();
  c = counters();
  assert_int_equal(c.txErrors, 3);
  assert_int_equal(c.rxErrors, 1);
  /* a status change with no new bus error counts nothing (the code was marked seen) */
  fake_bxcan_set_errors(&hw, hw.tec, 100);
  run_irqs();
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_ERROR_WARNING);
  c = counters();
  assert_int_equal(c.txErrors, 3);
  assert_int_equal(c.rxErrors, 1);
}

/* The interrupt held off across two failed attempts and the successful third:
 * the transmit interrupt runs first (higher priority), then the status-change
 * one finds TEC 15 = 2 x 8 - 1 and counts two. */
static void test_transmit_errors_counted_after_interrupts_held_off(void **state) {
  (void)state;
  start_125k();
  mn_can_frame_t f = data_frame(0x185, 8, 1), out;
  assert_int_equal(mn_can_send(&dev, &f), MN_OK);
  assert_int_equal(fake_bxcan_bus_error(&hw, BXCAN_LEC_FORM, 1), 1);
  assert_int_equal(fake_bxcan_bus_error(&hw, BXCAN_LEC_BIT_RECESSIVE, 1), 1);
  assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1);
  run_irqs();
  mn_can_counters_t c = counters();
  assert_int_equal(c.txErrors, 2);
  assert_int_equal(c.rxErrors, 0);
  assert_int_equal(c.txFrames, 1);
  /* then a receive error after ten more frames sent: TEC went down by ten, not up */
  for (int k = 0; k < 10; k++) {
    assert_int_equal(mn_can_send(&dev, &f), MN_OK);
    assert_int_equal(fake_bxcan_complete_tx(&hw, &out), 1);
    run_irqs();
  }
  assert_int_equal(fake_bxcan_bus_error(&hw, BXCAN_LEC_STUFF, 0), 1);
  run_irqs();
  c = counters();
  assert_int_equal(c.txErrors, 2);
  assert_int_equal(c.rxErrors, 1);
}

/* ISO 11898-1: an error-passive transmitter that sees no acknowledge keeps its
 * TEC (a lone node), and the error that takes a node bus-off is its own. */
static void test_passive_ack_errors_and_bus_off_are_transmit_errors(void **state) {
  (void)state;
  start_125k();
  fake_bxcan_set_errors(&hw, 0, 130); /* error-passive from receive errors */
  run_irqs();
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_ERROR_PASSIVE);
  mn_can_frame_t f = data_frame(0x185, 8, 1);
  assert_int_equal(mn_can_send(&dev, &f), MN_OK);
  for (int k = 0; k < 4; k++) {
    assert_int_equal(fake_bxcan_bus_error(&hw, BXCAN_LEC_ACK, 1), 1);
    run_irqs();
  }
  mn_can_counters_t c = counters();
  assert_int_equal(c.tec, 0);
  assert_int_equal(c.txErrors, 4);
  /* 32 bit errors: TEC 256, bus-off */
  for (int k = 0; k < 32; k++) {
    assert_int_equal(fake_bxcan_bus_error(&hw, BXCAN_LEC_BIT_DOMINANT, 1), 1);
    run_irqs();
  }
  assert_int_equal(mn_can_get_state(&dev), MN_CAN_BUS_OFF);
  c = counters();
  assert_int_equal(c.txErrors, 36);
  assert_int_equal(c.rxErrors, 0);
  assert_int_equal(c.busOffCount, 1);
}

/* issue 12, 2.9 (stats copied while the interrupt changes them), CAN side: the
 * counters are copied, and TEC/REC read, with the CAN interrupts masked. */
static void test_counters_copied_with_interrupts_masked(void **state) {
  (void)state;
  start_125k();
  fake_irq_max_depth = 0;
  (void)counters();
  assert_int_equal(fake_irq_max_depth, 1);
  assert_int_equal(fake_irq_depth, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_start_programs_timing_and_joins, setup),
      cmocka_unit_test_setup(test_start_times_out_without_inak, setup),
      cmocka_unit_test_setup(test_start_rejects_unreachable_rates, setup),
      cmocka_unit_test_setup(test_three_mailboxes_then_busy_sent_by_priority, setup),
      cmocka_unit_test_setup(test_extended_and_remote_frames_on_the_wire, setup),
      cmocka_unit_test_setup(test_send_rejects_bad_frames_and_stopped_controller, setup),
      cmocka_unit_test_setup(test_fifo_drained_into_ring_in_one_interrupt, setup),
      cmocka_unit_test_setup(test_fifo_overrun_counted_and_cleared, setup),
      cmocka_unit_test_setup(test_ring_overflow_drops_newest_and_counts, setup),
      cmocka_unit_test_setup(test_list_filter_with_rtr_passes_only_listed_remote_frames, setup),
      cmocka_unit_test_setup(test_mask_filter_accepts_one_meter_address, setup),
      cmocka_unit_test_setup(test_two_bank_list_filter_and_removal, setup),
      cmocka_unit_test_setup(test_extended_filters, setup),
      cmocka_unit_test_setup(test_filter_errors, setup),
      cmocka_unit_test_setup(test_auto_reply_answered_from_the_interrupt, setup),
      cmocka_unit_test_setup(test_auto_reply_without_mailbox_goes_to_app, setup),
      cmocka_unit_test_setup(test_auto_reply_slot_rules, setup),
      cmocka_unit_test_setup(test_error_states_and_bus_off_recovery, setup),
      cmocka_unit_test_setup(test_stop_aborts_and_empties, setup),
      cmocka_unit_test_setup(test_reset_clears_filters_and_slots, setup),
      cmocka_unit_test_setup(test_uninitialised_controller_refuses_without_crashing, setup),
      cmocka_unit_test_setup(test_refused_notification_is_retried, setup),
      cmocka_unit_test_setup(test_notify_never_called_with_interrupts_masked, setup),
      cmocka_unit_test_setup(test_transmit_errors_counted_from_the_error_interrupt, setup),
      cmocka_unit_test_setup(test_transmit_errors_counted_after_interrupts_held_off, setup),
      cmocka_unit_test_setup(test_passive_ack_errors_and_bus_off_are_transmit_errors, setup),
      cmocka_unit_test_setup(test_counters_copied_with_interrupts_masked, setup),
  };
  return cmocka_run_group_tests_name("bxCAN driver", tests, NULL, NULL);
}
