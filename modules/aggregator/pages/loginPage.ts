/** Login and logout. */
import { Ctx, Reply } from "../../http/types";
import { redirect } from "../../http/server";
import { LOGIN_LOCKED } from "../../http/auth";
import { WebApp } from "./webApp";
import { page } from "./layout";

export function loginPage(app: WebApp, c: Ctx): Reply {
  const e = c.query.e;
  return page(c, app, "Log in", 0, (i) => (i ? null :
    (e ? "<p class=err id=msg>" + (e === "2" ? "Too many failures: locked, try again later." : "Wrong user or password.") + "</p>" : "") +
    "<form class=box method=post action=/login>User <input name=user autocomplete=username value=admin> Password <input name=password type=password autocomplete=current-password autofocus> <button>Log in</button></form>"));
}

export function loginPost(app: WebApp, c: Ctx): Reply {
  const t = app.auth.login(c.form.user || "", c.form.password || "", c.nowS);
  if (t === LOGIN_LOCKED) {
    const r = loginPage(app, { query: { e: "2" }, session: "" } as unknown as Ctx);
    r.status = 429;
    return r;
  }
  if (typeof t === "number") return redirect("/login?e=1");
  return redirect("/control", { "Set-Cookie": "sid=" + t + "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + app.auth.cfg.sessionS });
}

export function logoutPost(app: WebApp, c: Ctx): Reply {
  if (c.session !== "api") app.auth.logout(c.session);
  return redirect("/login", { "Set-Cookie": "sid=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" });
}
