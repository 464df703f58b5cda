/*
 * The OTA manifest: what an update is, authenticated for one meter with that meter's
 * own key (AES-128-CMAC, secoc/cmac.c), so a meter that gives its key away cannot
 * forge an update for another. Wire layout, big-endian, 56 signed bytes + 16 tag:
 *
 *   0  "MNOT"        magic (domain separation: no SecOC frame or other CMAC input starts so)
 *   4  format        1
 *   5  image         which firmware image the script is for (MN_OTA_IMAGE_*)
 *   6  chunkBytes    payload bytes per chunk frame (6)
 *   7  tag           transfer tag, repeated in every chunk: a stray chunk of another transfer is ignored
 *   8  version       u32, the script's version (reported, not ordered)
 *  12  counter       u32, security counter: must be above the one the meter stored (anti-rollback)
 *  16  sizeBytes     u32, image length
 *  20  sha256[32]    digest of the image
 *  52  address       the meter this manifest is for
 *  53  reserved[3]   zero
 *  56  cmac[16]      AES-128-CMAC(K_meter, bytes 0..55)
 */
#ifndef MN_OTA_MANIFEST_H
#define MN_OTA_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#define MN_OTA_MANIFEST_SIGNED 56u
#define MN_OTA_MANIFEST_BYTES 72u
#define MN_OTA_FORMAT 1u
#define MN_OTA_CHUNK_BYTES 6u

/* Firmware images a script can target (boards/STM32F107/METERNET_F107*.py). */
#define MN_OTA_IMAGE_METER50 1u
#define MN_OTA_IMAGE_METER60 2u

/* Why a manifest or image was refused; counted per cause and reported (README.md). */
enum {
  MN_OTA_OK = 0,
  MN_OTA_R_FORMAT = 1,   /* wrong length, magic, format, chunk size or reserved bytes */
  MN_OTA_R_MAC = 2,      /* the tag does not verify under this meter's key */
  MN_OTA_R_ADDRESS = 3,  /* authentic, but for another meter */
  MN_OTA_R_ROLLBACK = 4, /* counter not above the stored one */
  MN_OTA_R_IMAGE = 5,    /* for another firmware image (50/60 Hz, feature set) */
  MN_OTA_R_SIZE = 6,     /* empty or larger than the staging space */
  MN_OTA_R_HASH = 7,     /* the staged image's SHA-256 differs from the manifest's */
  MN_OTA_R_STAGING = 8,  /* the staging space failed to erase, write or read */
  MN_OTA_R_COUNT = 9
};

typedef struct {
  uint8_t image, chunkBytes, tag, address;
  uint32_t version, counter, sizeBytes;
  uint8_t sha256[32];
} mn_ota_manifest_t;

/* Checks wire[0..len-1] for the meter (key, address, image, stored counter, staging
 * capacity) in the order the causes above are listed, and fills m when it is accepted.
 * MN_OTA_OK or an MN_OTA_R_ cause. */
int mn_ota_manifest_check(const uint8_t *wire, size_t len, const uint8_t key[16], uint8_t address, uint8_t image,
                          uint32_t storedCounter, uint32_t capacityBytes, mn_ota_manifest_t *m);

/* The 56 signed bytes of m (the aggregator broadcasts them once, address 0: otaMeterLink.h). */
void mn_ota_manifest_body(const mn_ota_manifest_t *m, uint8_t w[MN_OTA_MANIFEST_SIGNED]);

/* Writes the 72-byte manifest for m under key (the aggregator's side and the tests). 0 or -1. */
int mn_ota_manifest_make(const mn_ota_manifest_t *m, const uint8_t key[16], uint8_t wire[MN_OTA_MANIFEST_BYTES]);

#endif
