/** Log in, and the first-run page that sets the administrator password while none is set. */
import { h } from "../dom";
import { post, session } from "../api";
import type { Page, PageCtx } from "../app";

function field(id: string, label: string, attrs: Record<string, string | boolean>) {
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", Object.assign({ id, name: id, required: true }, attrs)));
}

async function signIn(c: PageCtx, user: string, password: string) {
  // The device token keeps this browser's failed tries apart from a guesser's (auth.ts).
  let device = "";
  try { device = localStorage.getItem("meternet.device") || ""; } catch (e) { /* storage off: shares the lockout */ }
  const r = await post<{ csrf: string; device: string }>("/api/login", { user, password, device });
  try { localStorage.setItem("meternet.device", r.device); } catch (e) { /* storage off */ }
  session.csrf = r.csrf;
  c.go("#/control");
}

function form(c: PageCtx, kids: HTMLElement[], submit: string, run: (v: Record<string, string>) => Promise<void>) {
  const f = h("form", { class: "box grid narrow" }, ...kids, h("button", { type: "submit" }, submit)) as HTMLFormElement;
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    try { await run(Object.fromEntries(new FormData(f)) as Record<string, string>); } catch (x) { c.say((x as Error).message, true); }
  });
  return f;
}

export const login: Page = {
  title: "Log in", level: 0,
  async render(c) {
    if (c.sess.loggedIn) return [h("p", null, "You are logged in as " + c.sess.user + ". ", h("a", { href: "#/control" }, "Go to control"))];
    return [form(c, [field("user", "User", { autocomplete: "username", value: "admin" }), field("password", "Password", { type: "password", autocomplete: "current-password" })], "Log in",
      (v) => signIn(c, v.user, v.password))];
  },
};

export const setup: Page = {
  title: "Set the administrator password", level: 0,
  async render(c) {
    if (!c.sess.firstRun) return [h("p", null, "A password is set. ", h("a", { href: "#/login" }, "Log in"))];
    return [
      h("p", null, "This aggregator has no password yet. Choose the administrator's user name and password (at least 8 characters): whoever sets it first controls the loads."),
      form(c, [field("user", "User", { autocomplete: "username", value: "admin" }), field("password", "New password", { type: "password", autocomplete: "new-password", minlength: "8" }),
        field("again", "Repeat the password", { type: "password", autocomplete: "new-password", minlength: "8" })], "Set password", async (v) => {
        if (v.password !== v.again) throw new Error("the two passwords differ");
        await post("/api/password", { user: v.user, password: v.password });
        c.say("Password set.");
        await signIn(c, v.user, v.password);
      }),
    ];
  },
};
