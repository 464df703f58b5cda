/* Staging's prepare and the commit over the boot record: see otaSwitch.h. */
#include "otaSwitch.h"

#include <string.h>

#include "otaBootHook.h"

int mn_ota_switch_prepare(const mn_boot_store_t *record) {
  mn_boot_record_t r;
  if (mn_boot_load(record, &r) != 0 || mn_boot_begin_staging(record, &r) != 0) return -1;
  return r.active ^ 1;
}

int mn_ota_switch_commit(const mn_boot_store_t *record, mn_nor_stage_t *staged, const mn_ota_manifest_t *m) {
  mn_boot_meta_t meta;
  uint8_t e[MN_BOOT_META_BYTES];
  meta.sizeBytes = m->sizeBytes;
  meta.version = m->version;
  memcpy(meta.sha256, m->sha256, 32);
  mn_boot_meta_encode(&meta, e);
  mn_boot_record_t r;
  if (mn_boot_load(record, &r) != 0 || (int)(r.active ^ 1) != staged->slot || mn_nor_stage_write_meta(staged, e, sizeof e) != 0 ||
      mn_boot_staged(record, &r) != 0 || mn_boot_switch(record, &r) != 0)
    return -1;
  return 0;
}
