/** `jetway validate` for time: what check would refuse, found by decoding alone. */
import { problemsFrom } from "../../src/protocol/config-problems.ts";
import type { ConfigProblem } from "../../src/protocol/types.ts";
import { validateSource as sourceRules } from "./check.ts";
import { decodeCheck } from "./decode.ts";

export function validateSource(source: unknown): ConfigProblem[] {
  return problemsFrom(() => sourceRules(decodeCheck(JSON.stringify({ source })).source));
}
