// COMTRADE text is ASCII in 1991/1999 and UTF-8 in 2013, but real files carry ISO-8859-1,
// GB2312 and Windows-1251 (Russian relays: units "В", "кВ", "А") bytes too. Decode leniently:
// UTF-8 if the bytes are valid UTF-8; otherwise Windows-1251 if they read as Russian text (below);
// otherwise GB18030 if every run of high bytes has even length and stays in GB2312's 0xA1–0xFE
// range (Chinese text); otherwise ISO-8859-1, which accepts any byte. The caller can force one.

export type TextEncodingName = "utf-8" | "gb18030" | "windows-1251" | "iso-8859-1";

/**
 * Windows-1251 Russian: every high byte is a Cyrillic letter there (0xC0–0xFF, Ё 0xA8, ё 0xB8)
 * and every word of them is written as words are (all lower case, all upper case, or
 * capitalised; no Latin letter inside it, as ISO-8859-1 accents give: "Estaзгo") or is a
 * unit symbol (кВ, мА). GB2312 text read as 1251 fails this: its second
 * bytes fall in 0xA1–0xBF (symbols in 1251) a third of the time, and its letters mix case at
 * random.
 */
function looksLikeCp1251(bytes: Uint8Array): boolean {
  let sawHigh = false;
  for (const b of bytes) {
    if (b < 0x80) continue;
    if (!(b >= 0xc0 || b === 0xa8 || b === 0xb8)) return false;
    sawHigh = true;
  }
  if (!sawHigh) return false;
  const text = new TextDecoder("windows-1251").decode(bytes);
  for (const w of text.match(/[A-Za-zА-яЁё]+/g) ?? []) {
    if (!/[А-яЁё]/.test(w)) continue;
    // Russian relays subscript a Latin symbol in Cyrillic ("Uни", "Iшон": U, I, P, Q with a
    // lower-case Cyrillic tail); Latin letters with accents read as 1251 land inside Latin
    // words instead ("Estaзгo"): not Russian.
    if (/^[UIPQSF][a-c]?[а-яё]+$/.test(w)) continue;
    if (/[A-Za-z]/.test(w)) return false;
    // abbreviations run words together with one lower-case preposition: "КЗвЛЭП" (КЗ в ЛЭП)
    const lower = (w.match(/[а-яё]/g) ?? []).length;
    if (w.length >= 4 && lower === 1 && /^[А-ЯЁ]/.test(w)) continue;
    if (!/^[А-ЯЁ]?[а-яё]*$|^[А-ЯЁ]+$|^(мк|[кКмМ])?[ВА]$/.test(w)) return false;
  }
  return true;
}

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
    if (looksLikeCp1251(bytes)) return "windows-1251";
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
