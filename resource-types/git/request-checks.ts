/**
 * The checks every upstream script runs on a request before looking at what
 * it asks for: the unknown-key guard, then the reads load_pubkey makes (whose
 * jq errors end the script when source is not an object).
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import { alt, index, JqRuntimeError, keysUnsorted, path } from "./jq/eval.ts";
import type { JqPayload } from "./jq/payload.ts";
import { dumpPretty, jqEqual, type JqValue } from "./jq/value.ts";

/**
 * `(.<container> // [] | keys_unsorted) - (schema keys)`: any left are printed
 * one JSON value per line under `Found unknown keys in <label>:`, exit 1.
 */
export function rejectUnknownKeys(payload: JqPayload, container: "source" | "params", allowed: readonly string[], label: string): void {
  const keys = payload.eval((v) => keysUnsorted(alt(index(v, container), [])));
  const unknown = keys.filter((k) => !allowed.some((a) => jqEqual(a, k)));
  if (unknown.length === 0) return;
  const lines = [`Found unknown keys in ${label}:`, ...unknown.map((k: JqValue) => dumpPretty(k))];
  throw new JetwayError("INVALID_REQUEST", lines.join(" "), { stderr: lines.join("\n") + "\n" });
}

/**
 * load_pubkey reads four fields into `local` variables (a jq error is printed
 * but not fatal there), then writes private_key from a subshell, whose failure
 * is. So a non-object source costs five error lines and jq's exit status.
 */
export function checkLoadPubkeyReads(payload: JqPayload): void {
  const printed: string[] = [];
  for (const key of ["private_key_user", "forward_agent", "private_key_passphrase", "uri"]) {
    try {
      path(payload.value, "source", key);
    } catch (e) {
      if (!(e instanceof JqRuntimeError)) throw e;
      printed.push(payload.errorLine(e));
    }
  }
  try {
    path(payload.value, "source", "private_key");
  } catch (e) {
    if (e instanceof JqRuntimeError) throw payload.fatal(e, printed);
    throw e;
  }
}
