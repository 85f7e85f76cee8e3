/**
 * `jetway validate` for mock: what a check, get or put would refuse, found by
 * decoding alone (upstream's words), plus the options that only fail once run.
 */
import { GoDurationError, parseGoDuration } from "../../src/compat/go-duration.ts";
import { problemsFrom } from "../../src/protocol/config-problems.ts";
import type { ConfigProblem } from "../../src/protocol/types.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";

export function validateSource(source: unknown): ConfigProblem[] {
  return problemsFrom(() => {
    const { source: s } = decodeCheck(JSON.stringify({ source }));
    if (s.check_delay) {
      try {
        parseGoDuration(s.check_delay);
      } catch (e) {
        if (e instanceof GoDurationError) return [{ path: ["check_delay"], message: `malformed check_delay duration: ${e.message}` }];
        throw e;
      }
    }
    return [];
  });
}

export function validateParams(op: "in" | "out", params: unknown, source: unknown): ConfigProblem[] {
  return problemsFrom(() => {
    if (op === "in") {
      const r = decodeIn(JSON.stringify({ source, params }));
      if (r.source.mirror_self) return [notNative("mirror_self", [])];
      if (r.params.mirror_self_via_params) return [notNative("mirror_self_via_params", ["mirror_self_via_params"])];
      return [];
    }
    const r = decodeOut(JSON.stringify({ source, params }));
    if (!r.params.file && !r.params.version) return [{ path: [], message: "no version specified: set params.version or params.file" }];
    return [];
  });
}

function notNative(option: string, path: string[]): ConfigProblem {
  return { path, message: `${option} is not supported natively; use the upstream concourse/mock-resource image (native: false)` };
}
