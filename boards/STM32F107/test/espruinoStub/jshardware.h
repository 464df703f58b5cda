/* Minimal declarations of Espruino 2v29's src/jshardware.h that jswrap_ota.c uses (see espruinoStub.h). */
#ifndef MN_ESPRUINO_STUB_JSHARDWARE_H
#define MN_ESPRUINO_STUB_JSHARDWARE_H

#include "jstimer.h"
#include "jspin.h"

void jshFlashRead(void *buf, uint32_t addr, uint32_t len);

/* the meter's NOR on SPI1, its FRAM on I2C1, the trial's watchdog, the revert's reboot */
#define EV_SPI1 ((IOEventFlags)17)
typedef enum { SPIB_DEFAULT = 0 } JshBaudFlags;
enum { SPIF_SPI_MODE_0 = 0 };
typedef struct {
  int baudRate;
  JshBaudFlags baudRateSpec;
  Pin pinSCK, pinMISO, pinMOSI;
  unsigned char spiMode;
  bool spiMSB;
  int numBits;
} JshSPIInfo;
void jshSPIInitInfo(JshSPIInfo *inf);
void jshSPISetup(IOEventFlags device, JshSPIInfo *inf);
void jshSPISetReceive(IOEventFlags device, bool isReceive);
bool jshSPISendMany(IOEventFlags device, unsigned char *tx, unsigned char *rx, size_t count, void (*callback)());
typedef struct {
  int bitrate;
  Pin pinSCL, pinSDA;
  bool started, clockStretch;
} JshI2CInfo;
void jshI2CInitInfo(JshI2CInfo *inf);
void jshI2CSetup(IOEventFlags device, JshI2CInfo *inf);
void jshEnableWatchDog(JsVarFloat timeout);
void jshReboot(void);

#endif
