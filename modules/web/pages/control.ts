/**
 * Control: switch loads (a disconnect asks first), plan deferrable runs (window and
 * why), the planned runs, and the decision log with the figures behind each decision;
 * any decision can be overridden.
 */
import { h, table } from "../dom";
import { get, post } from "../api";
import { dateTime, num, roundText, site } from "../format";
import { localText } from "../../aggregator/localTime";
import { fmtFixed } from "../../aggregator/fixedPoint";
import { loadState } from "./dashboard";
import type { Page, PageCtx } from "../app";
import type { ApiDecisions, ApiMeter } from "../apiTypes";

type Decision = ApiDecisions["decisions"][number];
const eurMWh = (mc: number | null) => (mc === null ? "?" : num(mc / 100, 2));

/** A decision's reason as a sentence with its figures. */
export function reasonText(d: Decision): string {
  switch (d.reason) {
    case "price": return "price " + eurMWh(d.v) + " EUR/MWh above this load's ceiling of " + eurMWh(d.v2);
    case "renewables": return "renewables " + d.v + " % below this load's floor of " + d.v2 + " %";
    case "limit": return "site power " + num(d.v) + " W over the contracted " + num(d.v2) + " W: shed by priority";
    case "ok": return "price, renewables and site power within limits";
    case "manual": return "switched by hand, until " + dateTime(d.v!);
    case "plan": return d.action !== "plan" ? "held off until its planned start " + dateTime(d.v!) : "deferred run planned to start " + dateTime(d.v!) + (d.v2 === null ? " (no prices: earliest start)" : ", expected cost " + roundText(fmtFixed(d.v2, 5), 2) + " EUR");
    case "start": return "deferred run starts (planned for " + dateTime(d.v!) + ")";
    case "override": return "override of decision #" + d.v;
    case "cancel": return "planned run cancelled (override of #" + d.v + ")";
    case "auto": return "manual control ended: back to the rules";
  }
  return "unknown reason";
}

/** Asks in a modal dialog; resolves true on the confirming button. */
export function confirmDialog(question: string, yes: string): Promise<boolean> {
  return new Promise((resolve) => {
    const d = h("dialog", { "aria-labelledby": "dq" }, h("p", { id: "dq" }, question),
      h("form", { method: "dialog", class: "row" }, h("button", { value: "yes", class: "danger" }, yes), h("button", { value: "no", autofocus: true }, "Cancel"))) as HTMLDialogElement;
    d.addEventListener("close", () => { d.remove(); resolve(d.returnValue === "yes"); });
    document.body.append(d);
    d.showModal();
  });
}

async function act(c: PageCtx, path: string, body: unknown, done: string) {
  try {
    await post(path, body);
  } catch (e) {
    c.say((e as Error).message, true);
    return c.reload();
  }
  await c.reload();
  c.say(done);
}

function switches(c: PageCtx, m: ApiMeter) {
  if (!m.relay) return h("span", { class: "dim" }, "no relay");
  const b = (label: string, what: string, cls?: string) => h("button", { type: "button", class: cls, "aria-label": label + " " + m.name, onclick: async () => {
    if (what === "disconnect" && !(await confirmDialog("Disconnect " + m.name + " (" + m.household + ")? It stays off for 4 hours unless you connect it or set it to Auto.", "Disconnect"))) return;
    act(c, "/api/load", { a: m.address, do: what }, m.name + ": " + (what === "auto" ? "back to the rules" : what + "ed for 4 hours"));
  } }, label);
  return h("span", { class: "row" }, b("Disconnect", "disconnect", "danger"), b("Connect", "connect"), b("Auto", "auto"));
}

export const control: Page = {
  title: "Control", level: 2,
  async render(c) {
    const [st, d] = await Promise.all([c.state(), get<ApiDecisions>("/api/decisions")]);
    c.asOf(st.timeS);
    const name = (a: number) => st.meters.find((m) => m.address === a)?.name ?? "#" + a;
    const relays = st.meters.filter((m) => m.relay);
    const by = localText(site.tz, Math.ceil(st.timeS / 3600) * 3600 + 12 * 3600).replace(" ", "T");
    const f = (id: string, label: string, input: HTMLElement) => h("div", { class: "field" }, h("label", { for: id }, label), input);
    const form = h("form", { class: "box grid", id: "defer" },
      f("d-a", "Load", h("select", { id: "d-a", name: "a" }, ...relays.map((m) => h("option", { value: m.address }, m.name)))),
      f("d-dur", "Runs for (min)", h("input", { id: "d-dur", name: "dur", type: "number", min: 15, max: 1440, step: 15, value: 120, required: true })),
      f("d-wh", "Energy (Wh)", h("input", { id: "d-wh", name: "wh", type: "number", min: 1, max: 50000, value: 1500, required: true })),
      f("d-by", "Done by (site time)", h("input", { id: "d-by", name: "by", type: "datetime-local", value: by, required: true })),
      f("d-mode", "Choose", h("select", { id: "d-mode", name: "mode" }, h("option", { value: "cheapest" }, "cheapest hours"), h("option", { value: "greenest" }, "greenest hours"))),
      h("button", { type: "submit" }, "Plan run"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const v = Object.fromEntries(new FormData(form as HTMLFormElement)) as Record<string, string>;
      post<{ id: number; startS: number | null; costEur: string | null }>("/api/defer", { a: +v.a, dur: +v.dur, wh: +v.wh, by: v.by, mode: v.mode }).then(async (r) => {
        await c.reload();
        c.say("Decision #" + r.id + ": " + name(+v.a) + " runs from " + (r.startS ? dateTime(r.startS) : "?") + " (" + v.mode + " window before " + v.by.replace("T", " ") + ")" + (r.costEur ? ", expected cost " + roundText(r.costEur, 2) + " EUR" : ""));
      }, (x) => c.say((x as Error).message, true));
    });
    return [
      h("h2", null, "Loads"),
      table(["Load", "Household", "State", "Switch"], st.meters.map((m) => [m.name, m.household, loadState(m, st.timeS), switches(c, m)]), "No meters configured.", "cards"),
      h("h2", null, "Plan a deferrable run"),
      relays.length ? form : h("p", { class: "empty" }, "No load has a relay to defer."),
      h("h2", null, "Planned runs"),
      table(["Load", "Window", "Chosen for", "Expected cost (EUR)", "State"], d.planned.map((p) => [name(p.address), dateTime(p.startS) + " – " + dateTime(p.endS), p.green ? "greenest hours" : "cheapest hours", p.costEur ? roundText(p.costEur, 2) : "unknown (no prices)", p.running ? "running" : "waiting"]), "No runs planned.", "cards"),
      h("h2", null, "Decisions"),
      table(["#", "Time", "Load", "Action", "Why", ""], d.decisions.map((x) => [x.id, dateTime(x.timeS), name(x.address), x.action, reasonText(x),
        h("button", { type: "button", "aria-label": "Override decision " + x.id, onclick: () => act(c, "/api/override", { id: x.id }, "Decision #" + x.id + " overridden") }, "Override")]), "No decisions yet.", "cards"),
    ];
  },
};
