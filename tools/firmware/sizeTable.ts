/** The per-image report the firmware command prints (Markdown tables, pasteable into READMEs). */
import type { FlashRow, RamUse } from "./elfSizes.ts";

const n = (x: number) => x.toLocaleString("en-US").replace(/,/g, " ");

export interface ImageReport {
  image: string;
  bin: string;
  binBytes: number;
  codeAreaBytes: number;
  reservedNativeBytes: number;
  budgetBytes: number;
  rows: FlashRow[];
  ram: RamUse;
  variables: number;
  ramBytes: number;
}

export function overBudgetBytes(r: ImageReport): number {
  return r.binBytes - r.budgetBytes;
}

export function formatReport(r: ImageReport): string {
  const lines: string[] = [];
  lines.push(`### ${r.image} (${r.bin})`, "", "| flash | bytes |", "|---|---:|");
  for (const row of r.rows) lines.push(`| ${row.label} | ${n(row.bytes)} |`);
  const ours = r.rows.filter((x) => x.key.startsWith("ours:")).reduce((s, x) => s + x.bytes, 0);
  lines.push(`| (ours together) | ${n(ours)} |`);
  lines.push(`| **image (bin)** | **${n(r.binBytes)}** |`);
  lines.push(`| code area (flash below Storage) | ${n(r.codeAreaBytes)} |`);
  if (r.reservedNativeBytes) lines.push(`| reserved for native code to come (touchscreen) | ${n(r.reservedNativeBytes)} |`);
  lines.push(`| **code area left** (after the reservation) | **${n(r.codeAreaBytes - r.reservedNativeBytes - r.binBytes)}** |`);
  const over = overBudgetBytes(r);
  lines.push(`| budget (package.json meternet.budgets.firmware.${r.image}) | ${n(r.budgetBytes)} (${over > 0 ? `**over by ${n(over)}**` : `${n(-over)} to spare`}) |`);
  lines.push("", "| RAM | bytes |", "|---|---:|");
  lines.push(`| statics (.data ${n(r.ram.dataBytes)} + .bss ${n(r.ram.bssBytes)}, without JsVars) | ${n(r.ram.staticsBytes)} |`);
  lines.push(`| JsVars (${n(r.variables)} variables) | ${n(r.ram.jsVarsBytes)} |`);
  lines.push(`| stack (what the ${n(r.ramBytes / 1024)} KB leave) | ${n(r.ram.stackBytes)} |`);
  return lines.join("\n");
}
