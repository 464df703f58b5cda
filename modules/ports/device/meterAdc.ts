/**
 * The measurement hook (types/meterAdc.d.ts): native MeterADC on the device
 * (boards/STM32F107/jswrap/jswrap_meteradc.c), host/meterAdc/hostMeterAdc.ts in the host
 * runtime, test/realInterpreter/prelude.js on Espruino's Linux build.
 */
export function deviceMeterAdc(): MeterADC {
  return new MeterADC();
}
