/**
 * `jetway validate` for git: what the scripts would refuse before touching
 * the remote (unknown keys, a missing uri or repository, options jetway does
 * not do natively, a URI it cannot reach), found by decoding alone.
 */
import { problemsFrom } from "../../src/protocol/config-problems.ts";
import type { ConfigProblem } from "../../src/protocol/types.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";
import { parseRemote } from "./transport/url.ts";

export function validateSource(source: unknown): ConfigProblem[] {
  return problemsFrom(() => {
    const { config } = decodeCheck(JSON.stringify({ source }));
    if (config.deferredError) throw config.deferredError;
    parseRemote(config.uri);
  }, withoutColon);
}

export function validateParams(op: "in" | "out", params: unknown, source: unknown): ConfigProblem[] {
  const request = JSON.stringify({ source, params });
  return problemsFrom(() => (op === "in" ? decodeIn(request) : decodeOut(request)), withoutColon);
}

/** the scripts end some first lines with a colon, before the lines they print next */
function withoutColon(message: string): string {
  return message.replace(/:$/, "");
}
