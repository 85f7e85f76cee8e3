/** `jetway validate` for s3: what an operation would refuse, found by decoding alone (no request is sent). */
import { problemsFrom } from "../../src/protocol/config-problems.ts";
import type { ConfigProblem } from "../../src/protocol/types.ts";
import { endpointUrl } from "./endpoint.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";
import { compileGoRegexp, GoRegexpError } from "./go-regexp.ts";
import { sourceProblem } from "./source.ts";

export function validateSource(source: unknown): ConfigProblem[] {
  return problemsFrom(() => {
    const decoded = decodeCheck(JSON.stringify({ source })).source;
    const found: ConfigProblem[] = [];
    const problem = sourceProblem(decoded);
    if (problem !== null) found.push({ path: [], message: problem });
    endpointUrl(decoded);
    if (decoded.regexp !== "") {
      try {
        compileGoRegexp(decoded.regexp);
      } catch (e) {
        if (!(e instanceof GoRegexpError)) throw e;
        found.push({ path: ["regexp"], message: e.message });
      }
    }
    return found;
  });
}

export function validateParams(op: "in" | "out", params: unknown, source: unknown): ConfigProblem[] {
  return problemsFrom(() => {
    if (op === "in") {
      const { params: p } = decodeIn(JSON.stringify({ source, params }));
      const ok = ["", "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"].includes(p.skipDownload);
      return ok ? [] : [{ path: ["skip_download"], message: `skip_download defined but invalid value: ${p.skipDownload}` }];
    }
    const { params: p } = decodeOut(JSON.stringify({ source, params }));
    if (p.file !== "" && p.from !== "") return [{ path: [], message: "contains both file and from" }];
    return [];
  });
}
