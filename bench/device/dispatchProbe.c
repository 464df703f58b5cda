/*
 * The interpreter's share of the meter's C path of a CAN frame (bench/device/dispatchProbe.ts
 * builds and runs it): what jswrap_can.c and jswrap_ota.c call of Espruino per frame and per
 * CAN event, on the timing rig's Thumb-2 interpreter objects (the rig's own build of an
 * Espruino tree, linked with this main instead of the Linux port's), counted by the rig's
 * plugin. No line of Espruino is here: only calls into it, in the order our bindings make them.
 *
 *   probe FILE MODE N   evaluates FILE (the prelude and build/meter.js: the root then holds the
 *                       bundle's globals), gives CAN1 the hidden children the meter's CAN1 has on
 *                       the chip in the order the bundle's boot makes them, puts CAN1 last in the
 *                       root (the chip adds it when the boot first names it), then N times:
 *     none    nothing (the loop)
 *     frame   mn_ota_take's lookup of the OTA state (jswrap_ota.c ota_state) per frame
 *     queue   a custom event pushed, popped and dispatched (the event mode without its lookups)
 *     event   a CAN event: can_notify's jshPushEvent from the interrupt, the idle loop's
 *             jshPopIOEvent and jswOnCustomEvent, then jswrap_can_eventHandler's lookups of CAN1
 *             in the root and of its SecOC state, and mn_ota_service's of the OTA state
 * and prints "@@PROBE MODE N rootChildren K".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsdevices.h"
#include "jshardware.h"
#include "jsinteractive.h"
#include "jsparse.h"
#include "jsvar.h"
#include "jswrapper.h"

static volatile unsigned sink;
void *STACK_BASE; /* jsutils.c's free-stack check on Linux: the Linux port's main sets it */

static void flat(JsVar *o, const char *name, unsigned bytes) {
  JsVar *s = jsvNewFlatStringOfLength(bytes);
  if (!s) { fprintf(stderr, "probe: no memory for %s\n", name); exit(2); }
  jsvObjectSetChild(o, name, s);
  jsvUnLock(s);
}

static unsigned lookup(JsVar *in, const char *name) {
  JsVar *h = jsvObjectGetChildIfExists(in, name);
  unsigned ok = h && jsvIsFlatString(h) && jsvGetFlatStringPointer(h) != 0;
  jsvUnLock(h);
  return ok;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: probe FILE none|frame|queue|event N\n"); return 2; }
  STACK_BASE = (void *)&argc;
  const char *mode = argv[2];
  long n = atol(argv[3]);
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)len + 1);
  if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) { fprintf(stderr, "probe: cannot read %s\n", argv[1]); return 2; }
  text[len] = 0;
  fclose(f);
  jshInit();
  jsvInit(0);
  jsiInit(false);
  jsvUnLock(jspEvaluate(text, false));
  free(text);
  /* the meter's CAN1 as the bindings leave it: secocInit, onSecured, onFrame, otaListen, onOta, then a transfer's state */
  JsVar *old = jsvObjectGetChildIfExists(execInfo.root, "CAN1");
  JsVar *cb = old ? jsvObjectGetChildIfExists(old, JS_EVENT_PREFIX "ota") : 0;
  jsvUnLock(old);
  if (!cb) { fprintf(stderr, "probe: the bundle gave CAN1.onOta no callback\n"); return 2; }
  jsvObjectRemoveChild(execInfo.root, "CAN1");
  JsVar *can = jsvNewObject();
  flat(can, "\xFF" "secoc", 296 + 1 * (44 + 6 * 8 + 5 * 8));
  jsvObjectSetChild(can, JS_EVENT_PREFIX "secured", cb);
  jsvObjectSetChild(can, JS_EVENT_PREFIX "frame", cb);
  flat(can, "\xFF" "ota", 560);
  jsvObjectSetChild(can, JS_EVENT_PREFIX "ota", cb);
  flat(can, "\xFF" "otx", 1380);
  jsvUnLock(cb);
  jsvObjectSetChild(execInfo.root, "CAN1", can);
  unsigned rootChildren = (unsigned)jsvGetChildren(execInfo.root);
  if (!lookup(can, "\xFF" "ota") || !lookup(can, "\xFF" "secoc")) { fprintf(stderr, "probe: CAN1's state not found\n"); return 2; }
  if (!strcmp(mode, "frame")) {
    for (long i = 0; i < n; i++) sink += lookup(can, "\xFF" "ota");
  } else if (!strcmp(mode, "event") || !strcmp(mode, "queue")) {
    uint8_t data[IOEVENT_MAX_LEN];
    unsigned int got;
    IOCustomEventFlags flags = (IOCustomEventFlags)0x72;
    int lookups = !strcmp(mode, "event");
    for (long i = 0; i < n; i++) {
      sink += jshPushEvent(EV_CUSTOM, (uint8_t *)&flags, sizeof(flags));
      IOEventFlags e = jshPopIOEvent(data, &got);
      jswOnCustomEvent(e, data, (int)got);
      if (!lookups) continue;
      JsVar *c = jsvObjectGetChildIfExists(execInfo.root, "CAN1");
      sink += lookup(c, "\xFF" "secoc");
      sink += lookup(c, "\xFF" "ota");
      jsvUnLock(c);
    }
  } else if (strcmp(mode, "none")) {
    fprintf(stderr, "probe: mode none, frame, queue or event\n");
    return 2;
  } else {
    for (long i = 0; i < n; i++) sink += 1;
  }
  jsvUnLock(can);
  printf("@@PROBE %s %ld rootChildren %u\n", mode, n, rootChildren);
  fflush(stdout);
  return 0;
}
