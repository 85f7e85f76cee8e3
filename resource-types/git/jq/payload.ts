/**
 * A request as upstream's scripts hold it: `payload="$(cat <&0)"` (trailing
 * newlines dropped, NUL bytes lost), then fed to one jq invocation per field
 * through `<<< "$payload"` (one newline added back). Each read here mirrors
 * one such line of the script, including how it dies under `set -e`.
 */
import { JetwayError } from "../../../src/protocol/errors.ts";
import { JqRuntimeError } from "./eval.ts";
import { parseJq } from "./parse.ts";
import { rawText, type JqValue } from "./value.ts";

/** jq 1.6 exits 4 when its input does not parse, 5 on a runtime error. */
const JQ_PARSE_EXIT = 4;
const JQ_RUNTIME_EXIT = 5;

export class JqPayload {
  /** the whole request; an empty stdin reads as null, which every field read treats alike */
  readonly value: JqValue;
  /** the `<stdin>:N` jq names in runtime errors */
  readonly line: number;
  /** `$payload` itself, as the script may also echo or cat it */
  readonly raw: string;

  private constructor(value: JqValue, line: number, text: string) {
    this.value = value;
    this.line = line;
    this.raw = text;
  }

  static parse(stdin: string): JqPayload {
    const payload = stdin.replaceAll("\0", "").replace(/\n+$/, "");
    const parsed = parseJq(payload + "\n");
    if (parsed.error !== undefined) {
      const line = `parse error: ${parsed.error}`;
      throw new JetwayError("MALFORMED_REQUEST", line, { exitCode: JQ_PARSE_EXIT, stderr: line + "\n" });
    }
    if (parsed.values.length > 1) {
      // upstream would run every field read over each document and concatenate the answers
      throw new JetwayError("INVALID_REQUEST", "the request holds more than one JSON document; send exactly one");
    }
    return new JqPayload(parsed.values[0] ?? null, parsed.endLines[0] ?? 0, payload);
  }

  /** The line jq prints for a runtime error. */
  errorLine(e: JqRuntimeError): string {
    return `jq: error (at <stdin>:${this.line}): ${e.message}`;
  }

  /** A jq runtime error that ends the script (an assignment under set -e), after any earlier stderr lines. */
  fatal(e: JqRuntimeError, earlier: readonly string[] = []): JetwayError {
    const lines = [...earlier, this.errorLine(e)];
    return new JetwayError("INVALID_REQUEST", lines.at(-1)!, { exitCode: JQ_RUNTIME_EXIT, stderr: lines.join("\n") + "\n", cause: e });
  }

  /** Runs one filter; a jq error is fatal, as in `x=$(jq ...)`. */
  eval<T>(filter: (v: JqValue) => T): T {
    try {
      return filter(this.value);
    } catch (e) {
      if (e instanceof JqRuntimeError) throw this.fatal(e);
      throw e;
    }
  }

  /** `x=$(jq -r 'filter')`: the raw text of the single result, trailing newlines dropped. */
  text(filter: (v: JqValue) => JqValue): string {
    return captured(rawText(this.eval(filter)) + "\n");
  }

  /** `x=$(jq -r 'filter[]')`: one line per result, trailing newlines dropped. */
  lines(filter: (v: JqValue) => JqValue[]): string {
    return captured(this.eval(filter).map((v) => rawText(v) + "\n").join(""));
  }
}

/** What `$(...)` keeps of a command's output. */
export function captured(output: string): string {
  return output.replace(/\n+$/, "");
}
