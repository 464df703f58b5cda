/** Prices: the imported day-ahead series as chart and table, and import by choosing a file. */
import { h, table } from "../dom";
import { get, post } from "../api";
import { chart } from "../chart";
import { num, dateTime, hm, dayOf, site } from "../format";
import { parsePriceFile } from "../priceFile";
import type { Page } from "../app";
import type { ApiPrices } from "../apiTypes";

export const prices: Page = {
  title: "Prices", level: 1,
  async render(c) {
    const [st, p] = await Promise.all([c.state(), get<ApiPrices>("/api/prices")]);
    c.asOf(st.timeS);
    const blocks = p.blocks.slice().sort((a, b) => a.startS - b.startS);
    const width = Math.min(document.getElementById("main")!.clientWidth || 600, 960);
    const out: (Node | null)[] = [];
    if (!blocks.length) out.push(h("p", { class: "empty" }, "No prices imported yet: choose a day-ahead price file below."));
    for (const b of blocks) {
      const end = b.startS + b.stepS * b.eurMWh.length;
      const title = dayOf(b.startS) + (dayOf(end - 1) !== dayOf(b.startS) ? " to " + dayOf(end - 1) : "") + ", every " + b.stepS / 60 + " minutes";
      out.push(h("h2", null, title),
        chart({ label: "Day-ahead price from " + dateTime(b.startS) + " to " + dateTime(end), startS: b.startS, stepS: b.stepS, tickH: width < 500 ? 6 : 3, leftUnit: "EUR/MWh", series: [{ name: "price (EUR/MWh)", kind: "line", cls: "s-price", values: b.eurMWh }] }, width),
        h("details", null, h("summary", null, "Table: " + b.eurMWh.length + " prices"),
          table(["Date", "From", "EUR/MWh"], b.eurMWh.map((v, k) => [dayOf(b.startS + k * b.stepS), hm(b.startS + k * b.stepS), num(v, 2)]), "", "n")));
    }
    if (!c.sess.loggedIn) return [...out, h("p", { class: "dim" }, h("a", { href: "#/login" }, "Log in"), " to import prices.")];
    const err = h("p", { class: "err", role: "alert", hidden: true });
    const info = h("p", { role: "status" });
    const send = h("button", { type: "submit", disabled: true }, "Import");
    let body: unknown = null;
    const file = h("input", { type: "file", id: "pricefile", accept: ".xml,.csv,.json,.txt,text/xml,text/csv,application/json" }) as HTMLInputElement;
    file.addEventListener("change", async () => {
      err.hidden = true; info.textContent = ""; send.toggleAttribute("disabled", true);
      const f = file.files && file.files[0];
      if (!f) return;
      const r = parsePriceFile(await f.text(), site.tz);
      if (!("blocks" in r)) {
        err.textContent = f.name + (r.line ? ": line " + r.line : "") + ": " + r.reason;
        err.hidden = false;
        return;
      }
      body = r.blocks;
      info.textContent = f.name + ": " + r.points + " prices from " + dateTime(r.fromS) + " to " + dateTime(r.toS) + " (" + r.blocks.map((b) => b.resolution).join(", ") + ").";
      send.toggleAttribute("disabled", false);
    });
    const form = h("form", { class: "box", id: "import" }, h("label", { for: "pricefile" }, "Day-ahead price file (ENTSO-E A44 XML, CSV or JSON)"), file, info, err, send);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await post("/api/prices", body);
        const what = info.textContent;
        await c.reload();
        c.say("Prices imported: " + what);
      } catch (x) { err.textContent = (x as Error).message; err.hidden = false; }
    });
    return [...out, h("h2", null, "Import prices"), form];
  },
};
