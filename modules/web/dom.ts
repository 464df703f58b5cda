/** Tiny DOM builders: elements from a tag, attributes and children; SVG the same way. */
export type Kid = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

function fill<T extends Element>(e: T, attrs: Attrs | null, kids: Kid[]): T {
  for (const k in attrs || {}) {
    const v = attrs![k];
    if (typeof v === "function") e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, "");
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, String(v));
  }
  for (const c of kids) if (c !== null && c !== undefined && c !== false) e.append(typeof c === "object" ? c : String(c));
  return e;
}

/** h("td", {class: "n"}, "12 W"): an HTML element. Event listeners as on<event>. */
export const h = (tag: string, attrs?: Attrs | null, ...kids: Kid[]) => fill(document.createElement(tag), attrs || null, kids);

/** An SVG element. */
export const s = (tag: string, attrs?: Attrs | null, ...kids: Kid[]) => fill(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs || null, kids);

/**
 * A table with a header row, or the empty-state text when there are no rows. Each cell
 * carries its column's name (data-label): with class "cards", a narrow screen shows
 * every row as a card of "name: value" lines instead of columns.
 */
export function table(heads: string[], rows: Kid[][], empty: string, cls?: string): HTMLElement {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h("div", { class: "scroll", tabindex: 0 }, h("table", { class: cls },
    h("thead", null, h("tr", null, ...heads.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", null, ...rows.map((r) => h("tr", null, ...r.map((c) => h("td", null, c)))))));
}
