#!/usr/bin/env python3
"""Puts each fixed issue-12 firmware defect (section 2) back into a copy of boards/STM32F107
and checks that host.suite.sh then fails, naming the tests that caught it.

  python3 boards/STM32F107/test/reintroduceDefects.py [ITEM...]   (about 20 s per item)

Each mutant is the smallest source change that restores the old behaviour. Prints one line
per mutant: item, failing tests (or "NOT CAUGHT"); exits 1 if any mutant went uncaught.
Not part of npm test (a full suite build per mutant)."""
import os, re, shutil, subprocess, sys, tempfile

BOARD = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# item -> [(file under boards/STM32F107, old text, new text), ...]
MUTANTS = {
    "2.1 pins/remap/NVIC set up only on the first init": [
        ("meternetBoard.c", "  setup_clocks_pins_irqs(); /* after the drivers",
         "  { static int once; if (!once) { once = 1; setup_clocks_pins_irqs(); } } /* after the drivers")],
    "2.2 AFIO_MAPR write clears SWJ_CFG": [("meternetBoard.c", " | MN_AFIO_MAPR_SWJ_NO_CHANGE);", ");")],
    "2.3 CAN: refused notification leaves the pending flag set": [
        ("can/canDriver.c", "    dev->pendingEvents = 0; /* refused", "    (void)0; /* refused")],
    "2.3 ADC: refused notification leaves the pending flag set": [
        ("adc/meterAdc.c", "if (c->notify && c->notify(c->notifyCtx)) dev->notifyPending = 1;",
         "dev->notifyPending = 1; if (c->notify) (void)c->notify(c->notifyCtx);")],
    "2.4 notify inside the main loop's critical sections": [("can/canDriver.c", "  dev->deferNotify = 1;", "  dev->deferNotify = 0;")],
    "2.5 HT+TC: half by flag order, one lost half counted": [
        ("adc/meterAdc.c", "    half = skip_lost_halves(dev, now);",
         "    (void)skip_lost_halves; half = (flags & MN_DMA_FLAG_TC) ? 1 : 0; dev->s.missedBlocks++;")],
    "2.6 every interrupt masked (PRIMASK) for the window copy": [
        ("adc/meterAdc.c", "  return c->dmaIrqPriority ? MN_BASEPRI_RAISE((uint32_t)c->dmaIrqPriority << 4) : MN_IRQ_SAVE();",
         "  (void)c; return MN_IRQ_SAVE();"),
        ("adc/meterAdc.c", "  if (c->dmaIrqPriority) MN_BASEPRI_RESTORE(saved);\n  else MN_IRQ_RESTORE(saved);", "  (void)c; MN_IRQ_RESTORE(saved);")],
    "2.7 nominalHz/cycles narrowed before the check": [
        ("adc/meterAdc.c", "a->nominalHz > 0xFFu", "0"), ("adc/meterAdc.c", "a->cycles > 0xFFu", "0")],
    "2.8 ADC CR2 rewritten with ADON=1 unchanged": [("drivers/adc.c", "  if (next != cr2) MN_WR(adc->CR2, next);", "  (void)cr2; MN_WR(adc->CR2, next);")],
    "2.8 timer UG with TRGO = update, after the ADC trigger is enabled": [
        ("drivers/tim.c", "MN_WR(tim->CR2, cr2 | (MN_TIM_MMS_ENABLE << MN_TIM_CR2_MMS_SHIFT));",
         "MN_WR(tim->CR2, cr2 | (MN_TIM_MMS_UPDATE << MN_TIM_CR2_MMS_SHIFT));"),
        ("adc/meterAdc.c", "  (void)tim_setup_trgo_on_update(c->tim, psc, arr);\n", ""),
        ("adc/meterAdc.c", "  (void)dma_enable_with_irqs(c->dma, c->dmaChannel);\n",
         "  (void)dma_enable_with_irqs(c->dma, c->dmaChannel);\n  (void)tim_setup_trgo_on_update(c->tim, psc, arr);\n")],
    "2.9 txErrors from failed mailboxes only (no LEC interrupt)": [
        ("can/canDriver.c", "MN_CAN_IER_LECIE | ", ""),
        ("can/canDriver.c", "  if (dev->state != MN_CAN_STOPPED) count_bus_errors(dev, lec, &es);", "  (void)lec; (void)count_bus_errors;")],
    "2.9 DMA transfer error not notified": [("adc/meterAdc.c", "    if (c->notify) (void)c->notify(c->notifyCtx);\n    return;", "    return;")],
    "2.9 ADC stats copied unmasked": [
        ("adc/meterAdc.c", "  uint32_t saved = mask_dma_irq(dev->cfg);\n  *out = dev->s;\n  unmask_dma_irq(dev->cfg, saved);", "  *out = dev->s;")],
    "2.9 CAN counters copied unmasked": [
        ("can/canDriver.c", "  uint32_t irq = MN_IRQ_SAVE();\n  if (dev->state != MN_CAN_STOPPED) {", "  uint32_t irq = 0;\n  if (dev->state != MN_CAN_STOPPED) {"),
        ("can/canDriver.c", "  *out = dev->c;\n  MN_IRQ_RESTORE(irq);", "  *out = dev->c;\n  (void)irq;")],
}

def run(item, edits):
    tmp = tempfile.mkdtemp(prefix="mn-mutant-")
    try:
        board = os.path.join(tmp, "STM32F107")
        shutil.copytree(BOARD, board)
        for f, old, new in edits:
            p = os.path.join(board, f)
            s = open(p).read()
            if s.count(old) != 1:
                return f"mutant does not apply ({f}: {s.count(old)} matches): update this script"
            open(p, "w").write(s.replace(old, new))
        r = subprocess.run(["bash", os.path.join(board, "test", "host.suite.sh")], capture_output=True, text=True)
        out = r.stdout + r.stderr
        failed = sorted(set(re.findall(r"^\[  FAILED  \] (test\w+)", out, re.M)))
        if "does not build" in out: failed.append("(does not build)")
        return ", ".join(failed) if failed else "NOT CAUGHT"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

uncaught = 0
for item, edits in MUTANTS.items():
    if len(sys.argv) > 1 and not any(item.startswith(a) for a in sys.argv[1:]): continue
    res = run(item, edits)
    if res == "NOT CAUGHT" or res.startswith("mutant does not apply"): uncaught += 1
    print(f"{item}: {res}", flush=True)
sys.exit(1 if uncaught else 0)
