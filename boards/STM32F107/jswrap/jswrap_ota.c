/*
 * CAN1's OTA methods: the bindings of boards/STM32F107/ota's links (otaMeterLink.c on
 * a meter, otaAggLink.c on the aggregator). Binding only: conversions and the hooks;
 * the protocol is the plain C the host simulator and the tests run.
 *
 * Received OTA frames never reach JavaScript: jswrap_can.c's event handler offers
 * every frame to mn_ota_take first (chunks, and this node's control identifiers), and
 * calls mn_ota_service after draining (timers, the transmit queue, events). A meter's
 * JavaScript gets onOta(type, a, b) callbacks: 1 start (a = security counter to
 * persist, b = chunks), 2 progress (a = held, b = chunks), 3 verdict (a = state
 * 2 verified / 3 failed / 0 manifest refused, b = cause), 4 end (a = result, b = version).
 *
 * State: one flat string hidden on CAN1 (the link's struct), looked up on each call,
 * gone with CAN1's properties on reset(), as the SecOC and link states are. A meter's
 * is only what listening needs (key, counters, the manifest's ISO-TP buffer, events);
 * what a transfer needs (bitmap, status answer, NOR page buffer) is a second flat string
 * ("\xFFotx") that exists only while the meter receives (ota_xfer_alloc). The
 * aggregator's is the sender ("\xFFota", 4 440 B) only from otaSend to the update's end,
 * the staged image's state on the NOR ("\xFFoti", otaNorImage.h) from otaStageBegin on,
 * and the last update's summary ("\xFFotr") after its end. Staging: the W25Q32JV NOR on
 * SPI1 on both ends (ota/w25q.c). Images: the meters build the meter side (-DMN_OTA),
 * the aggregator the sending side (-DMN_OTA -DMN_OTA_AGG).
 */
#include <string.h>

#include "jsvar.h"
#include "jsparse.h"
#include "jsinteractive.h"
#include "jsflash.h"
#include "jshardware.h"

#include "jswrap_ota.h"
#include "jswrap_arraybuffer.h"
#include "meternetBoard.h"
#include "ota/w25q.h"

#define OTA_STATE "\xFF" "ota"
#define OTA_XFER "\xFF" "otx" /* a meter's transfer state, only while it receives */

static uint32_t ota_now_ms(void) { return (uint32_t)jshGetMillisecondsFromTime(jshGetSystemTime()); }

static uint8_t *ota_named(JsVar *can, const char *name, JsVar **holder) {
  *holder = can ? jsvObjectGetChildIfExists(can, name) : 0;
  return (*holder && jsvIsFlatString(*holder)) ? (uint8_t *)jsvGetFlatStringPointer(*holder) : 0;
}

static uint8_t *ota_state(JsVar *can, JsVar **holder) { return ota_named(can, OTA_STATE, holder); }

/* A new zeroed flat string of n bytes on CAN1 under name (replacing the old); 0 when memory is short. */
static uint8_t *ota_new_named(JsVar *can, const char *name, size_t n) {
  JsVar *st = jsvNewFlatStringOfLength((unsigned int)n);
  if (!st) return 0;
  uint8_t *p = (uint8_t *)jsvGetFlatStringPointer(st);
  memset(p, 0, n);
  jsvObjectSetChild(can, name, st);
  jsvUnLock(st);
  return p;
}
static uint8_t *ota_new_state(JsVar *can, size_t n) { return ota_new_named(can, OTA_STATE, n); }

/* One frame into a transmit mailbox: 0 when taken (the driver's code otherwise). */
static int ota_hw_send(void *ctx, uint16_t id, const uint8_t data[8]) {
  (void)ctx;
  mn_can_frame_t f;
  f.id = id;
  f.dlc = 8;
  f.flags = 0;
  f.fifo = 0;
  f.filter = 0;
  memcpy(f.data, data, 8);
  return mn_can_send(&mn_board_can1, &f);
}

/* Bytes of a JS array/typed array into out (exactly n); false otherwise. */
static bool ota_bytes(JsVar *v, uint8_t *out, unsigned n) {
  if (!v || jsvIterateCallbackCount(v) != n) return false;
  jsvIterateCallbackToBytes(v, out, n);
  return true;
}

/*
 * The W25Q32JV on SPI1 (PA5 SCK, PA6 MISO, PA7 MOSI, chip select PA4, mode 0, 8 MHz:
 * the aggregator's wiring, modules/ports/device/norPins.ts; SPI1 is free on the meter:
 * the TFT is on SPI3): the meter's script slots, the aggregator's staged image. Every
 * transfer is a whole transaction in the main loop (ota/otaNorStaging.h says why that
 * keeps it apart from JavaScript's SPI1.send, which the aggregator's history also uses).
 */
static mn_w25q_t ota_nor;
static Pin ota_nor_cs;
static bool ota_nor_selected;

static int nor_xfer(void *ctx, const uint8_t *tx, uint8_t *rx, uint32_t n, int end) {
  (void)ctx;
  bool ok = true;
  if (!ota_nor_selected) {
    jshPinOutput(ota_nor_cs, 0);
    ota_nor_selected = true;
  }
  if (n) {
    unsigned char *t = (unsigned char *)tx;
    if (!t) { /* reading: 0xFF out, in place (each byte is sent before its answer is stored) */
      memset(rx, 0xFF, n);
      t = rx;
    }
    jshSPISetReceive(EV_SPI1, rx != 0);
    ok = jshSPISendMany(EV_SPI1, t, rx, n, NULL);
  }
  if (end) {
    jshPinOutput(ota_nor_cs, 1);
    ota_nor_selected = false;
  }
  return ok ? 0 : -1;
}

/* SPI1 and the chip select (again after reset(): Espruino's jshReset makes pins analog). */
static void nor_setup(void) {
  JshSPIInfo inf;
  jshSPIInitInfo(&inf);
  inf.baudRate = 8000000;
  inf.pinSCK = jshGetPinFromString("A5");
  inf.pinMISO = jshGetPinFromString("A6");
  inf.pinMOSI = jshGetPinFromString("A7");
  inf.spiMode = SPIF_SPI_MODE_0;
  inf.spiMSB = true;
  jshSPISetup(EV_SPI1, &inf);
  ota_nor_cs = jshGetPinFromString("A4");
  jshPinOutput(ota_nor_cs, 1);
  ota_nor_selected = false;
  mn_w25q_init(&ota_nor, nor_xfer, 0, MN_W25Q32_BYTES);
}

#ifndef MN_OTA_AGG
/* ==== the meter ==== */
#include "jspin.h"
#include "ota/otaMeterLink.h"
#include "ota/otaNorStaging.h"
#include "ota/otaBootHook.h"
#include "ota/otaSwitch.h"

/* A new Storage file of n bytes, erased (Espruino replaces an old one), to be written in place. */
static int ota_file_create(const char *file, uint32_t n) {
  JsVar *none = jsvNewFromEmptyString();
  bool ok = none && jsfWriteFile(jsfNameFromString(file), none, JSFF_NONE, 0, (JsVarInt)n);
  jsvUnLock(none);
  return ok ? 0 : -1;
}
/* n bytes into a Storage file made by ota_file_create, at off. */
static int ota_file_write(const char *file, uint32_t off, const uint8_t *d, uint32_t n) {
  JsVar *s = jsvNewStringOfLength(n, (const char *)d);
  bool ok = s && jsfWriteFile(jsfNameFromString(file), s, JSFF_NONE, (JsVarInt)off, 0);
  jsvUnLock(s);
  return ok ? 0 : -1;
}

/* The FRAM's boot record on I2C1 (PB6 SCL, PB7 SDA, 0x50, 400 kHz; modules/persist/boardPins.ts)
 * at MN_BOARD_FRAM_BOOT_AT: two 16-byte copies after the 256-byte billing ring. */
#define OTA_FRAM_I2C 0x50
#define OTA_FRAM_BOOT_AT 256u
#define OTA_BOOTCODE ".bootcde"
/* The trial's watchdog: LSI 40 kHz nominal (30-60 kHz: 6.7-13.3 s), kicked by Espruino's idle loop. */
#define OTA_WATCHDOG_S 10.0
/* A trial not confirmed within this time reverts by itself ("deadline"): JavaScript
 * confirms after its healthy time, well before (README.md "Switch, trial and revert"). */
#define OTA_TRIAL_DEADLINE_MS (15u * 60u * 1000u)

static mn_boot_outcome_t ota_boot;

/* The boot record in the FRAM (otaBoot.h's store). I2C1 is set up by the boot hook here,
 * and by JavaScript's deviceFram() later, the same way. */
static int fram_read(void *ctx, uint32_t off, uint8_t *d, uint32_t n) {
  (void)ctx;
  uint32_t a = OTA_FRAM_BOOT_AT + off;
  uint8_t ad[2] = {(uint8_t)(a >> 8), (uint8_t)a};
  jshI2CWrite(EV_I2C1, OTA_FRAM_I2C, 2, ad, false);
  jshI2CRead(EV_I2C1, OTA_FRAM_I2C, (int)n, d, true);
  return jspHasError() ? -1 : 0; /* Espruino's I2C raises an exception when nothing answers */
}
static int fram_write(void *ctx, uint32_t off, const uint8_t *d, uint32_t n) {
  (void)ctx;
  uint8_t b[2 + MN_BOOT_RECORD_BYTES];
  if (n > MN_BOOT_RECORD_BYTES) return -1;
  uint32_t a = OTA_FRAM_BOOT_AT + off;
  b[0] = (uint8_t)(a >> 8);
  b[1] = (uint8_t)a;
  memcpy(b + 2, d, n);
  jshI2CWrite(EV_I2C1, OTA_FRAM_I2C, (int)(2 + n), b, true);
  return jspHasError() ? -1 : 0;
}
static const mn_boot_store_t ota_record = {fram_read, fram_write, 0};

/* ---- the boot hook's access to the slots and to Storage's .bootcde ---- */

static int slot_read(void *ctx, int slot, uint32_t off, uint8_t *d, uint32_t n) {
  (void)ctx;
  if (mn_w25q_wait(&ota_nor, MN_NOR_PROGRAM_POLLS) != MN_W25Q_OK) return -1;
  return mn_w25q_read(&ota_nor, MN_NOR_SLOT_BASE(slot) + off, d, n) == MN_W25Q_OK ? 0 : -1;
}
/* Blocking (boot only, before the script and the watchdog): 6 sectors, 270 ms typ, 2.4 s max. */
static int slot_erase(void *ctx, int slot) {
  (void)ctx;
  for (uint32_t s = 0; s < MN_NOR_SLOT_BYTES; s += MN_W25Q_SECTOR_BYTES) {
    if (mn_w25q_wait(&ota_nor, 1000000u) != MN_W25Q_OK) return -1;
    if (mn_w25q_erase_start(&ota_nor, MN_NOR_SLOT_BASE(slot) + s) != MN_W25Q_OK) return -1;
  }
  return mn_w25q_wait(&ota_nor, 1000000u) == MN_W25Q_OK ? 0 : -1;
}
static int slot_program(void *ctx, int slot, uint32_t off, const uint8_t *d, uint32_t n) {
  (void)ctx;
  if (mn_w25q_wait(&ota_nor, MN_NOR_PROGRAM_POLLS) != MN_W25Q_OK) return -1;
  if (mn_w25q_program_start(&ota_nor, MN_NOR_SLOT_BASE(slot) + off, d, n) != MN_W25Q_OK) return -1;
  return mn_w25q_wait(&ota_nor, MN_NOR_PROGRAM_POLLS) == MN_W25Q_OK ? 0 : -1;
}
static uint32_t bootcode_addr(JsfFileHeader *h) { return jsfFindFile(jsfNameFromString(OTA_BOOTCODE), h); }
static int32_t bootcode_size(void *ctx) {
  (void)ctx;
  JsfFileHeader h;
  return bootcode_addr(&h) ? (int32_t)jsfGetFileSize(&h) : -1;
}
static int bootcode_read(void *ctx, uint32_t off, uint8_t *d, uint32_t n) {
  (void)ctx;
  JsfFileHeader h;
  uint32_t addr = bootcode_addr(&h);
  if (!addr || off + n > jsfGetFileSize(&h)) return -1;
  jshFlashRead(d, addr + off, n);
  return 0;
}
/* A new .bootcde of n bytes (Espruino replaces the old file), then written in place. */
static int bootcode_create(void *ctx, uint32_t n) {
  (void)ctx;
  return ota_file_create(OTA_BOOTCODE, n);
}
static int bootcode_write(void *ctx, uint32_t off, const uint8_t *d, uint32_t n) {
  (void)ctx;
  return ota_file_write(OTA_BOOTCODE, off, d, n);
}
static const mn_boot_io_t ota_boot_io = {{fram_read, fram_write, 0}, slot_read, slot_erase, slot_program, MN_NOR_SLOT_META_OFFSET,
                                         MN_OTA_MAX_BYTES, bootcode_size, bootcode_read, bootcode_create, bootcode_write, 0};

/*JSON{
  "type" : "init", "ifndef" : "MN_OTA_AGG", "generate" : "jswrap_ota_init"
}*/
void jswrap_ota_init(void) {
  static bool booted; /* once per power-up: reset(), load() and save() run the init hooks again */
  if (booted) return;
  booted = true;
  nor_setup();
  JshI2CInfo i2c;
  jshI2CInitInfo(&i2c);
  i2c.bitrate = 400000;
  i2c.pinSCL = jshGetPinFromString("B6");
  i2c.pinSDA = jshGetPinFromString("B7");
  jshI2CSetup(EV_I2C1, &i2c);
  if (mn_w25q_jedec(&ota_nor) != MN_W25Q32_JEDEC) { /* no NOR: no slots, the script in Storage runs as it is */
    ota_boot.slot = -1;
    ota_boot.action = MN_HOOK_FAILED;
    ota_boot.failedStep = 2;
    return;
  }
  (void)mn_boot_hook(&ota_boot_io, mn_board_reset_cause(), &ota_boot);
  if (ota_boot.trial) {
    /* A hung trial resets into a revert (otaBoot.c: a watchdog reset in a trial). The
     * IWDG cannot be stopped once started: after the confirmation it keeps being kicked
     * by Espruino's idle loop (JSIS_WATCHDOG_AUTO) until the next reset, which does not
     * start it again outside a trial. */
    jsiStatus |= JSIS_WATCHDOG_AUTO;
    jshEnableWatchDog(OTA_WATCHDOG_S);
  }
}

/* What CAN1 needs besides the link: the NOR staging the receiver points at (its page buffer). */
typedef struct {
  mn_ota_meter_t m;
  mn_nor_stage_t stage;
} ota_meter_state_t;

/*
 * The transfer state (otaMeterLink.h mn_ota_meter_xfer_t: chunk bitmap, status answer) and
 * the NOR page buffer, one flat string on CAN1 for as long as the meter receives: asked
 * for by the link when a manifest comes (main loop: the CAN event handler), freed when
 * the transfer is over. At rest CAN1 holds only ota_meter_state_t.
 */
static void *ota_xfer_alloc(void *ctx, unsigned n) {
  ota_meter_state_t *s = (ota_meter_state_t *)ctx;
  JsVar *can = jsvObjectGetChildIfExists(execInfo.root, "CAN1");
  JsVar *x = can ? jsvNewFlatStringOfLength(n + MN_W25Q_PAGE_BYTES) : 0;
  uint8_t *p = 0;
  if (x) {
    p = (uint8_t *)jsvGetFlatStringPointer(x);
    memset(p, 0, n);
    jsvObjectSetChild(can, OTA_XFER, x);
    mn_nor_stage_lend(&s->stage, p + n);
  }
  jsvUnLock2(x, can);
  return p;
}

static void ota_xfer_release(void *ctx) {
  ota_meter_state_t *s = (ota_meter_state_t *)ctx;
  mn_nor_stage_lend(&s->stage, 0);
  JsVar *can = jsvObjectGetChildIfExists(execInfo.root, "CAN1");
  if (can) jsvObjectRemoveChild(can, OTA_XFER);
  jsvUnLock(can);
}

/* Staging begins: the inactive slot marked invalid in the record before it is erased. */
static int ota_prepare(void *ctx) {
  (void)ctx;
  return mn_ota_switch_prepare(&ota_record);
}

/* The switch (otaSwitch.h). JavaScript restarts the chip after the END event has gone
 * (E.reboot()): a reset before the new script's first boot is never counted as its crash. */
static int ota_commit(void *ctx, const mn_ota_manifest_t *m) { return mn_ota_switch_commit(&ota_record, (mn_nor_stage_t *)ctx, m); }

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "otaListen", "ifndef" : "MN_OTA_AGG", "generate" : "jswrap_ota_listen",
  "params" : [["key","JsVar","16 bytes: the meter's own key (its SecOC key)"],
              ["address","int","this meter's address, 1..63"],
              ["image","int","this firmware image: 1 the 50 Hz meter, 2 the 60 Hz meter"],
              ["counters","JsVar","[the security counter last accepted, the counter of a transfer lost to a restart or 0] (both persisted)"]],
  "return" : ["int","0, -22 (arguments) or -28 (no memory for the state)"],
  "typescript" : "otaListen?(key16: Uint8Array, address: number, image: number, counters: number[]): number;"
}
Takes OTA chunks and this meter's control requests in C from now on; onOta tells JavaScript.
*/
int jswrap_ota_listen(JsVar *parent, JsVar *key, JsVarInt address, JsVarInt image, JsVar *counters) {
  uint8_t k[16];
  if (!ota_bytes(key, k, 16) || address < 1 || address > 63 || image < 1 || image > 2 || !jsvIsIterable(counters)) return -22;
  JsVar *counter = jsvGetArrayItem(counters, 0), *restart = jsvGetArrayItem(counters, 1);
  uint32_t stored = (uint32_t)jsvGetFloat(counter), lost = (uint32_t)jsvGetFloat(restart);
  jsvUnLock2(counter, restart);
  ota_meter_state_t *s = (ota_meter_state_t *)ota_new_state(parent, sizeof(ota_meter_state_t));
  if (!s) return -28;
  nor_setup();
  mn_nor_stage_init(&s->stage, &ota_nor, ota_prepare, 0);
  mn_ota_meter_init(&s->m, k, (uint8_t)address, (uint8_t)image, stored, &s->stage.staging, ota_commit, &s->stage);
  s->m.rx.restartCounter = lost;
  /* the boot report the status answer carries (otaMeterLink.h): the record as the hook left it */
  s->m.bootReport = ota_boot.slot < 0 ? MN_OTA_BOOT_UNKNOWN : MN_OTA_BOOT_REPORT(ota_boot.trial, ota_boot.reverted);
  mn_ota_meter_set_alloc(&s->m, ota_xfer_alloc, ota_xfer_release, s);
  memset(k, 0, sizeof k);
  mn_can_filter_t f;
  memset(&f, 0, sizeof f);
  f.mode = MN_CAN_FILTER_MASK;
  f.fifo = 1;
  f.id = MN_OTA_CHUNK_ID_BASE;
  f.mask = MN_OTA_CHUNK_ID_MASK;
  f.rtr = MN_CAN_RTR_ANY;
  return mn_can_add_filter(&mn_board_can1, &f) < 0 ? -28 : 0;
}

bool mn_ota_take(JsVar *can, const mn_can_frame_t *f) {
  if (f->flags) return false; /* extended or remote: never ours */
  JsVar *h;
  ota_meter_state_t *s = (ota_meter_state_t *)ota_state(can, &h);
  bool taken = s && mn_ota_meter_frame(&s->m, (uint16_t)f->id, f->data, f->dlc, ota_now_ms());
  jsvUnLock(h);
  return taken;
}

void mn_ota_service(JsVar *can) {
  JsVar *h;
  ota_meter_state_t *s = (ota_meter_state_t *)ota_state(can, &h);
  if (s) {
    mn_nor_stage_service(&s->stage);
    mn_ota_meter_tick(&s->m, ota_now_ms());
    mn_ota_meter_pump(&s->m, ota_hw_send, 0);
    uint32_t ab[2];
    int type;
    while ((type = mn_ota_meter_event(&s->m, ab)) != 0) {
      JsVar *a[3] = {jsvNewFromInteger(type), jsvNewFromFloat((JsVarFloat)ab[0]), jsvNewFromFloat((JsVarFloat)ab[1])};
      jsiQueueObjectCallbacks(can, JS_EVENT_PREFIX "ota", a, 3);
      jsvUnLock3(a[0], a[1], a[2]);
    }
  }
  jsvUnLock(h);
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "onOta", "ifndef" : "MN_OTA_AGG", "generate" : "jswrap_ota_onOta",
  "params" : [["callback","JsVar","(type, a, b) => void: 1 start, 2 progress, 3 verdict, 4 end (otaMeterLink.h)"]],
  "typescript" : "onOta?(callback: (type: number, a: number, b: number) => void): void;"
}*/
void jswrap_ota_onOta(JsVar *parent, JsVar *callback) { jsvObjectSetChild(parent, JS_EVENT_PREFIX "ota", callback); }

/*JSON{
  "type" : "idle", "ifndef" : "MN_OTA_AGG", "generate" : "jswrap_ota_meter_idle"
}*/
bool jswrap_ota_meter_idle(void) {
  /* the slot's erase advances here between CAN events (a status read per pass while it runs) */
  JsVar *can = jsvObjectGetChildIfExists(execInfo.root, "CAN1");
  JsVar *h;
  ota_meter_state_t *s = (ota_meter_state_t *)ota_state(can, &h);
  bool erasing = s && mn_nor_stage_service(&s->stage), receiving = s && s->m.x;
  jsvUnLock(h);
  if (receiving) mn_ota_service(can); /* on a silent bus too: a stalled transfer is dropped and freed */
  jsvUnLock(can);
  /* a trial JavaScript never confirms reverts by itself */
  static uint32_t lastMs, trialMs;
  uint32_t now = ota_now_ms(), d = now - lastMs;
  lastMs = now;
  if (d < 1000u) trialMs += d; /* the script's setTime() moves the clock: jumps are not trial time */
  if (ota_boot.trial && trialMs > OTA_TRIAL_DEADLINE_MS) {
    mn_boot_record_t r;
    if (mn_boot_load(&ota_record, &r) == 0 && mn_boot_fail(&ota_record, &r, MN_REVERT_DEADLINE) == 0) jshReboot();
    ota_boot.trial = 0;
  }
  return erasing;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "otaBoot", "ifndef" : "MN_OTA_AGG", "generate" : "jswrap_ota_boot",
  "params" : [["out","JsVar","Uint8Array(6): [slot (255: none), action, reverted, trial, failed step, trial boots]"]],
  "return" : ["int","the action: 0 ran, 1 copied, 2 provisioned, 3 adopted an upload, 4 no script, 5 failed (otaBootHook.h)"],
  "typescript" : "otaBoot?(out: Uint8Array): number;"
}
What the boot hook did before this script ran: which slot, whether it copied the slot into
Storage, and why the previous trial reverted (1 crash or watchdog, 2 unconfirmed, 3 deadline, 4 invalid).
*/
int jswrap_ota_boot(JsVar *parent, JsVar *out) {
  (void)parent;
  uint8_t v[6] = {(uint8_t)(ota_boot.slot < 0 ? 255 : ota_boot.slot), ota_boot.action, ota_boot.reverted, ota_boot.trial,
                  ota_boot.failedStep, ota_boot.r.trialBoots};
  for (int k = 0; out && k < 6; k++) {
    JsVar *x = jsvNewFromInteger(v[k]);
    jsvArrayBufferSet(out, (size_t)k, x);
    jsvUnLock(x);
  }
  return ota_boot.action;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "otaConfirm", "ifndef" : "MN_OTA_AGG", "generate" : "jswrap_ota_confirm",
  "params" : [["healthy","bool","true: the script ran healthy for its time, keep it; false: give the trial up (revert now, reboots)"]],
  "return" : ["int","0, 1 when not in a trial, -5 the record could not be written"],
  "typescript" : "otaConfirm?(healthy: boolean): number;"
}
Ends the trial of a new script: confirmed, or reverted with reason "deadline" and a reboot.
*/
int jswrap_ota_confirm(JsVar *parent, bool healthy) {
  if (!ota_boot.trial) return 1;
  mn_boot_record_t r;
  if (mn_boot_load(&ota_record, &r) != 0) return -5;
  if (healthy) {
    if (mn_boot_confirm(&ota_record, &r) != 0) return -5;
    ota_boot.trial = 0;
    JsVar *h;
    ota_meter_state_t *s = (ota_meter_state_t *)ota_state(parent, &h);
    if (s) s->m.bootReport = MN_OTA_BOOT_CONFIRMED; /* the aggregator's watch sees it at its next question */
    jsvUnLock(h);
    return 0;
  }
  if (mn_boot_fail(&ota_record, &r, MN_REVERT_DEADLINE) != 0) return -5;
  jshReboot();
  return 0;
}

#else
/* ==== the aggregator ==== */
#include "ota/otaAggLink.h"
#include "ota/otaNorImage.h"
#ifdef MN_AGLINK
#include "jswrap_can.h" /* mn_aglink_reachable: the watch tells the poll link */
#endif

#define OTA_IMAGE "\xFF" "oti" /* the staged image on the NOR (mn_nor_image_t), from otaStageBegin on */
#define OTA_DONE "\xFF" "otr"  /* the last update's summary (mn_ota_agg_summary), from its end on */

/* The sender's state: only from otaSend to the update's end (mn_ota_service). */
typedef struct {
  mn_ota_agg_t a;
  int bank; /* the answers' filter bank, removed with the state */
} ota_agg_state_t;

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "otaStageBegin", "ifdef" : "MN_OTA_AGG", "generate" : "jswrap_ota_stage_begin",
  "params" : [["norAddress","int","the NOR area's start (a 4 KB sector)"],
              ["areaBytes","int","the area's size: an image larger is refused"],
              ["size","int","the image's size in bytes"],
              ["sha256","JsVar","32 bytes: the SHA-256 the client computed (checked over the NOR copy), or undefined"]],
  "return" : ["int","0; -16 an update runs; -19 no W25Q32JV answers; -22 arguments or area; -27 the image does not fit the area or a meter's slot; -28 no memory"],
  "typescript" : "otaStageBegin?(norAddress: number, areaBytes: number, size: number, sha256?: Uint8Array): number;"
}
A new image to stage on the aggregator's NOR, written by otaStageWrite (otaNorImage.h).
*/
int jswrap_ota_stage_begin(JsVar *parent, JsVarInt at, JsVarInt area, JsVarInt size, JsVar *sha) {
  uint8_t d[32];
  bool expect = sha && !jsvIsUndefined(sha);
  if ((expect && !ota_bytes(sha, d, 32)) || at < 0 || area < 0 || size < 0) return -22;
  JsVar *h;
  bool running = ota_state(parent, &h) != 0; /* its chunks read this image */
  jsvUnLock(h);
  if (running) return -16;
  mn_nor_image_t *im = (mn_nor_image_t *)ota_named(parent, OTA_IMAGE, &h);
  jsvUnLock(h);
  if (!im && !(im = (mn_nor_image_t *)ota_new_named(parent, OTA_IMAGE, sizeof(mn_nor_image_t)))) return -28;
  nor_setup();
  mn_nor_image_init(im, &ota_nor);
  return mn_nor_image_begin(im, (uint32_t)at, (uint32_t)area, (uint32_t)size, expect ? d : 0);
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "otaStageWrite", "ifdef" : "MN_OTA_AGG", "generate" : "jswrap_ota_stage_write",
  "params" : [["offset","int","where the piece goes (the bytes staged so far: pieces in order)"],
              ["data","JsVar","the piece: a byte string (atob's)"],
              ["sha256","JsVar","Uint8Array(32) filled with the NOR copy's SHA-256 when this piece completes the image, or undefined"]],
  "return" : ["int","the bytes staged; -22 no image begun, out of order, beyond the size; -5 an erase, program or read back failed; -74 the image's SHA-256 is not the client's"],
  "typescript" : "otaStageWrite?(offset: number, data: string, sha256?: Uint8Array): number;"
}*/
int jswrap_ota_stage_write(JsVar *parent, JsVarInt offset, JsVar *data, JsVar *sha) {
  JsVar *h;
  mn_nor_image_t *im = (mn_nor_image_t *)ota_named(parent, OTA_IMAGE, &h);
  jsvUnLock(h);
  if (!im || !jsvIsString(data) || offset < 0) return -22;
  uint8_t b[MN_W25Q_PAGE_BYTES];
  size_t n = jsvGetStringLength(data);
  int r = n ? 0 : -22;
  for (size_t k = 0; k < n && r >= 0; k += sizeof b) { /* a page at a time: no copy of the piece */
    size_t m = n - k < sizeof b ? n - k : sizeof b;
    jsvGetStringChars(data, k, (char *)b, m);
    r = mn_nor_image_write(im, (uint32_t)offset + k, b, m);
  }
  if (r > 0 && im->state == MN_NIMG_VERIFIED)
    for (int k = 0; sha && k < 32; k++) {
      JsVar *x = jsvNewFromInteger(im->sha256[k]);
      jsvArrayBufferSet(sha, (size_t)k, x);
      jsvUnLock(x);
    }
  return r;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "otaSend", "ifdef" : "MN_OTA_AGG", "generate" : "jswrap_ota_send",
  "params" : [["master","JsVar","16 bytes: the network master key (each meter's key is derived, as SecOC's)"],
              ["addresses","JsVar","the meters to update, 1..63 each"],
              ["manifest","JsVar","[version, counter, image, tag, autoCommit, norAddress, size]"]],
  "return" : ["int","0; -5 no verified image staged at norAddress of that size; -74 the NOR copy changed since it was staged; -16 an update runs; -22 arguments; -28 no memory for the sender's state (4 440 B in one block) or no filter bank"],
  "typescript" : "otaSend?(master16: Uint8Array, addresses: Uint8Array, manifest: number[]): number;"
}
Sends the image staged on the NOR (otaStageBegin/otaStageWrite) to the meters:
manifests, broadcast rounds, repairs and commits run in C; otaTargets reports each
meter. The sender's state exists from here to the update's end.
*/
int jswrap_ota_send(JsVar *parent, JsVar *master, JsVar *addresses, JsVar *manifest) {
  uint8_t key[16], addr[MN_OTA_AGG_TARGETS];
  unsigned n = addresses ? jsvIterateCallbackCount(addresses) : 0;
  if (!ota_bytes(master, key, 16) || n == 0 || n > MN_OTA_AGG_TARGETS || !ota_bytes(addresses, addr, n)) return -22;
  JsVarFloat v[7];
  for (int i = 0; i < 7; i++) {
    JsVar *x = manifest ? jsvGetArrayItem(manifest, i) : 0;
    v[i] = jsvGetFloat(x);
    jsvUnLock(x);
    if (!(v[i] >= 0 && v[i] < 4294967296.0)) return -22; /* NaN (missing) too */
  }
  mn_ota_manifest_t m;
  memset(&m, 0, sizeof m);
  m.version = (uint32_t)v[0];
  m.counter = (uint32_t)v[1];
  m.image = (uint8_t)v[2];
  m.tag = (uint8_t)v[3];
  JsVar *h, *hi;
  bool running = ota_state(parent, &h) != 0;
  jsvUnLock(h);
  mn_nor_image_t *im = (mn_nor_image_t *)ota_named(parent, OTA_IMAGE, &hi);
  jsvUnLock(hi);
  if (running) return -16;
  if (!im) return -5;
  ota_agg_state_t *st = (ota_agg_state_t *)ota_new_state(parent, sizeof(ota_agg_state_t));
  if (!st) return -28;
  nor_setup();
  int r = mn_nor_image_send(im, &st->a, (uint32_t)v[5], (uint32_t)v[6], &m, key, addr, n, v[4] >= 1, ota_now_ms());
  memset(key, 0, sizeof key);
  mn_can_filter_t f;
  memset(&f, 0, sizeof f);
  f.mode = MN_CAN_FILTER_MASK;
  f.fifo = 1;
  f.id = MN_OTA_ANS_ID_BASE;
  f.mask = 0x7C0u;
  f.rtr = MN_CAN_RTR_ANY;
  if (r == 0 && (st->bank = mn_can_add_filter(&mn_board_can1, &f)) < 0) r = -28;
  if (r != 0) jsvObjectRemoveChild(parent, OTA_STATE); /* nothing was sent: the state goes at once */
  else jsvObjectRemoveChild(parent, OTA_DONE);
  return r;
}

bool mn_ota_take(JsVar *can, const mn_can_frame_t *f) {
  /* only the meters' control answers (0x740 + address) are the sender's: the polls' answers pass without a lookup */
  if (f->flags || (f->id & 0x7C0u) != MN_OTA_ANS_ID_BASE) return false;
  JsVar *h;
  mn_ota_agg_t *a = (mn_ota_agg_t *)ota_state(can, &h);
  bool taken = a && mn_ota_agg_frame(a, (uint16_t)f->id, f->data, f->dlc, ota_now_ms());
  unsigned heard = a ? mn_ota_agg_heard(a) : 0;
  jsvUnLock(h);
#ifdef MN_AGLINK
  /* a switched meter answered the watch: it runs again, so the poll link resynchronises it
   * now, not at the end of a sync back-off that grew while it restarted (up to a minute) */
  if (heard) mn_aglink_reachable(can, heard);
#else
  (void)heard;
#endif
  return taken;
}

/* Control frames first (they overtake chunks on the bus anyway); one chunk per pass,
 * when a mailbox is free: the main loop's passes pace the chunks. */
void mn_ota_service(JsVar *can) {
  JsVar *h;
  ota_agg_state_t *st = (ota_agg_state_t *)ota_state(can, &h);
  uint8_t sum[MN_OTA_SUMMARY_BYTES(MN_OTA_AGG_TARGETS)];
  unsigned n = 0;
  if (st) {
    mn_ota_agg_t *a = &st->a;
    mn_ota_agg_tick(a, ota_now_ms());
    mn_ota_txq_pump(&a->q, ota_hw_send, 0);
    uint16_t id;
    uint8_t d[8];
    if (a->q.count == 0 && mn_ota_agg_chunk(a, &id, d) && ota_hw_send(0, id, d) != 0) a->tx.cursor--; /* no mailbox: again next pass */
    /* Over (done, cancelled, every target failed) and nothing of it waits to go out: its
     * 4 440 B go with its filter bank, its summary stays for otaTargets. A run without
     * autoCommit whose verified targets wait for otaControl(1) is not over. */
    if (mn_ota_agg_finished(a)) {
      n = MN_OTA_SUMMARY_BYTES(a->n);
      mn_ota_agg_summary(a, sum);
      mn_can_remove_filter(&mn_board_can1, st->bank);
      jsvObjectRemoveChild(can, OTA_STATE);
    }
  }
  jsvUnLock(h); /* the state's variables are free from here: the summary finds room */
  uint8_t *p = n ? ota_new_named(can, OTA_DONE, n) : 0;
  if (p) memcpy(p, sum, n);
}

/*JSON{
  "type" : "idle", "ifdef" : "MN_OTA_AGG", "generate" : "jswrap_ota_idle"
}*/
bool jswrap_ota_idle(void) {
  /* a transmit-empty interrupt wakes the main loop: the next chunk goes from here */
  JsVar *can = jsvObjectGetChildIfExists(execInfo.root, "CAN1");
  JsVar *h;
  mn_ota_agg_t *a = (mn_ota_agg_t *)ota_state(can, &h);
  bool busy = a && a->phase != MN_OTA_PH_IDLE && a->phase < MN_OTA_PH_DONE;
  jsvUnLock(h);
  if (a) mn_ota_service(can); /* also while watching and once done: the state is freed there */
  jsvUnLock(can);
  return busy; /* no sleep while an update is on the bus */
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "otaTargets", "ifdef" : "MN_OTA_AGG", "generate" : "jswrap_ota_targets",
  "params" : [["out","JsVar","Float64Array of 5 x targets: address, state (otaAggLink.h MN_OTA_T_*: 7 trial, 8 confirmed, 9 reverted), cause (reverted: the reason), chunks held, chunks"]],
  "return" : ["int","the phase: 1 manifests, 2 chunks, 3 status, 4 commit, 5 abort, 6 done, 7 watching the switched meters' boot reports; 0 none"],
  "typescript" : "otaTargets?(out: Float64Array): number;"
}
The update under way, or the last one's summary once it ended.*/
int jswrap_ota_targets(JsVar *parent, JsVar *out) {
  JsVar *h;
  uint8_t sum[MN_OTA_SUMMARY_BYTES(MN_OTA_AGG_TARGETS)];
  const uint8_t *s = sum;
  mn_ota_agg_t *a = (mn_ota_agg_t *)ota_state(parent, &h);
  if (a) mn_ota_agg_summary(a, sum);
  jsvUnLock(h);
  if (!a && !(s = ota_named(parent, OTA_DONE, &h))) {
    jsvUnLock(h);
    return 0;
  }
  for (unsigned i = 0; out && i < s[1]; i++) {
    const uint8_t *t = s + 4 + 5 * i;
    double v[5] = {t[0], t[1], t[2], (t[3] << 8) | t[4], (s[2] << 8) | s[3]};
    for (int k = 0; k < 5; k++) {
      JsVar *x = jsvNewFromFloat(v[k]);
      jsvArrayBufferSet(out, (size_t)(i * 5 + k), x);
      jsvUnLock(x);
    }
  }
  int phase = s[0];
  if (!a) jsvUnLock(h);
  return phase;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "otaControl", "ifdef" : "MN_OTA_AGG", "generate" : "jswrap_ota_control",
  "params" : [["what","int","1 commit the verified meters now, 2 cancel"]],
  "typescript" : "otaControl?(what: number): void;"
}*/
void jswrap_ota_control(JsVar *parent, JsVarInt what) {
  JsVar *h;
  mn_ota_agg_t *a = (mn_ota_agg_t *)ota_state(parent, &h);
  if (a && what == 1) mn_ota_agg_commit(a);
  if (a && what == 2) mn_ota_agg_cancel(a);
  jsvUnLock(h);
}
#endif
