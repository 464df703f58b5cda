/* The aggregator's OTA link: see otaAggLink.h. */
#include "otaAggLink.h"

#include <string.h>

#include "../secoc/cmac.h"
#include "otaSha256.h"

static int chanSend(void *ctx, const uint8_t frame[8]) {
  mn_ota_chan_t *c = (mn_ota_chan_t *)ctx;
  mn_ota_agg_t *a = c->owner;
  if (c->target < 0) return -1;
  int r = mn_ota_txq_put(&a->q, (uint16_t)(MN_OTA_REQ_ID_BASE + a->t[c->target].address), frame);
  if (r == 0) a->controlFrames++;
  return r;
}

int mn_ota_agg_start(mn_ota_agg_t *a, const mn_ota_staging_t *image, uint32_t sizeBytes, const mn_ota_manifest_t *m,
                     const uint8_t master[16], const uint8_t *addresses, unsigned n, int autoCommit, uint32_t nowMs) {
  (void)nowMs;
  memset(a, 0, sizeof *a);
  if (n == 0 || n > MN_OTA_AGG_TARGETS) return -22;
  for (unsigned i = 0; i < n; i++) {
    if (addresses[i] < 1 || addresses[i] > 63) return -22;
    for (unsigned j = 0; j < i; j++)
      if (addresses[j] == addresses[i]) return -22;
  }
  if (mn_ota_tx_init(&a->tx, image, sizeBytes, m->tag) != 0) return -22;
  a->m = *m;
  a->m.chunkBytes = MN_OTA_CHUNK_BYTES;
  a->m.sizeBytes = sizeBytes;
  uint8_t block[64];
  mn_sha256_t *h = mn_sha256_start();
  for (uint32_t off = 0; off < sizeBytes; off += sizeof block) {
    uint32_t k = sizeBytes - off < sizeof block ? sizeBytes - off : (uint32_t)sizeof block;
    if (image->read(image->ctx, off, block, k) != 0) {
      mn_sha256_finish(h, a->m.sha256);
      return -5;
    }
    mn_sha256_update(h, block, k);
  }
  mn_sha256_finish(h, a->m.sha256);
  memcpy(a->master, master, 16);
  for (unsigned i = 0; i < n; i++) {
    a->t[i].address = addresses[i];
    a->t[i].state = MN_OTA_T_PENDING;
  }
  for (unsigned c = 0; c < MN_OTA_AGG_CHANNELS; c++) {
    a->ch[c].owner = a;
    a->ch[c].target = -1;
  }
  a->n = (uint8_t)n;
  a->autoCommit = autoCommit ? 1 : 0;
  a->phase = MN_OTA_PH_MANIFESTS;
  a->bodyLeft = MN_OTA_BODY_FRAMES;
  return 0;
}

static void failTarget(mn_ota_target_t *t, uint8_t cause) {
  t->state = MN_OTA_T_FAILED;
  t->cause = cause;
}

/* An exchange ended without a usable answer: ask again, or give up on the target. */
static void retry(mn_ota_agg_t *a, mn_ota_chan_t *c) {
  mn_ota_target_t *t = &a->t[c->target];
  c->target = -1;
  a->timeouts++;
  if (a->phase == MN_OTA_PH_WATCHING) { /* restarting, or busy with its trial: asked again in the next round */
    t->asked = 2;
    return;
  }
  if (++t->tries >= MN_OTA_AGG_TRIES) {
    failTarget(t, MN_OTA_F_NO_ANSWER);
    return;
  }
  if (t->op == MN_OTA_OP_MANIFEST) t->state = MN_OTA_T_PENDING;
  else if (t->op == MN_OTA_OP_STATUS) t->asked = 0;
  else if (t->op == MN_OTA_OP_COMMIT) {
    if (t->triedCommit == 2) { t->state = MN_OTA_T_RECEIVING; t->asked = 0; t->triedCommit = 0; }
    else t->state = MN_OTA_T_VERIFIED;
  }
  /* an abort that got no answer: the target is given up on anyway */
  else if (t->op == MN_OTA_OP_ABORT) failTarget(t, MN_OTA_F_CANCELLED);
}

static void answered(mn_ota_agg_t *a, mn_ota_chan_t *c, const uint8_t *d, unsigned len) {
  mn_ota_target_t *t = &a->t[c->target];
  uint8_t op = t->op;
  if ((op == MN_OTA_OP_MANIFEST && (len != 2 || d[0] != MN_OTA_OP_VERDICT)) ||
      (op == MN_OTA_OP_STATUS && (len < 7 || d[0] != MN_OTA_OP_REPORT || ((d[1] & 15) == MN_OTA_RECEIVING && len < 13))) ||
      ((op == MN_OTA_OP_COMMIT || op == MN_OTA_OP_ABORT) && (len != 2 || d[0] != MN_OTA_OP_RESULT))) {
    a->badAnswers++;
    retry(a, c);
    return;
  }
  c->target = -1;
  t->tries = 0;
  if (op == MN_OTA_OP_MANIFEST) {
    if (d[1] == MN_OTA_V_NO_BODY && ++t->restarts < MN_OTA_AGG_TRIES) { /* it missed (or lost) the body: again */
      t->state = MN_OTA_T_PENDING;
      a->bodyLeft = MN_OTA_BODY_FRAMES;
    } else if (d[1] == MN_OTA_OK) {
      t->state = MN_OTA_T_RECEIVING;
      t->have = 0;
      t->asked = 0; /* a target that restarted is asked for its status in this status phase */
    } else failTarget(t, d[1]);
  } else if (op == MN_OTA_OP_STATUS && a->phase == MN_OTA_PH_WATCHING) {
    /* at rest: [state | boot report << 4][cause][counter u32] (otaMeterLink.h MN_OTA_BOOT_*) */
    uint8_t boot = d[1] >> 4;
    uint32_t counter = ((uint32_t)d[3] << 24) | ((uint32_t)d[4] << 16) | ((uint32_t)d[5] << 8) | d[6];
    t->asked = 2;
    a->heard = t->address; /* it answers: it runs again (mn_ota_agg_heard) */
    if (boot == MN_OTA_BOOT_TRIAL) t->state = MN_OTA_T_TRIAL;
    else if (boot == MN_OTA_BOOT_CONFIRMED && counter == a->m.counter) t->state = MN_OTA_T_CONFIRMED;
    else if (boot > MN_OTA_BOOT_REVERTED && boot != MN_OTA_BOOT_UNKNOWN) {
      t->state = MN_OTA_T_REVERTED;
      t->cause = (uint8_t)(boot - MN_OTA_BOOT_REVERTED);
    }
  } else if (op == MN_OTA_OP_STATUS) {
    const uint8_t *r = d + 1;
    uint8_t st = r[0] & 15; /* the high nibble is the boot report (at rest) */
    if (len >= 13) t->have = (uint16_t)((r[6] << 8) | r[7]);
    if (st == MN_OTA_RECEIVING) {
      if (mn_ota_tx_repair(&a->tx, r, len - 1) < 0) {
        a->badAnswers++;
        t->asked = 0;
        return;
      }
      t->asked = 2;
    } else if (st == MN_OTA_VERIFIED) t->state = MN_OTA_T_VERIFIED;
    else if (st == MN_OTA_FAILED) failTarget(t, r[1]);
    else if (++t->restarts >= MN_OTA_AGG_TRIES) failTarget(t, MN_OTA_F_LOST);
    else t->state = MN_OTA_T_PENDING; /* IDLE: the meter restarted and lost the transfer: its manifest again */
  } else if (op == MN_OTA_OP_COMMIT) {
    if (d[1] == MN_OTA_RES_SWITCHED) {
      t->state = MN_OTA_T_SWITCHED;
      t->have = (uint16_t)a->tx.total; /* it held every chunk (a commit-first switch never reported them) */
    }
    else if (d[1] == MN_OTA_RES_NOT_VERIFIED && t->triedCommit == 2) { /* the status phase's commit-first */
      t->state = MN_OTA_T_RECEIVING; /* still lacking chunks: its status next */
      t->triedCommit = 1;
      t->asked = 0;
    } else failTarget(t, (uint8_t)(MN_OTA_F_COMMIT + d[1]));
  } else failTarget(t, MN_OTA_F_CANCELLED);
}

unsigned mn_ota_agg_heard(mn_ota_agg_t *a) {
  unsigned h = a->heard;
  a->heard = 0;
  return h;
}

int mn_ota_agg_frame(mn_ota_agg_t *a, uint16_t id, const uint8_t *data, uint8_t dlc, uint32_t nowMs) {
  if (id < MN_OTA_ANS_ID_BASE || id >= MN_OTA_ANS_ID_BASE + 64u) return 0;
  unsigned address = id - MN_OTA_ANS_ID_BASE;
  for (unsigned k = 0; k < MN_OTA_AGG_CHANNELS; k++) {
    mn_ota_chan_t *c = &a->ch[k];
    if (c->target < 0 || a->t[c->target].address != address) continue;
    int n = mn_isotp_rx(&c->tp, data, dlc, nowMs);
    if (n > 0) answered(a, c, c->tp.buf, (unsigned)n);
    else if (n == 0 && c->tp.rxActive) c->deadlineMs = nowMs + MN_OTA_AGG_STALL_MS; /* a multi-frame answer under way */
    return 1;
  }
  return 1; /* an answer nobody waits for (late, or to a restarted aggregator): dropped */
}

/* Which request a target needs in this phase (0: none). */
static uint8_t needs(const mn_ota_agg_t *a, const mn_ota_target_t *t) {
  switch (a->phase) {
    case MN_OTA_PH_MANIFESTS: return t->state == MN_OTA_T_PENDING && !a->bodyLeft ? MN_OTA_OP_MANIFEST : 0;
    case MN_OTA_PH_STATUS:
      /* with autoCommit a target is asked to commit first: a verified one switches in one
       * exchange of two single frames; one still lacking chunks answers "not verified"
       * and is asked for its status */
      if (t->state != MN_OTA_T_RECEIVING || t->asked != 0) return 0;
      return a->autoCommit && !t->triedCommit ? MN_OTA_OP_COMMIT : MN_OTA_OP_STATUS;
    case MN_OTA_PH_COMMIT: return t->state == MN_OTA_T_VERIFIED ? MN_OTA_OP_COMMIT : 0;
    case MN_OTA_PH_ABORT: return t->state == MN_OTA_T_RECEIVING || t->state == MN_OTA_T_VERIFIED ? MN_OTA_OP_ABORT : 0;
    case MN_OTA_PH_WATCHING: return (t->state == MN_OTA_T_SWITCHED || t->state == MN_OTA_T_TRIAL) && !t->asked ? MN_OTA_OP_STATUS : 0;
    default: return 0;
  }
}

static void ask(mn_ota_agg_t *a, mn_ota_chan_t *c, unsigned ti, uint8_t op, uint32_t nowMs) {
  mn_ota_target_t *t = &a->t[ti];
  mn_isotp_init(&c->tp, c->rx, sizeof c->rx, 0, 0, chanSend, c);
  c->target = (int16_t)ti;
  c->sent = 0;
  c->deadlineMs = nowMs + MN_OTA_AGG_ANSWER_MS; /* the meter answers a first frame within ms: no 1 s N_Bs wait */
  t->op = op;
  unsigned len = 1;
  c->tx[0] = op;
  if (op == MN_OTA_OP_MANIFEST) {
    uint8_t key[16];
    mn_ota_manifest_t m = a->m;
    m.address = t->address;
    if (mn_secoc_meter_key(a->master, t->address, key) != 0 || mn_ota_manifest_make(&m, key, c->tx + 1) != 0) {
      c->target = -1;
      failTarget(t, MN_OTA_R_MAC);
      return;
    }
    memset(key, 0, sizeof key);
    /* the body went out by broadcast: only this meter's CMAC */
    c->tx[0] = MN_OTA_OP_MANIFEST_TAG;
    memmove(c->tx + 1, c->tx + 1 + MN_OTA_MANIFEST_SIGNED, 16);
    len += 16;
    t->state = MN_OTA_T_ASKING;
  } else if (op == MN_OTA_OP_STATUS) t->asked = 1;
  else if (op == MN_OTA_OP_COMMIT || op == MN_OTA_OP_ABORT) {
    if (op == MN_OTA_OP_COMMIT && t->state == MN_OTA_T_RECEIVING) t->triedCommit = 2; /* commit-first: in flight */
    t->state = MN_OTA_T_ASKING;
  }
  a->exchanges++;
  int r = mn_isotp_send(&c->tp, c->tx, (uint16_t)len, nowMs);
  if (r == 1) {
    c->sent = 1;
    c->deadlineMs = nowMs + MN_OTA_AGG_ANSWER_MS;
  } else if (r < 0) retry(a, c);
}

static int busy(const mn_ota_agg_t *a) {
  for (unsigned k = 0; k < MN_OTA_AGG_CHANNELS; k++)
    if (a->ch[k].target >= 0) return 1;
  return 0;
}

static int count(const mn_ota_agg_t *a, uint8_t state) {
  int n = 0;
  for (unsigned i = 0; i < a->n; i++) n += a->t[i].state == state;
  return n;
}

static void toStatus(mn_ota_agg_t *a) {
  for (unsigned i = 0; i < a->n; i++) a->t[i].asked = a->t[i].triedCommit = 0;
  a->phase = MN_OTA_PH_STATUS;
}

static void afterExchanges(mn_ota_agg_t *a) {
  switch (a->phase) {
    case MN_OTA_PH_MANIFESTS:
      /* every target asked once; one that did not answer is asked again between rounds
       * (it does not hold the others up: the chunks it misses are repaired) */
      for (unsigned i = 0; i < a->n; i++)
        if ((a->t[i].state == MN_OTA_T_PENDING || a->t[i].state == MN_OTA_T_ASKING) && a->t[i].tries == 0) return;
      if (!count(a, MN_OTA_T_RECEIVING)) {
        if (!count(a, MN_OTA_T_PENDING) && !count(a, MN_OTA_T_ASKING)) a->phase = MN_OTA_PH_COMMIT;
        return;
      }
      if (!a->chunking) {
        a->chunking = 1;
        a->rounds = 1;
        a->phase = MN_OTA_PH_CHUNKS;
      } else a->phase = MN_OTA_PH_STATUS; /* a restarted target's manifest again: its lacks join the next round */
      return;
    case MN_OTA_PH_STATUS: {
      for (unsigned i = 0; i < a->n; i++)
        if (a->t[i].state == MN_OTA_T_RECEIVING && a->t[i].asked != 2) return;
      if (count(a, MN_OTA_T_PENDING)) { a->phase = MN_OTA_PH_MANIFESTS; return; }
      for (unsigned k = 0; k < MN_OTA_AGG_CHANNELS; k++) /* status exchanges still out (a retried manifest may be) */
        if (a->ch[k].target >= 0 && (a->t[a->ch[k].target].op == MN_OTA_OP_STATUS || a->t[a->ch[k].target].op == MN_OTA_OP_COMMIT)) return;
      if (a->tx.nextCount > 0 && a->rounds < MN_OTA_AGG_MAX_ROUNDS) {
        mn_ota_tx_round(&a->tx);
        a->rounds++;
        a->phase = MN_OTA_PH_CHUNKS;
        return;
      }
      if (count(a, MN_OTA_T_ASKING)) return; /* a retried manifest: its answer decides */
      for (unsigned i = 0; i < a->n; i++)
        if (a->t[i].state == MN_OTA_T_RECEIVING) failTarget(&a->t[i], MN_OTA_F_ROUNDS);
      mn_ota_tx_round(&a->tx); /* drops what is left */
      a->phase = MN_OTA_PH_COMMIT;
      return;
    }
    case MN_OTA_PH_COMMIT:
      if (busy(a)) return;
      if (a->autoCommit && count(a, MN_OTA_T_VERIFIED)) return;
      a->phase = MN_OTA_PH_DONE;
      if (count(a, MN_OTA_T_SWITCHED)) { /* what became of each switch: the meters' boot reports */
        for (unsigned i = 0; i < a->n; i++) a->t[i].asked = 2;
        a->phase = MN_OTA_PH_WATCHING;
        a->watchFromMs = a->nowMs;
        a->watchAskMs = a->nowMs + MN_OTA_AGG_WATCH_ASK_MS; /* the meters restart first */
      }
      return;
    case MN_OTA_PH_WATCHING: {
      if (busy(a)) return;
      if ((!count(a, MN_OTA_T_SWITCHED) && !count(a, MN_OTA_T_TRIAL)) || a->nowMs - a->watchFromMs > MN_OTA_AGG_WATCH_MS) {
        a->phase = MN_OTA_PH_DONE;
        return;
      }
      if ((int32_t)(a->nowMs - a->watchAskMs) < 0) return;
      for (unsigned i = 0; i < a->n; i++) a->t[i].asked = 0;
      a->watchAskMs = a->nowMs + MN_OTA_AGG_WATCH_ASK_MS;
      return;
    }
    case MN_OTA_PH_ABORT:
      if (busy(a)) return;
      for (unsigned i = 0; i < a->n; i++)
        if (a->t[i].state != MN_OTA_T_SWITCHED && a->t[i].state != MN_OTA_T_FAILED) failTarget(&a->t[i], MN_OTA_F_CANCELLED);
      a->phase = MN_OTA_PH_DONE;
      return;
    default:
      return;
  }
}

void mn_ota_agg_tick(mn_ota_agg_t *a, uint32_t nowMs) {
  if (a->phase == MN_OTA_PH_IDLE || a->phase == MN_OTA_PH_DONE) return;
  a->nowMs = nowMs;
  for (unsigned k = 0; k < MN_OTA_AGG_CHANNELS; k++) {
    mn_ota_chan_t *c = &a->ch[k];
    if (c->target < 0) continue;
    int r = mn_isotp_poll(&c->tp, nowMs);
    if (r == 1) {
      c->sent = 1;
      c->deadlineMs = nowMs + MN_OTA_AGG_ANSWER_MS;
    } else if (r < 0 || (int32_t)(nowMs - c->deadlineMs) > 0) retry(a, c);
  }
  if (a->phase == MN_OTA_PH_COMMIT && !a->autoCommit) {
    afterExchanges(a);
    return;
  }
  for (unsigned k = 0; k < MN_OTA_AGG_CHANNELS; k++) {
    if (a->ch[k].target >= 0) continue;
    unsigned i = 0;
    uint8_t op = 0;
    for (; i < a->n; i++)
      if ((op = needs(a, &a->t[i])) != 0) break;
    if (!op) break;
    ask(a, &a->ch[k], i, op, nowMs);
  }
  afterExchanges(a);
}

int mn_ota_agg_chunk(mn_ota_agg_t *a, uint16_t *id, uint8_t data[8]) {
  if (a->phase == MN_OTA_PH_MANIFESTS && a->bodyLeft) { /* the manifest body, broadcast once for all */
    unsigned k = MN_OTA_BODY_FRAMES - a->bodyLeft--;
    uint8_t w[MN_OTA_BODY_FRAMES * MN_OTA_CHUNK_BYTES] = {0};
    mn_ota_manifest_t m = a->m;
    m.address = 0; /* each meter puts its own */
    mn_ota_manifest_body(&m, w);
    *id = (uint16_t)(MN_OTA_CHUNK_ID_BASE | k);
    data[0] = MN_OTA_BODY_HIGH;
    data[1] = a->m.tag;
    memcpy(data + 2, w + k * MN_OTA_CHUNK_BYTES, MN_OTA_CHUNK_BYTES);
    return 1;
  }
  if (a->phase != MN_OTA_PH_CHUNKS) return 0;
  int r = mn_ota_tx_next(&a->tx, id, data);
  if (r == 1) return 1;
  toStatus(a); /* the round is out (or the image unreadable: the reports say what is missing) */
  return 0;
}

void mn_ota_agg_commit(mn_ota_agg_t *a) {
  a->autoCommit = 1;
  if ((a->phase == MN_OTA_PH_DONE || a->phase == MN_OTA_PH_WATCHING) && count(a, MN_OTA_T_VERIFIED)) a->phase = MN_OTA_PH_COMMIT;
}

void mn_ota_agg_cancel(mn_ota_agg_t *a) {
  if (a->phase == MN_OTA_PH_IDLE) return;
  if (a->phase == MN_OTA_PH_WATCHING) { /* nothing left to abort: the watch stops */
    a->phase = MN_OTA_PH_DONE;
    return;
  }
  for (unsigned i = 0; i < a->n; i++)
    if (a->t[i].state == MN_OTA_T_PENDING) failTarget(&a->t[i], MN_OTA_F_CANCELLED);
  a->phase = MN_OTA_PH_ABORT;
}

void mn_ota_agg_summary(const mn_ota_agg_t *a, uint8_t *out) {
  out[0] = a->phase;
  out[1] = a->n;
  out[2] = (uint8_t)(a->tx.total >> 8);
  out[3] = (uint8_t)a->tx.total;
  for (unsigned i = 0; i < a->n; i++) {
    const mn_ota_target_t *t = &a->t[i];
    uint16_t have = t->state == MN_OTA_T_VERIFIED || t->state == MN_OTA_T_SWITCHED ? a->tx.total : t->have;
    uint8_t *o = out + 4 + 5 * i;
    o[0] = t->address;
    o[1] = t->state;
    o[2] = t->cause;
    o[3] = (uint8_t)(have >> 8);
    o[4] = (uint8_t)have;
  }
}

int mn_ota_agg_finished(const mn_ota_agg_t *a) {
  if (a->phase != MN_OTA_PH_DONE || a->q.count) return 0;
  return a->autoCommit || !count(a, MN_OTA_T_VERIFIED);
}
