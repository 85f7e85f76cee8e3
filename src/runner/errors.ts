import { isJetwayError } from "../protocol/errors.ts";

/** One line for a log or a summary, whatever was thrown. */
export function errorMessage(e: unknown): string {
  if (isJetwayError(e)) return e.message;
  if (e instanceof Error) return e.name === "TimeoutError" ? "timed out" : e.message.split("\n")[0]!;
  return String(e);
}
