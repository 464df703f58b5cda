// Channel units as SI base unit and factor, so "kV" channels count as voltage channels and can be
// brought to volts (meternet analyze picks the first V and the first A channel). Recorders write
// units every way: "kV", "KV", "kv", "volt", "Volts", "kilovolt", "V rms", "[kV]", Russian
// relays "В", "кВ", "вольт" (Cyrillic letters), "А", "кА", "ампер", and "amp", "Amps", "ampere".
// The unit letter is matched in any case; the prefix keeps its case (m milli, M mega) except
// K, which no unit uses for anything but kilo.
const PREFIX: Record<string, number> = { "": 1, k: 1e3, K: 1e3, M: 1e6, m: 1e-3, u: 1e-6, "µ": 1e-6, "μ": 1e-6 };

/** Unit words (any case, singular or plural) and what they stand for. */
const WORDS: [RegExp, string][] = [
  [/^(kilo|milli)?volts?$/i, "V"],
  [/^(kilo|milli)?(amps?|amperes?)$/i, "A"],
  [/^(кило|милли)?вольт(а|ов|ы)?$/i, "V"],
  [/^(кило|милли)?ампер(а|ов|ы)?$/i, "A"],
];
const WORD_PREFIX: Record<string, string> = { kilo: "k", milli: "m", "кило": "k", "милли": "m" };

/** Cyrillic letters that stand for the Latin ones in unit symbols (В volt, А ampere, к kilo, м milli). */
const CYRILLIC: Record<string, string> = { "В": "V", "в": "V", "А": "A", "а": "A", "к": "k", "К": "k", "м": "m", "М": "M", "мк": "µ" };

/**
 * `ps`: the channel's primary/secondary flag. Russian relays write one unit for both sides,
 * "В/кВ" (secondary volts / primary kilovolts): the values are in the first for S, the second for P.
 */
export function siUnit(unit: string, ps?: "P" | "S"): { base: string; factor: number } {
  const pair = unitPair(unit);
  if (pair) return ps === "P" ? pair.primary : pair.secondary;
  let u = unit.trim().normalize("NFC");
  // Decorations: "[kV]", "V rms", "Vrms", "kV(rms)", "V eff".
  u = u.replace(/^\[(.*)\]$/, "$1").replace(/\s*\(?\s*(rms|eff)\s*\)?$/i, "").trim();
  for (const [re, base] of WORDS) {
    const m = re.exec(u);
    if (m) {
      const p = m[1] ? WORD_PREFIX[m[1].toLowerCase()]! : "";
      return { base, factor: PREFIX[p]! };
    }
  }
  // Cyrillic symbols: "кВ" -> "kV", "мА" -> "mA" (only when the whole unit is such letters).
  if (/^(мк|[кКмМ])?[ВвАа]$/.test(u)) u = u.replace(/^(мк|[кКмМ])?([ВвАа])$/, (_, p: string | undefined, b: string) => (p ? CYRILLIC[p]! : "") + CYRILLIC[b]!);
  for (const base of ["VA", "var", "W", "V", "A", "Hz"]) {
    // The unit letter in any case ("kv", "a"), the multi-letter ones as written or in any case.
    if (u.length >= base.length && u.slice(u.length - base.length).toLowerCase() === base.toLowerCase()) {
      const p = u.slice(0, u.length - base.length);
      if (p in PREFIX) return { base, factor: PREFIX[p]! };
    }
  }
  return { base: u, factor: 1 };
}

/**
 * SI factors of a channel's secondary and primary ratings (the .cfg's "secondary" and
 * "primary" fields). One unit for both sides ("kV") gives one factor; a pair ("В/кВ") gives
 * the first for the secondary side and the second for the primary.
 */
export function ratingFactors(unit: string): { secondary: number; primary: number } {
  const pair = unitPair(unit);
  if (pair) return { secondary: pair.secondary.factor, primary: pair.primary.factor };
  const f = siUnit(unit).factor;
  return { secondary: f, primary: f };
}

/** "В/кВ": the secondary and the primary unit of one voltage or current channel; null otherwise. */
function unitPair(unit: string): { secondary: { base: string; factor: number }; primary: { base: string; factor: number } } | null {
  const m = /^([^/]+)\/([^/]+)$/.exec(unit.trim());
  if (!m) return null;
  const secondary = siUnit(m[1]!), primary = siUnit(m[2]!);
  return secondary.base === primary.base && ["V", "A"].includes(secondary.base) ? { secondary, primary } : null;
}
