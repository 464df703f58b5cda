/**
 * jsiCountBracketsInInput (src/jsinteractive.c): Espruino executes a line only when
 * this is <= 0; otherwise Enter adds a newline and shows the `:` continuation.
 * Opening ( [ { count +1, closing -1, stopping at the first closing bracket that has no
 * opener. An unfinished string gives 0 (run it now so it reports its error); an
 * unfinished comment or template literal gives 1000 (we are in the middle of something).
 * Espruino's own lexer is replaced by acorn's tokenizer, which agrees on these cases;
 * on any other lexing error the count so far is returned, as Espruino stops at it.
 */
import { tokenizer } from "acorn";

export function countBrackets(input: string): number {
  let brackets = 0;
  try {
    for (const tok of tokenizer(input, { ecmaVersion: "latest", allowHashBang: true })) {
      const label = tok.type.label;
      if (label === "{" || label === "[" || label === "(" || label === "${") brackets++;
      if (label === "}" || label === "]" || label === ")") brackets--;
      if (brackets < 0) break;
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/Unterminated string/.test(msg)) return 0;
    if (/Unterminated (comment|template)/.test(msg)) return 1000;
  }
  return brackets;
}
