/* The meter's OTA link behind CAN1: see otaMeterLink.h. */
#include "otaMeterLink.h"

#include <string.h>

static void event(mn_ota_meter_t *m, uint8_t type, uint32_t a, uint32_t b) {
  if (m->evCount >= MN_OTA_EVENTS) {
    m->eventsLost++; /* JavaScript is behind: the C state (status, counters) still says it all */
    return;
  }
  unsigned at = (m->evHead + m->evCount) % MN_OTA_EVENTS;
  m->evType[at] = type;
  m->evA[at] = a;
  m->evB[at] = b;
  m->evCount++;
}

static int tpSend(void *ctx, const uint8_t frame[8]) {
  mn_ota_meter_t *m = (mn_ota_meter_t *)ctx;
  uint16_t id = (uint16_t)(MN_OTA_ANS_ID_BASE + m->rx.address);
  if (m->x) {
    int r = mn_ota_txq_put(&m->x->q, id, frame);
    if (r != 0) m->overflows++;
    return r;
  }
  if (m->restHeld) {
    m->overflows++;
    return -1;
  }
  memcpy(m->restData, frame, 8);
  m->restHeld = 1;
  return 0;
}

unsigned mn_ota_meter_pump(mn_ota_meter_t *m, mn_ota_hw_send_fn hw, void *ctx) {
  /* the frame queued at rest goes first: it was answered before the transfer's */
  unsigned n = 0;
  if (m->restHeld) {
    if (hw(ctx, (uint16_t)(MN_OTA_ANS_ID_BASE + m->rx.address), m->restData) != 0) return 0;
    m->restHeld = 0;
    n = 1;
  }
  return n + (m->x ? mn_ota_txq_pump(&m->x->q, hw, ctx) : 0u);
}

void mn_ota_meter_init(mn_ota_meter_t *m, const uint8_t key[16], uint8_t address, uint8_t image, uint32_t storedCounter,
                       const mn_ota_staging_t *staging, mn_ota_commit_fn commit, void *commitCtx) {
  memset(m, 0, sizeof *m);
  mn_ota_rx_init(&m->rx, key, address, image, storedCounter, staging);
  /* block size 0, STmin 0: the manifest's consecutive frames back to back */
  mn_isotp_init(&m->tp, m->req, sizeof m->req, 0, 0, tpSend, m);
  m->commit = commit;
  m->commitCtx = commitCtx;
}

void mn_ota_meter_set_alloc(mn_ota_meter_t *m, mn_ota_alloc_fn alloc, mn_ota_release_fn release, void *ctx) {
  m->alloc = alloc;
  m->release = release;
  m->allocCtx = ctx;
}

static void answerFrom(mn_ota_meter_t *m, const uint8_t *a, unsigned len, uint32_t nowMs) {
  if (mn_isotp_send(&m->tp, a, (uint16_t)len, nowMs) < 0) m->badRequests++;
}
/* A short answer (at most 7 bytes: one frame, queued at once) out of m->small. */
static void answer2(mn_ota_meter_t *m, uint8_t op, uint8_t v, uint32_t nowMs) {
  m->small[0] = op;
  m->small[1] = v;
  answerFrom(m, m->small, 2, nowMs);
}

/* The transfer state for a manifest: 0 when there is no memory for it. */
static int attach(mn_ota_meter_t *m) {
  if (m->x) return 0;
  m->x = m->alloc ? (mn_ota_meter_xfer_t *)m->alloc(m->allocCtx, (unsigned)sizeof(mn_ota_meter_xfer_t)) : 0;
  if (!m->x) return -1;
  m->allocs++;
  m->rx.bitmap = m->x->bitmap;
  return 0;
}

/* Frees the transfer state once nothing uses it: not receiving, no answer going out of it. */
static void settle(mn_ota_meter_t *m) {
  if (!m->x || m->rx.state == MN_OTA_RECEIVING || m->tp.txState != 0 || m->x->q.count != 0) return;
  m->x = 0;
  m->rx.bitmap = 0;
  if (m->release) m->release(m->allocCtx);
}

static void request(mn_ota_meter_t *m, unsigned len, uint32_t nowMs) {
  m->requests++;
  if (m->tp.txState != 0) { /* the previous answer is still going out: the aggregator asks again */
    m->badRequests++;
    return;
  }
  const mn_ota_rx_t *r = &m->rx;
  switch (m->req[0]) {
    case MN_OTA_OP_MANIFEST_TAG:
      if (len != 1 + 16 || m->bodyHave != (1u << MN_OTA_BODY_FRAMES) - 1u) {
        answer2(m, MN_OTA_OP_VERDICT, MN_OTA_V_NO_BODY, nowMs);
        return;
      }
      /* the broadcast body with this meter's address, then its CMAC: a whole 0x01 manifest */
      memmove(m->req + 1 + MN_OTA_MANIFEST_SIGNED, m->req + 1, 16);
      memcpy(m->req + 1, m->body, MN_OTA_MANIFEST_SIGNED);
      m->req[1 + 52] = m->rx.address;
      len = 1 + MN_OTA_MANIFEST_BYTES;
      /* fall through */
    case MN_OTA_OP_MANIFEST: {
      uint8_t before = r->state;
      uint32_t counterBefore = r->storedCounter;
      int c;
      if (attach(m) != 0) { /* no memory for a transfer: refused, counted, the counter unchanged */
        m->noMemory++;
        m->rx.refused[MN_OTA_R_STAGING]++;
        m->rx.lastCause = MN_OTA_R_STAGING;
        c = MN_OTA_R_STAGING;
      } else {
        c = mn_ota_rx_manifest(&m->rx, m->req + 1, len - 1);
      }
      answer2(m, MN_OTA_OP_VERDICT, (uint8_t)c, nowMs);
      m->lastMs = nowMs;
      if (c != MN_OTA_OK) event(m, MN_OTA_EV_VERDICT, before == MN_OTA_IDLE ? MN_OTA_IDLE : r->state, (uint32_t)c);
      else if (r->storedCounter != counterBefore || before == MN_OTA_IDLE) {
        m->progressStep = (uint16_t)(r->total / 8 ? r->total / 8 : 1);
        m->lastProgress = 0;
        event(m, MN_OTA_EV_START, r->storedCounter, r->total);
      }
      return;
    }
    case MN_OTA_OP_STATUS:
      if (r->state == MN_OTA_RECEIVING && m->x) {
        m->x->ans[0] = MN_OTA_OP_REPORT;
        unsigned n = (unsigned)mn_ota_rx_status(r, m->x->ans + 1, sizeof m->x->ans - 1);
        answerFrom(m, m->x->ans, 1 + n, nowMs);
        m->lastMs = nowMs;
      } else { /* not receiving: state, cause and counter say it all, in a single frame */
        m->small[0] = MN_OTA_OP_REPORT;
        (void)mn_ota_rx_status(r, m->small + 1, sizeof m->small - 1);
        m->small[1] |= (uint8_t)(m->bootReport << 4);
        answerFrom(m, m->small, 7, nowMs);
      }
      return;
    case MN_OTA_OP_COMMIT: {
      uint8_t res = MN_OTA_RES_NOT_VERIFIED;
      if (r->state == MN_OTA_VERIFIED) res = m->commit && m->commit(m->commitCtx, &r->m) == 0 ? MN_OTA_RES_SWITCHED : MN_OTA_RES_SWITCH_FAILED;
      answer2(m, MN_OTA_OP_RESULT, res, nowMs);
      if (res == MN_OTA_RES_SWITCHED) {
        m->bootReport = MN_OTA_BOOT_TRIAL; /* the record is in trial now: a status before the restart says so */
        event(m, MN_OTA_EV_END, res, r->m.version);
        m->rx.state = MN_OTA_IDLE; /* a repeated commit is not switched twice */
      }
      return;
    }
    case MN_OTA_OP_ABORT:
      if (r->state != MN_OTA_IDLE) event(m, MN_OTA_EV_END, MN_OTA_RES_ABORTED, r->m.version);
      m->rx.state = MN_OTA_IDLE;
      answer2(m, MN_OTA_OP_RESULT, MN_OTA_RES_ABORTED, nowMs);
      return;
    default:
      m->badRequests++;
  }
}

int mn_ota_meter_frame(mn_ota_meter_t *m, uint16_t id, const uint8_t *data, uint8_t dlc, uint32_t nowMs) {
  if ((id & MN_OTA_CHUNK_ID_MASK) == MN_OTA_CHUNK_ID_BASE) {
    unsigned k = id & 0x3Fu;
    if (dlc == 8 && data[0] == MN_OTA_BODY_HIGH && k < MN_OTA_BODY_FRAMES) { /* a frame of the manifest body */
      if (data[1] != m->bodyTag || !m->bodyHave) {
        m->bodyTag = data[1];
        m->bodyHave = 0;
      }
      memcpy(m->body + k * MN_OTA_CHUNK_BYTES, data + 2, MN_OTA_CHUNK_BYTES);
      m->bodyHave = (uint16_t)(m->bodyHave | (1u << k));
      return 1;
    }
    int c = mn_ota_rx_chunk(&m->rx, id, data, dlc);
    const mn_ota_rx_t *r = &m->rx;
    if (c == 0 || c == 1) m->lastMs = nowMs;
    if (c == 1) event(m, MN_OTA_EV_VERDICT, r->state, r->lastCause);
    else if (c == 0 && r->have >= m->lastProgress + m->progressStep) {
      m->lastProgress = r->have;
      event(m, MN_OTA_EV_PROGRESS, r->have, r->total);
    }
    if (c == 1) settle(m);
    return 1;
  }
  if (id != MN_OTA_REQ_ID_BASE + m->rx.address) return 0;
  int n = mn_isotp_rx(&m->tp, data, dlc, nowMs);
  if (n > 0) request(m, (unsigned)n, nowMs);
  settle(m);
  return 1;
}

void mn_ota_meter_tick(mn_ota_meter_t *m, uint32_t nowMs) {
  mn_isotp_poll(&m->tp, nowMs);
  if (m->rx.state == MN_OTA_RECEIVING && nowMs - m->lastMs > MN_OTA_STALL_MS && m->tp.txState == 0) {
    /* dropped, and startable again by the same manifest (its counter is the floor's) */
    m->stalls++;
    event(m, MN_OTA_EV_END, MN_OTA_RES_ABORTED, m->rx.m.version);
    m->rx.restartCounter = m->rx.storedCounter;
    m->rx.state = MN_OTA_IDLE;
  }
  settle(m);
}

int mn_ota_meter_event(mn_ota_meter_t *m, uint32_t out[2]) {
  if (m->evCount == 0) return 0;
  unsigned at = m->evHead;
  m->evHead = (uint8_t)((m->evHead + 1) % MN_OTA_EVENTS);
  m->evCount--;
  out[0] = m->evA[at];
  out[1] = m->evB[at];
  return m->evType[at];
}
