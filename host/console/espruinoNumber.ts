/**
 * How Espruino 2v29 prints a number ("%v": itostr for integers, ftoa_bounded_extra in
 * src/jsutils.c for floats). Espruino keeps about 12 significant fractional digits and
 * writes exponents its own way: 0.1+0.2 prints 0.3, 1/3 prints 0.33333333333 and 1e21
 * prints 10e+20 (all three measured on the 2v29 Linux interpreter).
 */
const STOP_AT_ERROR = 0.0000001;

/** True when Espruino would hold the value as a JsVarInt (32-bit integer). */
function isJsVarInt(v: number): boolean {
  return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

function digit(v: number): string {
  return v < 10 ? String.fromCharCode(48 + v) : String.fromCharCode(87 + v);
}

/** ftoa_bounded_extra(val, str, len, 10, -1) with a buffer large enough never to cut. */
function ftoa(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value < 0 ? "-Infinity" : "Infinity";
  let out = "";
  let val = value;
  if (val < 0) {
    out += "-";
    val = -val;
  }
  let exponent = 0;
  if (val > 0) {
    if (val >= 1e21) {
      while (val > 100000) { val /= 100000; exponent += 5; }
      while (val > 10) { val /= 10; exponent++; }
    } else if (val < 1e-6) {
      while (val < 1e-5) { val *= 100000; exponent -= 5; }
      while (val < 1) { val *= 10; exponent--; }
    }
  }
  // "really close to an integer? Just use that" (the C casts to a 32-bit JsVarInt)
  if (val + STOP_AT_ERROR < 2147483647 && Math.floor(val + STOP_AT_ERROR) === 1 + Math.floor(val)) val = 1 + Math.floor(val);
  let d = 1;
  while (d * 10 <= val) d *= 10;
  while (d >= 1) {
    const v = Math.floor(val / d);
    val -= v * d;
    out += digit(v);
    d /= 10;
  }
  if (val > 0) {
    let fractionalDigits = -1;
    let hasPoint = false;
    val *= 10;
    while (fractionalDigits > -12 && val > STOP_AT_ERROR) {
      let v = Math.floor(val + 0.00000001);
      val = (val - v) * 10;
      if (v === 10) v = 9;
      if (!hasPoint) { hasPoint = true; out += "."; }
      out += digit(v);
      fractionalDigits--;
    }
  }
  if (exponent) out += "e" + (exponent > 0 ? "+" : "") + String(exponent);
  return out;
}

/** The text Espruino prints for a number value. */
export function formatEspruinoNumber(v: number): string {
  if (isJsVarInt(v)) return String(v === 0 ? 0 : v);
  return ftoa(v);
}
