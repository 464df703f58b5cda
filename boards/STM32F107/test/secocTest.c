/*
 * The SecOC C (secoc/): AES-128-CMAC against RFC 4493's examples, the meter-key
 * KDF against the answers python3-cryptography gave (modules/can/kdf.test.ts),
 * the secured frames against modules/can/secoc.test.ts's known answers (so C and
 * the TypeScript reference are bit-identical), the profile 1 reconstruction of
 * freshness.kat.ts, and the node state: counters, epochs, replay, sync.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#ifndef assert_int_not_equal /* the QEMU shim (test/qemu/shim) has the ones it needs */
#define assert_int_not_equal(a, b) assert_false((a) == (b))
#endif

#include <math.h>

#include "../secoc/cmac.h"
#include "../secoc/secocCodec.h"
#include "../secoc/secocFrame.h"
#include "../secoc/secocNode.h"

#include "testHex.h"

static const char *RFC_KEY = "2b7e151628aed2a6abf7158809cf4f3c";
static const char *RFC_M64 = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                             "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

static void rfc4493_subkeys(void **state) {
  (void)state;
  uint8_t key[16], k1[16], k2[16];
  hex(RFC_KEY, key, 16);
  assert_int_equal(mn_cmac_subkeys(key, k1, k2), 0);
  assert_hex(k1, 16, "fbeed618357133667c85e08f7236a8de");
  assert_hex(k2, 16, "f7ddac306ae266ccf90bc11ee46d513b");
}

static void rfc4493_examples(void **state) {
  (void)state;
  static const struct { size_t len; const char *tag; } ex[] = {
    {0, "bb1d6929e95937287fa37d129b756746"},
    {16, "070a16b46b4d4144f79bdd9dd04a287c"},
    {40, "dfa66747de9ae63030ca32611497c827"},
    {64, "51f0bebf7e3b9d92fc49741779363cfe"},
  };
  uint8_t key[16], m[64], tag[16];
  hex(RFC_KEY, key, 16);
  hex(RFC_M64, m, 64);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(mn_cmac(key, m, ex[i].len, tag), 0);
    assert_hex(tag, 16, ex[i].tag);
  }
}

static void short_path_equals_general(void **state) {
  (void)state;
  uint8_t key[16], k1[16], k2[16], m[64], a[16], b[16];
  hex(RFC_KEY, key, 16);
  hex(RFC_M64, m, 64);
  mn_cmac_subkeys(key, k1, k2);
  for (size_t len = 0; len < 16; len++) {
    assert_int_equal(mn_cmac(key, m, len, a), 0);
    assert_int_equal(mn_cmac_short(key, k2, m, len, b), 0);
    assert_memory_equal(a, b, 16);
  }
  assert_int_equal(mn_cmac_short(key, k2, m, 16, b), -1);
}

static const char *MASTER = "000102030405060708090a0b0c0d0e0f";

static void kdf_known_answers(void **state) {
  (void)state;
  uint8_t master[16], k[16];
  hex(MASTER, master, 16);
  assert_int_equal(mn_secoc_meter_key(master, 0, k), 0);
  assert_hex(k, 16, "b49e03b1f758dca8679a2bd5c2da366b");
  assert_int_equal(mn_secoc_meter_key(master, 5, k), 0);
  assert_hex(k, 16, "70924f0c91d46b0ca4e8cbb7c9022e07");
  assert_int_equal(mn_secoc_meter_key(master, 63, k), 0);
  assert_hex(k, 16, "903b0803fe0463f68a208e994f9d67ca");
  assert_int_equal(mn_secoc_meter_key(master, 64, k), -22);
}

/* Meter 5's key and K2. */
static void key5(uint8_t key[16], uint8_t k2[16]) {
  uint8_t master[16], k1[16];
  hex(MASTER, master, 16);
  mn_secoc_meter_key(master, 5, key);
  mn_cmac_subkeys(key, k1, k2);
}

static void secured_frame_known_answer(void **state) {
  (void)state;
  uint8_t key[16], k2[16], data[4], out[8];
  key5(key, k2);
  hex("d85950c3", data, 4); /* 230.00 V, 50.000 Hz */
  assert_int_equal(mn_secoc_sign(key, k2, 0x185, data, 2 * 65536 + 7, out), 0);
  assert_hex(out, 8, "d85950c30712acbd");
}

static void sync_request_known_answer(void **state) {
  (void)state;
  uint8_t key[16], k2[16], out[8];
  int64_t fv = -1;
  key5(key, k2);
  assert_int_equal(mn_secoc_sign_sync_request(key, k2, 0x0C5, 3 * 65536 + 42, out), 0);
  assert_hex(out, 8, "000003002ad3e1da");
  assert_int_equal(mn_secoc_verify_sync_request(key, k2, 0x0C5, out, -1, &fv), MN_SECOC_OK);
  assert_int_equal(fv, 3 * 65536 + 42);
  assert_int_equal(mn_secoc_verify_sync_request(key, k2, 0x0C5, out, 3 * 65536 + 42, &fv), MN_SECOC_STALE);
  out[4] ^= 1;
  assert_int_equal(mn_secoc_verify_sync_request(key, k2, 0x0C5, out, -1, &fv), MN_SECOC_BAD_MAC);
}

static void verify_causes(void **state) {
  (void)state;
  uint8_t key[16], k2[16], p[8], q[8], data[4] = {1, 2, 3, 4};
  int64_t fv = 0;
  key5(key, k2);
  mn_secoc_sign(key, k2, 0x185, data, 1000, p);
  assert_int_equal(mn_secoc_verify(key, k2, 0x185, p, 999, &fv), MN_SECOC_OK);
  assert_int_equal(fv, 1000);
  assert_int_equal(mn_secoc_verify(key, k2, 0x185, p, 1000, &fv), MN_SECOC_STALE);
  assert_int_equal(mn_secoc_verify(key, k2, 0x185, p, 1200, &fv), MN_SECOC_STALE);
  assert_int_equal(mn_secoc_verify(key, k2, 0x185, p, 1600, &fv), MN_SECOC_BAD_MAC);
  assert_int_equal(mn_secoc_verify(key, k2, 0x185, p, -1, &fv), MN_SECOC_UNSYNCED);
  assert_int_equal(mn_secoc_verify(key, k2, 0x186, p, 999, &fv), MN_SECOC_BAD_MAC);
  mn_secoc_sign(key, k2, 0x185, data, 1256, q);
  assert_int_equal(mn_secoc_verify(key, k2, 0x185, q, 1000, &fv), MN_SECOC_OK);
  assert_int_equal(fv, 1256);
  /* every single-bit flip is rejected */
  for (int bit = 0; bit < 64; bit++) {
    memcpy(q, p, 8);
    q[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    assert_int_not_equal(mn_secoc_verify(key, k2, 0x185, q, 999, &fv), MN_SECOC_OK);
  }
}

static void bound_response(void **state) {
  (void)state;
  uint8_t key[16], k2[16], p[8], data[4] = {9, 0, 0, 0};
  int64_t challenge = 7 * 65536 + 3;
  key5(key, k2);
  mn_secoc_sign(key, k2, 0x105, data, challenge, p);
  assert_int_equal(mn_secoc_verify_bound(key, k2, 0x105, p, challenge), MN_SECOC_OK);
  assert_int_equal(mn_secoc_verify_bound(key, k2, 0x105, p, challenge + 1), MN_SECOC_BAD_MAC);
  assert_int_equal(mn_secoc_verify_bound(key, k2, 0x105, p, challenge + 256), MN_SECOC_BAD_MAC);
  assert_int_equal(mn_secoc_verify_bound(key, k2, 0x105, p, -1), MN_SECOC_STALE);
}

static void reconstruction(void **state) {
  (void)state;
  assert_int_equal(mn_secoc_reconstruct(0x12345fe, 0xff), 0x12345ff);
  assert_int_equal(mn_secoc_reconstruct(0x12345ff, 0x00), 0x1234600);
  assert_int_equal(mn_secoc_reconstruct(0x1234600, 0x00), 0x1234700);
  assert_int_equal(mn_secoc_reconstruct(0x123456LL * 65536 + 0x01ff, 0x02), 0x123456LL * 65536 + 0x0202);
  assert_int_equal(mn_secoc_reconstruct(0xFFFFFFFFFELL, 0xff), 0xFFFFFFFFFFLL);
  /* freshness.kat.ts: a carry into the next epoch is rebuilt, a jump to it is not */
  assert_int_equal(mn_secoc_reconstruct(5LL * 65536 + 0xffff, 0x00), 6LL * 65536);
  assert_int_equal(mn_secoc_reconstruct(5LL * 65536 + 3, 0x00), 5LL * 65536 + 0x100);
}

/* A meter (address 5) and an aggregator with meters 5 and 9, plans as secured.ts builds them. */
#define FN_ALARM 0
#define FN_COMMAND 1
#define FN_SYNC_REQ 3
#define FN_SYNC_RESP 4
#define FN_VF 6
static void meter_plan(uint8_t plan[64]) {
  memset(plan, 0, 64);
  plan[FN_COMMAND] = 0x10;           /* receive: secured, counter 0 */
  plan[5] = 0x11;                    /* TIME: secured, counter 1 */
  plan[FN_SYNC_REQ] = 0x20;
  plan[32 + FN_ALARM] = 0x10;        /* send: secured, counter 0 */
  plan[32 + 2] = 0x11;               /* COMMAND_ACK */
  plan[32 + FN_SYNC_RESP] = 0x30;
  plan[32 + FN_VF] = 0x12;
}
static void agg_plan(uint8_t plan[64]) {
  memset(plan, 0, 64);
  plan[FN_ALARM] = 0x10;
  plan[2] = 0x11;
  plan[FN_SYNC_RESP] = 0x30;
  plan[FN_VF] = 0x12;
  plan[32 + FN_COMMAND] = 0x10;
  plan[32 + 5] = 0x10;
  plan[32 + FN_SYNC_REQ] = 0x20;
}

static void node_round_trip(void **state) {
  (void)state;
  uint8_t master[16], plan[64], out[8], data[4] = {0xd8, 0x59, 0x50, 0xc3};
  uint8_t met[400], agg[8000];
  int64_t fv = 0;
  uint32_t d = 0;
  hex(MASTER, master, 16);
  assert_int_equal(mn_secoc_node_bytes(64, 9, 1), 296 + 64 * 103);
  assert_int_equal(mn_secoc_node_bytes(1, 2, 9), 397);
  assert_int_equal(mn_secoc_node_bytes(65, 9, 1), 0);
  meter_plan(plan);
  assert_int_equal(mn_secoc_node_init(met, sizeof met, 1, 2, 9, plan), 0);
  assert_int_equal(mn_secoc_node_key(met, 0, 5, master, 1), 0);
  agg_plan(plan);
  assert_int_equal(mn_secoc_node_init(agg, 10, 2, 9, 1, plan), MN_SECOC_EINVAL);
  assert_int_equal(mn_secoc_node_init(agg, sizeof agg, 2, 9, 1, plan), 0);
  assert_int_equal(mn_secoc_node_key(agg, 0, 5, master, 1), 0);
  assert_int_equal(mn_secoc_node_key(agg, 1, 9, master, 1), 0);

  /* no epoch: nothing is signed */
  assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), MN_SECOC_ENOFV);
  mn_secoc_node_set_epoch(met, 2);
  for (int i = 0; i < 8; i++) assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), 2 * 65536 + i);
  assert_hex(out, 8, "d85950c30712acbd"); /* the TypeScript known answer */
  assert_int_equal(mn_secoc_node_sign(met, 0x186, data, -1, out), MN_SECOC_EINVAL); /* not this meter */
  assert_int_equal(mn_secoc_node_sign(met, 0x045, data, -1, out), MN_SECOC_EINVAL); /* COMMAND is received */

  /* aggregator: not synchronised until the sync round trip */
  assert_int_equal(mn_secoc_node_verify(agg, 0x185, 0, 8, out, &fv, &d), MN_SECOC_UNSYNCED);
  assert_int_equal(d, 0xc35059d8u);
  assert_int_equal(mn_secoc_node_verify(agg, 0x185, 2, 8, out, &fv, &d), -1); /* remote */
  assert_int_equal(mn_secoc_node_verify(agg, 0x185, 0, 7, out, &fv, &d), -1); /* short */
  assert_int_equal(mn_secoc_node_verify(agg, 0x187, 0, 8, out, &fv, &d), -1); /* meter 7 not configured */
  mn_secoc_node_set_epoch(agg, 4);
  uint8_t req[8], resp[8], ack[4] = {3, 0, 0, 0};
  int64_t ch = mn_secoc_node_sign(agg, 0x0C5, data, -1, req);
  assert_int_equal(ch, 4 * 65536);
  assert_int_equal(mn_secoc_node_verify(met, 0x0C5, 0, 8, req, &fv, &d), MN_SECOC_OK);
  assert_int_equal(fv, ch);
  assert_int_equal(mn_secoc_node_rx(met, 0, 0), ch);
  assert_int_equal(mn_secoc_node_verify(met, 0x0C5, 0, 8, req, &fv, &d), MN_SECOC_STALE); /* replayed */
  assert_int_equal(mn_secoc_node_sign(met, 0x105, ack, ch, resp), ch);
  assert_int_equal(mn_secoc_node_verify(agg, 0x109, 0, 8, resp, &fv, &d), MN_SECOC_STALE); /* meter 9: no challenge out */
  assert_int_equal(mn_secoc_node_verify(agg, 0x105, 0, 8, resp, &fv, &d), MN_SECOC_OK);
  assert_int_equal(fv, ch);
  mn_secoc_node_set_rx(agg, 0, 3 * 65536 - 1); /* the meter's epoch 3 */
  assert_int_equal(mn_secoc_node_verify(agg, 0x105, 0, 8, resp, &fv, &d), MN_SECOC_STALE); /* challenge dropped */

  /* meter epoch 3 after the sync (a restart: -1 first): readings verify, once */
  mn_secoc_node_set_epoch(met, -1);
  mn_secoc_node_set_epoch(met, 3);
  assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), 3 * 65536);
  assert_int_equal(mn_secoc_node_verify(agg, 0x185, 0, 8, out, &fv, &d), MN_SECOC_OK);
  assert_int_equal(fv, 3 * 65536);
  assert_int_equal(mn_secoc_node_verify(agg, 0x185, 0, 8, out, &fv, &d), MN_SECOC_STALE);
  /* the same bytes under meter 9's identifier */
  assert_int_equal(mn_secoc_node_verify(agg, 0x189, 0, 8, out, &fv, &d), MN_SECOC_UNSYNCED);

  /* a command: aggregator counter 0 of slot 0, meter receive counter 0 */
  uint8_t cmd[4] = {1, 0, 0, 0};
  int64_t cfv = mn_secoc_node_sign(agg, 0x045, cmd, -1, out);
  assert_int_equal(cfv, 4 * 65536 + 1);
  assert_int_equal(mn_secoc_node_verify(met, 0x045, 0, 8, out, &fv, &d), MN_SECOC_OK);
  assert_int_equal(fv, cfv);
  assert_int_equal(d, 1);
  assert_int_equal(mn_secoc_node_verify(met, 0x045, 0, 8, out, &fv, &d), MN_SECOC_STALE);
}

static void epoch_used_up(void **state) {
  (void)state;
  uint8_t master[16], plan[64], out[8], data[4] = {0};
  uint8_t met[400];
  hex(MASTER, master, 16);
  meter_plan(plan);
  mn_secoc_node_init(met, sizeof met, 1, 2, 9, plan);
  mn_secoc_node_key(met, 0, 5, master, 1);
  mn_secoc_node_set_epoch(met, 7);
  int64_t last = -1;
  for (int i = 0; i < MN_SECOC_SEQ_SPAN; i++) last = mn_secoc_node_sign(met, 0x185, data, -1, out);
  assert_int_equal(last, 7 * 65536 + 65535);
  assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), MN_SECOC_ENOFV);
  assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), MN_SECOC_ENOFV); /* until the next epoch */
  assert_int_equal(mn_secoc_node_epoch(met), 7);
  assert_int_equal(mn_secoc_node_sign(met, 0x005, data, -1, out), 7 * 65536); /* the others run on */
  mn_secoc_node_set_epoch(met, 8);
  assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), 8 * 65536);
  assert_int_equal(mn_secoc_node_sign(met, 0x005, data, -1, out), 7 * 65536 + 1);
  mn_secoc_node_set_epoch(met, MN_SECOC_EPOCH_MAX + 1);
  assert_int_equal(mn_secoc_node_epoch(met), -1);
}

/* The defect of a simulated day (18.2 h): the busiest counter used its 65536th value,
 * the renewal moved every counter to the next epoch, and the rarely used ack counter
 * jumped by ~65536, which its receiver cannot rebuild from 8 bits. The renewal (the
 * caller persists epoch + 1 and sets it while an epoch is valid) must let every counter
 * run on: the busy one carries into the new epoch, the others do not move. */
static void epoch_change_keeps_counters_continuous(void **state) {
  (void)state;
  uint8_t master[16], plan[64], out[8], first[8], data[4] = {0}, ack[4] = {1, 0, 0, 0};
  uint8_t met[400], agg[8000];
  int64_t fv = 0;
  uint32_t d = 0;
  hex(MASTER, master, 16);
  meter_plan(plan);
  mn_secoc_node_init(met, sizeof met, 1, 2, 9, plan);
  mn_secoc_node_key(met, 0, 5, master, 1);
  agg_plan(plan);
  mn_secoc_node_init(agg, sizeof agg, 2, 9, 1, plan);
  mn_secoc_node_key(agg, 0, 5, master, 1);
  mn_secoc_node_key(agg, 1, 9, master, 1);
  mn_secoc_node_set_epoch(met, 2);
  mn_secoc_node_set_rx(agg, 0, 2 * 65536 - 1); /* what the sync established */
  assert_int_equal(mn_secoc_node_sign(met, 0x085, ack, -1, first), 2 * 65536); /* COMMAND_ACK, once */
  assert_int_equal(mn_secoc_node_verify(agg, 0x085, 0, 8, first, &fv, &d), MN_SECOC_OK);
  for (int i = 0; i < MN_SECOC_SEQ_SPAN; i++) {
    assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), 2 * 65536 + i);
    if (i % 200 == 0) assert_int_equal(mn_secoc_node_verify(agg, 0x185, 0, 8, out, &fv, &d), MN_SECOC_OK);
  }
  assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), MN_SECOC_ENOFV);
  assert_int_equal(mn_secoc_node_epoch(met), 2); /* the other counters still have values */
  assert_int_equal(mn_secoc_node_sign(met, 0x005, data, -1, out), 2 * 65536); /* ALARM */
  mn_secoc_node_set_epoch(met, 3); /* the renewal: persisted by the caller, then set */
  assert_int_equal(mn_secoc_node_epoch(met), 3);
  assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), 3 * 65536); /* carry: +1 */
  assert_int_equal(mn_secoc_node_verify(agg, 0x185, 0, 8, out, &fv, &d), MN_SECOC_OK);
  assert_int_equal(fv, 3 * 65536);
  assert_int_equal(mn_secoc_node_sign(met, 0x085, ack, -1, out), 2 * 65536 + 1); /* no jump */
  assert_int_equal(mn_secoc_node_verify(agg, 0x085, 0, 8, out, &fv, &d), MN_SECOC_OK);
  assert_int_equal(fv, 2 * 65536 + 1);
  assert_int_equal(mn_secoc_node_verify(agg, 0x085, 0, 8, first, &fv, &d), MN_SECOC_STALE); /* replay */
  assert_int_equal(mn_secoc_node_verify(agg, 0x085, 0, 8, out, &fv, &d), MN_SECOC_STALE);

  /* The aggregator: one counter per meter under one epoch. Meter 5's counter crossing
   * it must not move meter 9's (commanded rarely). */
  mn_secoc_node_set_epoch(agg, 4);
  uint8_t met9[400];
  meter_plan(plan);
  mn_secoc_node_init(met9, sizeof met9, 1, 2, 9, plan);
  mn_secoc_node_key(met9, 0, 9, master, 1);
  mn_secoc_node_set_epoch(met9, 1);
  uint8_t cmd[4] = {1, 0, 0, 0};
  assert_int_equal(mn_secoc_node_sign(agg, 0x0C9, data, -1, out), 4 * 65536); /* sync request */
  assert_int_equal(mn_secoc_node_verify(met9, 0x0C9, 0, 8, out, &fv, &d), MN_SECOC_OK);
  for (int i = 0; i < MN_SECOC_SEQ_SPAN; i++) mn_secoc_node_sign(agg, 0x045, cmd, -1, out);
  assert_int_equal(mn_secoc_node_sign(agg, 0x045, cmd, -1, out), MN_SECOC_ENOFV);
  mn_secoc_node_set_epoch(agg, 5);
  assert_int_equal(mn_secoc_node_sign(agg, 0x045, cmd, -1, out), 5 * 65536);
  assert_int_equal(mn_secoc_node_sign(agg, 0x049, cmd, -1, out), 4 * 65536 + 1);
  assert_int_equal(mn_secoc_node_verify(met9, 0x049, 0, 8, out, &fv, &d), MN_SECOC_OK);
  assert_int_equal(fv, 4 * 65536 + 1);
  assert_int_equal(mn_secoc_node_verify(met9, 0x049, 0, 8, out, &fv, &d), MN_SECOC_STALE);

  /* A restart (resynchronisation: -1, then the new epoch) moves every counter to it. */
  mn_secoc_node_set_epoch(met, -1);
  assert_int_equal(mn_secoc_node_sign(met, 0x085, ack, -1, out), MN_SECOC_ENOFV);
  mn_secoc_node_set_epoch(met, 4);
  assert_int_equal(mn_secoc_node_sign(met, 0x085, ack, -1, out), 4 * 65536);
  assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), 4 * 65536);
  /* An epoch at or below the current one is no renewal: a restart, as before. */
  mn_secoc_node_set_epoch(met, 4);
  assert_int_equal(mn_secoc_node_sign(met, 0x185, data, -1, out), 4 * 65536);
}

/* The data signals of messages.ts (rows 0..23: start bit, length, kind) and each
 * function's first row and count, as modules/can/secured.ts securedCodec sends them. */
static const uint8_t SIGROWS[24][3] = {
  {0, 8, 0}, {8, 8, 0}, {16, 16, 2}, {0, 8, 0}, {8, 8, 0}, {16, 16, 0}, {0, 8, 0}, {8, 8, 0}, {16, 16, 0},
  {0, 24, 0}, {24, 8, 0}, {0, 32, 0}, {0, 16, 2}, {16, 16, 3}, {0, 20, 3}, {20, 12, 4 | 3}, {0, 16, 0}, {16, 16, 0},
  {0, 32, 0}, {0, 32, 0}, {0, 16, 2}, {16, 16, 2}, {7, 16, 8}, {23, 16, 8},
};
static const uint8_t FIRST[13] = {0, 3, 6, 0, 9, 11, 12, 14, 16, 18, 19, 20, 22};
static const uint8_t COUNT[13] = {3, 3, 3, 0, 2, 1, 2, 2, 2, 1, 1, 2, 2};

static void codec_table(uint8_t t[64 + 72]) {
  memset(t, 0, 64 + 72);
  for (int fn = 0; fn < 13; fn++) {
    t[fn] = FIRST[fn];
    t[32 + fn] = (uint8_t)(COUNT[fn] | (fn >= 6 ? MN_SECOC_PUBLISH : 0));
  }
  memcpy(t + 64, SIGROWS, sizeof SIGROWS);
}

/* Encodes messages 6..12 of values[24] as publish does, into "xxxxxxxx ..." */
static void encode_all(const double v[24], char *outHex) {
  for (int fn = 6; fn <= 12; fn++) {
    uint8_t d[4] = {0};
    for (int i = 0; i < COUNT[fn]; i++) {
      const uint8_t *g = SIGROWS[FIRST[fn] + i];
      mn_signal_t sg = {g[0], g[1], g[2]};
      mn_signal_pack(d, &sg, mn_signal_phys_to_raw(&sg, v[FIRST[fn] + i]));
    }
    outHex += sprintf(outHex, "%02x%02x%02x%02x%s", d[0], d[1], d[2], d[3], fn < 12 ? " " : "");
  }
}

/* Expected bytes from modules/can/messageCodec.ts encodeData of the same values. */
static void codec_matches_typescript(void **state) {
  (void)state;
  double v[24];
  char hexs[80];
  for (int i = 0; i < 24; i++) v[i] = NAN;
  double a[12] = {230, 50, 5.0011, -0.95, 1000.4, 70000, 123456, NAN, 2.5, 8.255, 1100, 300};
  memcpy(v + 12, a, sizeof a);
  encode_all(v, hexs);
  assert_string_equal(hexs, "d85950c3 8913a0c4 e803ffff 40e20100 00000000 fa003a03 044c012c");
  double b[12] = {-3, 1e9, 1048.5754, 2.5, 0.5, 1.5, 4294967296.0, 4294967295.4, 655.355, 0.004999, 65535.5, -1};
  memcpy(v + 12, b, sizeof b);
  encode_all(v, hexs);
  assert_string_equal(hexs, "0000ffff ffffff7f 01000200 ffffffff ffffffff ffff0000 ffff0000");
}

static void decode_matches_typescript(void **state) {
  (void)state;
  uint8_t plan[64], table[64 + 72], st[400], d[4];
  double out[4];
  meter_plan(plan);
  mn_secoc_node_init(st, sizeof st, 1, 2, 9, plan);
  codec_table(table);
  mn_secoc_node_codec(st, table, sizeof table);
  hex("8913a0c4", d, 4); /* MEAS_CURRENT_PF: I_L1 5.001 A, PF -0.95 */
  assert_int_equal(mn_secoc_node_decode(st, 7, d, out), 2);
  assert_true(out[0] == 5001 * (1 / 1000.0) && out[1] == -950 * (1 / 1000.0));
  hex("044c012c", d, 4); /* MEAS_APPARENT (Motorola): S 1100, Q 300 */
  assert_int_equal(mn_secoc_node_decode(st, 12, d, out), 2);
  assert_true(out[0] == 1100 && out[1] == 300);
  hex("d85950c3", d, 4);
  assert_int_equal(mn_secoc_node_decode(st, 6, d, out), 2);
  assert_true(out[0] == 23000 * (1 / 100.0) && out[1] == 50000 * (1 / 1000.0));
  assert_int_equal(mn_secoc_node_decode(st, 3, d, out), 0); /* SYNC_REQUEST: no data signals */
}

static int store_count;
static uint8_t stored[8][8];
static uint32_t storedId[8];
static int store(void *ctx, uint32_t id, const uint8_t p[8]) {
  (void)ctx;
  storedId[store_count] = id;
  memcpy(stored[store_count++], p, 8);
  return 0;
}

static void publish_signs_and_arms(void **state) {
  (void)state;
  uint8_t master[16], plan[64], table[64 + 72], met[400], latest[128] = {0};
  double v[24];
  hex(MASTER, master, 16);
  meter_plan(plan);
  for (int fn = 7; fn <= 12; fn++) plan[32 + fn] = (uint8_t)(0x10 | (fn - 4));
  mn_secoc_node_init(met, sizeof met, 1, 2, 9, plan);
  mn_secoc_node_key(met, 0, 5, master, 1);
  codec_table(table);
  assert_int_equal(mn_secoc_node_codec(met, table, 63), MN_SECOC_EINVAL);
  assert_int_equal(mn_secoc_node_codec(met, table, sizeof table), 0);
  for (int i = 0; i < 24; i++) v[i] = NAN;
  v[12] = 230; v[13] = 50; /* only MEAS_VOLTAGE_FREQ has values */
  store_count = 0;
  assert_int_equal(mn_secoc_node_publish(met, v, 24, latest, NULL, store, NULL), MN_SECOC_ENOFV);
  mn_secoc_node_set_epoch(met, 2);
  for (int i = 0; i < 7; i++) mn_secoc_node_sign(met, 0x185, latest, -1, stored[0]); /* FV 2:0..6 used */
  store_count = 0;
  assert_int_equal(mn_secoc_node_publish(met, v, 24, latest, NULL, store, NULL), 1);
  assert_int_equal(storedId[0], 0x185);
  assert_hex(stored[0], 8, "d85950c30712acbd"); /* the TypeScript known answer, FV 2:7 */
  assert_hex(latest + 4 * 6, 4, "d85950c3");
  v[14] = 5; v[15] = 0.95; v[16] = 100; v[17] = 0; v[18] = 1; v[19] = 2; v[20] = 1; v[21] = 2; v[22] = 3; v[23] = 4;
  store_count = 0;
  uint32_t mask = 0;
  assert_int_equal(mn_secoc_node_publish(met, v, 24, latest, &mask, store, NULL), 7);
  assert_int_equal(mask, 0x1FC0u); /* functions 6..12 */
  assert_int_equal(storedId[6], 0x305);
  assert_int_equal(mn_secoc_node_publish(met, v, 12, latest, NULL, store, NULL), 0); /* too few values */
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(rfc4493_subkeys),
    cmocka_unit_test(rfc4493_examples),
    cmocka_unit_test(short_path_equals_general),
    cmocka_unit_test(kdf_known_answers),
    cmocka_unit_test(secured_frame_known_answer),
    cmocka_unit_test(sync_request_known_answer),
    cmocka_unit_test(verify_causes),
    cmocka_unit_test(bound_response),
    cmocka_unit_test(reconstruction),
    cmocka_unit_test(node_round_trip),
    cmocka_unit_test(epoch_used_up),
    cmocka_unit_test(epoch_change_keeps_counters_continuous),
    cmocka_unit_test(codec_matches_typescript),
    cmocka_unit_test(publish_signs_and_arms),
    cmocka_unit_test(decode_matches_typescript),
  };
  return cmocka_run_group_tests_name("SecOC", tests, NULL, NULL);
}
