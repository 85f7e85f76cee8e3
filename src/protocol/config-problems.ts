import { isJetwayError } from "./errors.ts";
import type { ConfigProblem } from "./types.ts";

/**
 * A type's `validateSource`/`validateParams` body: the problems `run` returns
 * (none when it returns nothing), or the one a decoder's JetwayError names, for
 * the object as a whole. `wording` adapts an operation's message to a
 * problem's; anything else thrown is a bug and goes on.
 */
export function problemsFrom(run: () => unknown, wording: (message: string) => string = (m) => m): ConfigProblem[] {
  try {
    const found = run();
    return Array.isArray(found) ? (found as ConfigProblem[]) : [];
  } catch (e) {
    if (isJetwayError(e)) return [{ path: [], message: wording(e.message) }];
    throw e;
  }
}
