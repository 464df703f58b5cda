// COMTRADE text is ASCII in 1991/1999 and UTF-8 in 2013, but real files carry ISO-8859-1 and
// GB2312 bytes too. Decode leniently: UTF-8 if the bytes are valid UTF-8; otherwise GB18030 if
// every run of high bytes has even length and stays in GB2312's 0xA1–0xFE range (Chinese text);
// otherwise ISO-8859-1, which accepts any byte. The caller can force an encoding.

export type TextEncodingName = "utf-8" | "gb18030" | "iso-8859-1";

function looksLikeGb2312(bytes: Uint8Array): boolean {
  let run = 0, sawHigh = false;
  for (let k = 0; k <= bytes.length; k++) {
    const b = k < bytes.length ? bytes[k]! : 0;
    if (b >= 0x80) {
      if (b < 0xa1 || b > 0xfe) return false;
      run++;
      sawHigh = true;
    } else {
      if (run % 2 !== 0) return false;
      run = 0;
    }
  }
  return sawHigh;
}

export function detectEncoding(bytes: Uint8Array): TextEncodingName {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return "utf-8";
  } catch {
    return looksLikeGb2312(bytes) ? "gb18030" : "iso-8859-1";
  }
}

export function decodeText(bytes: Uint8Array, forced?: TextEncodingName): { text: string; encoding: TextEncodingName } {
  const encoding = forced ?? detectEncoding(bytes);
  // "latin1" in WHATWG is windows-1252, a superset that maps 0x80–0x9F to printable characters;
  // both agree on every byte ISO-8859-1 assigns, which is what these files use.
  let text = new TextDecoder(encoding === "iso-8859-1" ? "latin1" : encoding).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, encoding };
}
