/**
 * Time series of integer values in blocks of fixed resolution: day-ahead prices in
 * milli-cents per kWh (1 EUR/MWh = 100 mc/kWh, so ENTSO-E's two decimals are exact),
 * or a renewable availability forecast in %. Blocks are keyed by their UTC start,
 * so a 23- or 25-hour local day is simply a block of 23 or 25 hourly values.
 */
export interface PriceBlock { startS: number; stepS: number; values: Int32Array; }

export class PriceBook {
  blocks: PriceBlock[] = [];
  constructor(public maxBlocks: number) {}

  /** Value in force at instant tS, NaN when no block covers it. */
  at(tS: number): number {
    for (let i = 0; i < this.blocks.length; i++) {
      const b = this.blocks[i];
      const k = Math.floor((tS - b.startS) / b.stepS);
      if (k >= 0 && k < b.values.length) return b.values[k];
    }
    return NaN;
  }

  /** Puts blocks in, replacing any they overlap; keeps the newest maxBlocks. */
  put(add: PriceBlock[]): void {
    for (let a = 0; a < add.length; a++) {
      const n = add[a];
      const nEnd = n.startS + n.stepS * n.values.length;
      this.blocks = this.blocks.filter((b) => b.startS + b.stepS * b.values.length <= n.startS || b.startS >= nEnd);
      this.blocks.push(n);
    }
    this.blocks.sort((x, y) => y.startS - x.startS);
    if (this.blocks.length > this.maxBlocks) this.blocks.splice(this.maxBlocks, this.blocks.length);
  }

  /** Serialised as "start,step,v1 v2 ...;" per block for the storage port. */
  save(): string {
    let s = "";
    for (let i = 0; i < this.blocks.length; i++) {
      const b = this.blocks[i];
      s += b.startS + "," + b.stepS + ",";
      for (let k = 0; k < b.values.length; k++) s += (k ? " " : "") + b.values[k];
      s += ";";
    }
    return s;
  }

  load(s: string | undefined): void {
    if (!s) return;
    const parts = s.split(";");
    const out: PriceBlock[] = [];
    for (let i = 0; i < parts.length; i++) {
      const f = parts[i].split(",");
      if (f.length !== 3) continue;
      const v = f[2].split(" ");
      const values = new Int32Array(v.length);
      for (let k = 0; k < v.length; k++) values[k] = +v[k];
      out.push({ startS: +f[0], stepS: +f[1], values: values });
    }
    this.put(out);
  }
}
