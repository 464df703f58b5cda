/*
 * meternet timing rig (bench/device), part (b): a QEMU TCG plugin that counts the guest
 * instructions executed, for Debian's qemu-user 7.2 (`qemu-arm -plugin ./insnCount.so`).
 * Each translated block adds its instruction count to one counter when it runs (an inline
 * add, no callback), and the total is written to stderr at exit as
 * "@@INSNS <count>". A block left half-way (a fault or signal in its middle) would be
 * counted whole; the interpreter's runs have none. Checked against QEMU's own
 * one-instruction-per-block execution log by bench/device/thumbCount.ts --check.
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
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
    void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
extern void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
    enum qemu_plugin_op op, void *ptr, uint64_t imm);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
    void (*cb)(qemu_plugin_id_t id, void *userdata), void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* one guest thread matters (Espruino's input thread sleeps in read()); a plain counter */
static uint64_t instructions;

static void onTranslate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &instructions,
                                           qemu_plugin_tb_n_insns(tb));
}

static void onExit(qemu_plugin_id_t id, void *userdata) {
  (void)id; (void)userdata;
  fprintf(stderr, "@@INSNS %llu\n", (unsigned long long)instructions);
  fflush(stderr);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  (void)info; (void)argc; (void)argv;
  qemu_plugin_register_vcpu_tb_trans_cb(id, onTranslate);
  qemu_plugin_register_atexit_cb(id, onExit, NULL);
  return 0;
}
