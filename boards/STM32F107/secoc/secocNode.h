/*
 * The SecOC state of one node (a meter, or the aggregator with up to 64 meters)
 * and the per-frame work on it: sign an outgoing payload under the next freshness
 * value, verify an incoming one against the last accepted value and advance it.
 * This is what CAN1 (jswrap_can.c) and the host's controller wrapper
 * (host/canbus/secocLayer.ts, through the Node addon) run, so JavaScript
 * hands over data bytes and receives data bytes, the FV and a verdict.
 *
 * Keys are per slot; a slot is one meter (the meter itself has one slot). Frames
 * map to slots by the address in their identifier (id = function * 64 + address,
 * modules/can/idPlan.ts) and to a role by their function code, through the plan
 * JavaScript passes at init (modules/can/secured.ts builds it from messages.ts):
 * plan[fn] says how a received frame of that function is checked, plan[32 + fn]
 * how a sent one is built, each as kind << 4 | counter index.
 *
 * Memory: all state lives in one byte buffer of mn_secoc_node_bytes() the caller
 * provides (on the device a flat string in the JsVar heap, so an image pays only
 * for the meters it is configured with; on the host malloc). Nothing in it is
 * aligned: every field is read and written by bytes, so the buffer may sit at any
 * address. Per slot: key 16 + K2 16 + challenge 6 + last sync 6 + 6 per receive
 * counter + 5 per transmit counter; 296 bytes of header, plan, address map and
 * codec table. Aggregator, 64 meters x 9 receive counters x 1 transmit counter:
 * 296 + 64 x 103 = 6888 bytes. Meter, 1 slot, 2 receive and 9 transmit counters:
 * 296 + 101 = 397.
 *
 * Not thread-safe: call everything from one context (the main loop).
 *
 * Flash trims per image (defines; default: everything): MN_SECOC_NO_DERIVE (key
 * derivation refused: a meter gets its key), MN_SECOC_NO_PUBLISH (publish refused: the
 * aggregator never publishes).
 */
#ifndef MN_SECOC_NODE_H
#define MN_SECOC_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "secocFrame.h"

#define MN_SECOC_KIND_NONE 0u
#define MN_SECOC_KIND_SECURED 1u
#define MN_SECOC_KIND_SYNC_REQUEST 2u
#define MN_SECOC_KIND_SYNC_RESPONSE 3u
#define MN_SECOC_PLAN_BYTES 64
#define MN_SECOC_MAX_SLOTS 64
#define MN_SECOC_MAX_COUNTERS 15
#define MN_SECOC_SEQ_SPAN 65536
#define MN_SECOC_EPOCH_MAX 0xFFFFFF

/* Returned by sign for "no freshness value": no epoch set, or this counter used
 * the last value of the epoch (the caller persists the next epoch, sets it, retries;
 * the other counters keep signing meanwhile). */
#define MN_SECOC_ENOFV (-1)
#define MN_SECOC_EINVAL (-22)

/* Bytes of state for these dimensions, 0 when out of range (slots 1..64,
 * counters 1..15 each). */
size_t mn_secoc_node_bytes(unsigned slots, unsigned rxPerSlot, unsigned txPerSlot);
/* Clears st and installs the plan: no keys, no epoch, every receiver
 * unsynchronised. 0 or MN_SECOC_EINVAL (bytes too small, a plan counter index
 * beyond its count, an unknown kind). */
int mn_secoc_node_init(uint8_t *st, size_t bytes, unsigned slots, unsigned rxPerSlot, unsigned txPerSlot, const uint8_t plan[MN_SECOC_PLAN_BYTES]);
/* Key of slot for meter address: key16 itself, or with derive the meter key
 * derived from key16 as the master key (mn_secoc_meter_key). The address's
 * frames map to this slot from now on. 0, MN_SECOC_EINVAL or -1 (cipher). */
int mn_secoc_node_key(uint8_t *st, unsigned slot, unsigned address, const uint8_t key16[16], int derive);
/* The transmit epoch (persisted by the caller BEFORE this call). Each transmit
 * counter is a 40-bit FV that may run up to the end of this epoch.
 *   - An epoch above the valid current one is a renewal (after MN_SECOC_ENOFV): the
 *     limit rises and every counter runs on where it was, so an epoch change never
 *     makes a counter jump (its receiver rebuilds it from 8 bits).
 *   - Otherwise (boot, or a resynchronisation: -1 first, then the new epoch) every
 *     counter restarts at epoch * 65536.
 * -1: none (nothing can be signed). */
void mn_secoc_node_set_epoch(uint8_t *st, int64_t epoch);
int64_t mn_secoc_node_epoch(const uint8_t *st);
/* Every receive counter of slot to fv (-1: unsynchronised); the outstanding
 * challenge is dropped. The aggregator calls it when a meter synchronised. */
void mn_secoc_node_set_rx(uint8_t *st, unsigned slot, int64_t fv);
/* Last accepted sync request FV of slot (the meter's persisted value), -1: none. */
void mn_secoc_node_set_sync_last(uint8_t *st, unsigned slot, int64_t fv);
int64_t mn_secoc_node_rx(const uint8_t *st, unsigned slot, unsigned counter);
/* The slot of meter address (its key's), or -1. */
int mn_secoc_node_slot(const uint8_t *st, unsigned address);

/* Builds the 8-byte payload of standard identifier id (its address must have a
 * slot, its function a transmit kind) into out:
 *   secured       data4 under the next FV of the function's counter;
 *   syncRequest   the next FV; it becomes the slot's challenge, and the slot's
 *                 receivers are unsynchronised until the response;
 *   syncResponse  data4 bound to fv (the request's FV, >= 0).
 * fv is only read for syncResponse. Returns the FV used (>= 0), MN_SECOC_ENOFV,
 * MN_SECOC_EINVAL, or -2 when the cipher failed. */
int64_t mn_secoc_node_sign(uint8_t *st, uint32_t id, const uint8_t data4[4], int64_t fv, uint8_t out[8]);

/* Codec table (modules/can/secured.ts securedCodec): bytes 0..31 per function
 * code its first signal row, 32..63 its signal count | 0x80 when publish() encodes
 * and arms it, then 3 bytes per signal row (start bit, length, kind), at most
 * MN_SECOC_CODEC_SIGNALS rows. 0 or MN_SECOC_EINVAL. */
#define MN_SECOC_CODEC_SIGNALS 32
#define MN_SECOC_CODEC_BYTES (64 + 3 * MN_SECOC_CODEC_SIGNALS)
#define MN_SECOC_PUBLISH 0x80u
int mn_secoc_node_codec(uint8_t *st, const uint8_t *table, size_t len);

/* A meter's answers after a window: for every function with MN_SECOC_PUBLISH
 * whose first signal has a value (values[row], NaN: absent), the 4 data bytes
 * are encoded from values (by signal row), written to latest[fn * 4..], signed
 * under the next FV and handed to store (the auto-reply slot; >= 0: stored).
 * Slot 0's address makes the identifiers; *published gets bit fn set for every
 * message encoded (may be NULL). Returns the number stored, or
 * MN_SECOC_ENOFV (an epoch to renew; call again after setting it),
 * MN_SECOC_EINVAL (no codec, no key) or -2 (cipher). */
typedef int (*mn_secoc_store_t)(void *ctx, uint32_t id, const uint8_t payload[8]);
int mn_secoc_node_publish(uint8_t *st, const double *values, unsigned nValues, uint8_t latest[128], uint32_t *published, mn_secoc_store_t store, void *ctx);

/* The data signals of function fn in data4, physical, into out[0..count-1] (at most
 * 4); returns count (0 without a codec table). */
unsigned mn_secoc_node_decode(const uint8_t *st, unsigned fn, const uint8_t data4[4], double out[4]);

/* Checks a received frame (flags as mn_can_frame_t: bit 0 extended, bit 1
 * remote). Returns -1 when the frame is not a secured one for this node (not a
 * standard 8-byte data frame, function without a receive kind, address without a
 * slot): the caller hands it on as a plain frame. Else a mn_secoc_verdict_t; on
 * MN_SECOC_OK *fvOut is the accepted FV (the challenge for a sync response, the
 * full FV for a sync request) and the receiver advanced: a secured frame's
 * counter to it; an accepted sync request also becomes the last sync and lifts
 * every receive counter of the slot to at least its FV. *data32 gets bytes 0..3
 * little-endian (byte 0 in bits 0..7) whatever the verdict. */
int mn_secoc_node_verify(uint8_t *st, uint32_t id, uint8_t flags, uint8_t dlc, const uint8_t payload[8], int64_t *fvOut, uint32_t *data32);

#endif
