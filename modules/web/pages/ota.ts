/**
 * Updates (issue 18): upload a meter bundle, choose the meters, start, watch each meter
 * (chunks held, verified, switched, failed with its cause), cancel. The aggregator stages
 * the upload on its SPI NOR (modules/ota/aggregatorOta.ts), so the browser sends it in
 * 1 KB pieces and never needs the device to hold it in RAM. After the switch the
 * aggregator asks each switched meter for its boot report (phase "watching"): the state
 * becomes trial, then confirmed, or reverted with the reason (crash, unconfirmed,
 * deadline, invalid).
 *
 * The upload's begin carries the bundle's SHA-256 (computed here: sha256.ts): the
 * aggregator hashes what reached its NOR and refuses a copy that differs (a piece
 * corrupted on the way) before any manifest goes out; the page says so and sends nothing.
 */
import { h, table } from "../dom";
import { ApiError, get, post } from "../api";
import { sha256Hex } from "../sha256";
import type { Page, PageCtx } from "../app";
import type { ApiOta } from "../apiTypes";

/** The bytes as base64 (btoa of a byte string). */
function base64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return btoa(s);
}

async function send(c: PageCtx, file: File, image: number, meters: number[], progress: HTMLElement): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sha256 = sha256Hex(bytes);
  const begun = await post<{ piece: number }>("/api/ota", { do: "begin", size: bytes.length, image, sha256 });
  for (let at = 0; at < bytes.length; at += begun.piece) {
    progress.textContent = "Uploading " + Math.round((100 * at) / bytes.length) + " %";
    try {
      await post("/api/ota", { do: "chunk", offset: at, data: base64(bytes.subarray(at, at + begun.piece)) });
    } catch (e) {
      if (e instanceof ApiError && e.field === "sha256") {
        throw new Error(file.name + " arrived corrupted: the aggregator's copy does not have its SHA-256 (" + sha256.slice(0, 16) + "…). Nothing was sent to the meters; upload it again.");
      }
      throw e;
    }
  }
  const r = await post<{ counter: number; meters: number[] }>("/api/ota", { do: "start", meters });
  progress.textContent = "";
  await c.reload();
  c.say("Update " + r.counter + " started for " + r.meters.length + " meter" + (r.meters.length === 1 ? "" : "s") + ": " + file.name + " (" + bytes.length + " B)");
}

export const ota: Page = {
  title: "Updates", level: 2, refresh: true,
  async render(c) {
    const [st, o] = await Promise.all([c.state(), get<ApiOta>("/api/ota")]);
    c.asOf(st.timeS);
    const name = (a: number) => st.meters.find((m) => m.address === a)?.name ?? "#" + a;
    const running = o.phase !== "idle" && o.phase !== "done" && o.phase !== "watching";
    const rows = o.meters.map((t) => [name(t.a), t.state === "reverted" && t.cause ? "reverted (" + t.cause + ")" : t.state, t.total ? t.have + " / " + t.total : "–",
      t.state === "reverted" ? "" : t.cause ?? ""]);
    const status = [
      h("h2", null, "Progress"),
      h("p", null, "Phase: " + (o.phase === "watching" ? "watching the switched meters' trials" : o.phase) + (o.counter !== null ? " (update " + o.counter + ")" : "") +
        (o.staged ? "; staged " + o.staged.written + " of " + o.staged.size + " B" : "")),
      table(["Meter", "State", "Chunks held", "Why it failed"], rows, "No update yet.", "cards"),
      running || o.phase === "watching" ? h("button", { type: "button", class: "danger", onclick: async () => {
        try { await post("/api/ota", { do: "cancel" }); await c.reload(); c.say(running ? "Update cancelled" : "Stopped watching (the meters still confirm or revert on their own)"); } catch (e) { c.say((e as Error).message, true); }
      } }, running ? "Cancel the update" : "Stop watching") : null,
    ];
    if (!o.available) return [h("p", { class: "empty" }, "This aggregator cannot send updates: its firmware has no OTA sender or no SPI NOR answers."), ...status];
    const file = h("input", { id: "o-file", name: "file", type: "file", accept: ".js", required: true }) as HTMLInputElement;
    const image = h("select", { id: "o-image", name: "image" }, h("option", { value: 1 }, "50 Hz meter"), h("option", { value: 2 }, "60 Hz meter")) as HTMLSelectElement;
    const boxes = st.meters.map((m) => h("input", { type: "checkbox", id: "o-m" + m.address, name: "m", value: m.address, checked: true }) as HTMLInputElement);
    const progress = h("span", { role: "status", class: "dim" });
    const form = h("form", { class: "box grid", id: "ota" },
      h("div", { class: "field" }, h("label", { for: "o-file" }, "Meter bundle (build/stored/meter.js)"), file),
      h("div", { class: "field" }, h("label", { for: "o-image" }, "Firmware"), image),
      h("fieldset", null, h("legend", null, "Meters"), ...st.meters.map((m, i) => h("span", { class: "row" }, boxes[i], h("label", { for: "o-m" + m.address }, m.name)))),
      h("button", { type: "submit", disabled: running }, "Upload and start"), progress);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const chosen = boxes.filter((b) => b.checked).map((b) => +b.value);
      if (!file.files || !file.files[0]) return c.say("Choose a meter bundle first", true);
      if (!chosen.length) return c.say("Choose at least one meter", true);
      send(c, file.files[0], +image.value, chosen, progress).catch((x) => { progress.textContent = ""; c.say((x as Error).message, true); });
    });
    return [h("h2", null, "New update"), form, ...status];
  },
};
