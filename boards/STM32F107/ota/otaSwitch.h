/*
 * The meter's two steps between the transfer and the boot record (jswrap_ota.c binds
 * them as the receiver's staging "prepare" and the meter link's commit):
 *   prepare  before the inactive slot is erased for a new image: the record marks it
 *            invalid (refused while a trial runs: its fallback is that slot)
 *   commit   the image verified: its meta record (size, version, SHA-256) into the slot,
 *            then the record: slot valid, then active in trial with COPY (one write each)
 * The chip's restart that follows is JavaScript's (E.reboot() after the END event).
 */
#ifndef MN_OTA_SWITCH_H
#define MN_OTA_SWITCH_H

#include "otaBoot.h"
#include "otaManifest.h"
#include "otaNorStaging.h"

/* The slot to stage into (0 A, 1 B), or -1. */
int mn_ota_switch_prepare(const mn_boot_store_t *record);
/* 0 switched, -1 not (the slot staged is not the inactive one, or a write failed). */
int mn_ota_switch_commit(const mn_boot_store_t *record, mn_nor_stage_t *staged, const mn_ota_manifest_t *m);

#endif
