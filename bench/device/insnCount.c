/*
 * meternet timing rig (bench/device), part (b): a QEMU TCG plugin that counts the guest
 * instructions executed, for Debian's qemu-user 7.2 (`qemu-arm -plugin ./insnCount.so`).
 * Each translated block, when it runs, adds its instruction count to the counter of the
 * guest thread (vCPU) running it (an atomic add in a callback: inline adds from two threads
 * lost updates). At exit it writes to stderr "@@INSNS <main thread> <all threads>": the
 * main thread is the interpreter; the other is the Linux port's console-input thread, which
 * polls on the wall clock (the chip has a UART interrupt instead), so main.ts uses the first.
 * A block left half-way (a fault or signal in its middle) would be counted whole; the
 * interpreter's runs have none. Checked against QEMU's own one-instruction-per-block
 * execution log by `npm run bench:device -- --check`.
 *
 * QEMU's plugin header is not installed by Debian, so the few entry points of plugin API
 * version 1 (QEMU 4.2..7.2) used here are declared below. Build:
 *   cc -shared -fPIC -O2 -o insnCount.so bench/device/insnCount.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
    void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
extern void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
    void (*cb)(unsigned int vcpu_index, void *userdata), enum qemu_plugin_cb_flags flags, void *userdata);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
    void (*cb)(qemu_plugin_id_t id, void *userdata), void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define MAX_THREADS 64
static uint64_t instructions[MAX_THREADS];

static void onBlock(unsigned int vcpu, void *nInsns) {
  __atomic_fetch_add(&instructions[vcpu % MAX_THREADS], (uint64_t)(uintptr_t)nInsns, __ATOMIC_RELAXED);
}

static void onTranslate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  qemu_plugin_register_vcpu_tb_exec_cb(tb, onBlock, QEMU_PLUGIN_CB_NO_REGS,
                                       (void *)(uintptr_t)qemu_plugin_tb_n_insns(tb));
}

static void onExit(qemu_plugin_id_t id, void *userdata) {
  (void)id; (void)userdata;
  uint64_t all = 0;
  for (int i = 0; i < MAX_THREADS; i++) all += __atomic_load_n(&instructions[i], __ATOMIC_RELAXED);
  fprintf(stderr, "@@INSNS %llu %llu\n", (unsigned long long)__atomic_load_n(&instructions[0], __ATOMIC_RELAXED),
          (unsigned long long)all);
  fflush(stderr);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  (void)info; (void)argc; (void)argv;
  qemu_plugin_register_vcpu_tb_trans_cb(id, onTranslate);
  qemu_plugin_register_atexit_cb(id, onExit, NULL);
  return 0;
}
