/**
 * From a finished operation to its response, or to one line saying why there
 * is none: the exit code, then stdout as one JSON document of the shape the
 * operation answers with. Lines may quote the operation's last stderr line and
 * the start of its stdout, with the request's secrets blanked.
 */
import * as z from "zod";
import { JetwayError } from "../protocol/errors.ts";
import { redact } from "../protocol/secrets.ts";
import type { Operation } from "../protocol/types.ts";
import type { RawOutput } from "./delivery/types.ts";

const versionSchema = z.record(z.string(), z.string());
/** Concourse decodes a check's answer into a slice: `null` is an empty one. */
const checkSchema = z.array(versionSchema).nullable();
const inOutSchema = z.looseObject({ version: versionSchema });

/** How much of a line or of stdout an error quotes. */
const QUOTE_CHARS = 200;

export interface Interpretation {
  resourceName: string;
  op: Operation;
  /** how it ran, e.g. "image x:y on docker", for the error lines */
  how: string;
  /** the last non-empty stderr line */
  lastStderrLine: string;
  secrets: ReadonlySet<string>;
}

export function interpret(raw: RawOutput, about: Interpretation): unknown {
  const { resourceName, op, how } = about;
  const quote = (text: string) => JSON.stringify(clip(redact(text, about.secrets)));
  if (raw.exitCode !== 0) {
    const line = about.lastStderrLine === "" ? "" : `: ${clip(redact(about.lastStderrLine, about.secrets))}`;
    throw new JetwayError("OPERATION_FAILED", `${resourceName}: ${op} exited ${raw.exitCode} (${how})${line}`, { exitCode: raw.exitCode });
  }
  const text = raw.stdout.trim();
  if (text === "") throw new JetwayError("OPERATION_FAILED", `${resourceName}: ${op} printed nothing on stdout (${how})`);
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    throw new JetwayError("OPERATION_FAILED", `${resourceName}: ${op} printed invalid JSON on stdout (${how}): ${quote(text)}`);
  }
  const parsed = (op === "check" ? checkSchema : inOutSchema).safeParse(response);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    const shape = op === "check" ? "a list of versions" : "{version, metadata}";
    throw new JetwayError("OPERATION_FAILED", `${resourceName}: ${op} printed JSON that is not ${shape}${where} (${how}): ${quote(text)}`);
  }
  return response;
}

/** Keeps the last non-empty line of a stream that arrives in chunks, colour codes removed. */
export class LastLine {
  #pending = "";
  #last = "";

  push(text: string): void {
    const lines = (this.#pending + text).split("\n");
    this.#pending = lines.pop() ?? "";
    // the pending part can only grow when a process writes without newlines: keep its end
    if (this.#pending.length > 4 * QUOTE_CHARS) this.#pending = this.#pending.slice(-4 * QUOTE_CHARS);
    for (const line of lines) this.#take(line);
  }

  get line(): string {
    const pending = clean(this.#pending);
    return pending !== "" ? pending : this.#last;
  }

  #take(line: string): void {
    const cleaned = clean(line);
    if (cleaned !== "") this.#last = cleaned;
  }
}

function clean(line: string): string {
  return line.replace(/\x1b\[[0-9;]*m/g, "").trim();
}

function clip(text: string): string {
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}...` : text;
}
