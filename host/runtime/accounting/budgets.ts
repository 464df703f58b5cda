/**
 * The per-role budgets of package.json `meternet.budgets` the host accounting checks:
 *   jsVars:     { role: JsVars }        steady-state estimate of the bundle (prelude share removed)
 *   jsVarsOver: { role: { ceiling, issue } }   a known overrun, allowed up to `ceiling` until
 *               the issue fixes it (the check then fails above the ceiling, and fails when the
 *               role is back under budget so that the waiver is deleted)
 *   windowWork: { role: instructions }  JavaScript per meter window in Cortex-M3 instructions,
 *               estimated (costHarness.ts counts, costModel.ts prices), CAN link on
 *   windowWorkOver: as jsVarsOver
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./jsVarHarness.ts";

export interface Waiver { ceiling: number; issue: number }
export interface Budgets {
  jsVars: Record<string, number>;
  jsVarsOver: Record<string, Waiver>;
  windowWork: Record<string, number>;
  windowWorkOver: Record<string, Waiver>;
}

export function readBudgets(pkgPath = join(ROOT, "package.json")): Budgets {
  const b = JSON.parse(readFileSync(pkgPath, "utf8")).meternet.budgets;
  return { jsVars: b.jsVars || {}, jsVarsOver: b.jsVarsOver || {}, windowWork: b.windowWork || {}, windowWorkOver: b.windowWorkOver || {} };
}

/**
 * null when `used` is within the role's budget (or within a waiver's ceiling while still over
 * budget); otherwise the message `npm test` fails with.
 */
export function checkBudget(what: string, role: string, used: number, budget: Record<string, number>, over: Record<string, Waiver>): string | null {
  const limit = budget[role];
  if (limit === undefined) return what + ": no budget for role \"" + role + "\" in package.json meternet.budgets";
  const w = over[role];
  if (used <= limit) {
    return w ? what + " of " + role + " is " + used + ", within its budget " + limit + ": delete the waiver (ceiling " + w.ceiling + ", issue " + w.issue + ") from package.json" : null;
  }
  if (w && used <= w.ceiling) return null;
  return what + " of " + role + " is " + used + ", over its budget of " + limit + (w ? " and over the waiver's ceiling " + w.ceiling + " (issue " + w.issue + ")" : "") + " (package.json meternet.budgets)";
}
