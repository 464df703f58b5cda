/** Billing: per load and per household over a chosen period, amounts in the currency's minor unit. */
import { h, table } from "../dom";
import { get } from "../api";
import { roundText, dayOf } from "../format";
import type { Page } from "../app";
import type { ApiBill, ApiBillRow } from "../apiTypes";

let period = { from: "", to: "" };

export const bill: Page = {
  title: "Billing", level: 1,
  async render(c) {
    const st = await c.state();
    const today = dayOf(st.timeS);
    if (!period.to) period = { from: today.slice(0, 8) + "01", to: today };
    const b = await get<ApiBill>("/api/bill?from=" + period.from + "&to=" + period.to);
    c.asOf(st.timeS);
    const money = (t: string) => roundText(t, b.minorUnits);
    const energy = (t: string) => roundText(t, 3);
    const cells = (r: ApiBillRow) => [energy(r["1-0:1.8.0"]), money(r.importCostEur), energy(r["1-0:2.8.0"]), money(r.exportCreditEur), money(r.netEur)];
    const heads = ["Import (kWh)", "Cost (" + b.currency + ")", "Export (kWh)", "Credit (" + b.currency + ")", "Net (" + b.currency + ")"];
    const names = new Map(st.meters.map((m) => [m.address, m]));
    const loads = b.bills.filter((r) => r.address !== undefined).map((r) => [names.get(r.address!)?.name ?? "#" + r.address, names.get(r.address!)?.household ?? "", ...cells(r)]);
    const homes = b.bills.filter((r) => r.household !== undefined).map((r) => [r.household!, ...cells(r)]);
    const from = h("input", { type: "date", id: "from", name: "from", value: period.from, max: today, required: true }) as HTMLInputElement;
    const to = h("input", { type: "date", id: "to", name: "to", value: period.to, max: today, required: true }) as HTMLInputElement;
    const form = h("form", { class: "box row" }, h("label", { for: "from" }, "From"), from, h("label", { for: "to" }, "to"), to, h("button", { type: "submit" }, "Show"),
      h("a", { href: "/api/bill.csv?from=" + b.from + "&to=" + b.to, download: "" }, "CSV export"));
    form.addEventListener("submit", (e) => { e.preventDefault(); period = { from: from.value, to: to.value }; c.reload(); });
    return [
      form,
      h("p", { class: "dim" }, "Period " + b.from + " to " + b.to + ". Closed 15-minute intervals only; the aggregator holds the last " + b.daysHeld + " days. Amounts are rounded to the cent; the CSV has them exact."),
      h("h2", null, "Per household"), table(["Household", ...heads], homes, "No households configured.", "n cards"),
      h("h2", null, "Per load"), table(["Load", "Household", ...heads], loads, "No meters configured.", "n cards"),
    ];
  },
};
