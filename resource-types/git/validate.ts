/**
 * `jetway validate` for git: what the scripts would refuse before touching
 * the remote (unknown keys, a missing uri or repository, options jetway does
 * not do natively, a URI it cannot reach), found by decoding alone.
 */
import { isJetwayError } from "../../src/protocol/errors.ts";
import type { ConfigProblem } from "../../src/protocol/types.ts";
import { decodeCheck, decodeIn, decodeOut } from "./decode.ts";
import { parseRemote } from "./transport/url.ts";

export function validateSource(source: unknown): ConfigProblem[] {
  return problems(() => {
    const { config } = decodeCheck(JSON.stringify({ source }));
    if (config.deferredError) throw config.deferredError;
    parseRemote(config.uri);
  });
}

export function validateParams(op: "in" | "out", params: unknown, source: unknown): ConfigProblem[] {
  const request = JSON.stringify({ source, params });
  return problems(() => (op === "in" ? decodeIn(request) : decodeOut(request)));
}

function problems(run: () => unknown): ConfigProblem[] {
  try {
    run();
    return [];
  } catch (e) {
    // the scripts end some first lines with a colon, before the lines they print next
    if (isJetwayError(e)) return [{ path: [], message: e.message.replace(/:$/, "") }];
    throw e;
  }
}
