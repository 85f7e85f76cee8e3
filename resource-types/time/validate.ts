/** `jetway validate` for time: what check would refuse, found by decoding alone. */
import { isJetwayError } from "../../src/protocol/errors.ts";
import type { ConfigProblem } from "../../src/protocol/types.ts";
import { validateSource as sourceRules } from "./check.ts";
import { decodeCheck } from "./decode.ts";

export function validateSource(source: unknown): ConfigProblem[] {
  try {
    sourceRules(decodeCheck(JSON.stringify({ source })).source);
    return [];
  } catch (e) {
    if (isJetwayError(e)) return [{ path: [], message: e.message }];
    throw e;
  }
}
