// Channel units as SI base unit and factor, so "kV" channels count as voltage channels and can be
// brought to volts (meternet analyze picks the first V and the first A channel).
const PREFIX: Record<string, number> = { "": 1, k: 1e3, M: 1e6, m: 1e-3, u: 1e-6, "µ": 1e-6 };

export function siUnit(unit: string): { base: string; factor: number } {
  const u = unit.trim();
  for (const base of ["VA", "var", "W", "V", "A", "Hz"]) {
    if (u.endsWith(base)) {
      const p = u.slice(0, u.length - base.length);
      if (p in PREFIX) return { base, factor: PREFIX[p]! };
    }
  }
  return { base: u, factor: 1 };
}
