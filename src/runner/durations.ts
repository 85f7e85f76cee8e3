import { parseGoDuration } from "../compat/go-duration.ts";

/** A Go duration (validated by the pipeline schema) in milliseconds. */
export function durationMs(text: string): number {
  return Number(parseGoDuration(text) / 1_000_000n);
}
