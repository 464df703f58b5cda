/**
 * Espruino's REPL prints a value for declarations where V8's completion value is
 * undefined: `var a = {b:1}` prints `={ b: 1 }`, `function f(){}` and `class Foo {}`
 * print `=function () { ... }` (measured on the 2v29 Linux interpreter). When the last
 * top-level statement of a line is a declaration, this names what to read back.
 */
import { parse } from "acorn";

/** The identifier whose value Espruino would print for this line, if any. */
export function declaredResultName(line: string): string | undefined {
  let program: { body: Array<{ type: string; id?: { name?: string }; declarations?: Array<{ id: { type: string; name?: string }; init: unknown }> }> };
  try {
    program = parse(line, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true }) as unknown as typeof program;
  } catch {
    return undefined;
  }
  const last = program.body[program.body.length - 1];
  if (!last) return undefined;
  if ((last.type === "FunctionDeclaration" || last.type === "ClassDeclaration") && last.id && last.id.name) return last.id.name;
  if (last.type === "VariableDeclaration" && last.declarations) {
    const d = last.declarations[last.declarations.length - 1];
    // `var a;` prints =undefined on Espruino too, so only initialised ones matter
    if (d.id.type === "Identifier" && d.init && d.id.name) return d.id.name;
  }
  return undefined;
}
