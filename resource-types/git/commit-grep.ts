/**
 * `git rev-list --grep=... [--all-match] [--invert-grep]` over commit
 * messages: basic POSIX regexes, case-sensitive, tried line by line against
 * the message (never the headers). Several patterns match if any does, or
 * with --all-match only if each matches some line; --invert-grep keeps the
 * commits no pattern matches.
 */
import { compilePosix, PosixRegexError } from "./posix-regex.ts";

export interface MessageFilter {
  regexes: RegExp[];
  allMatch: boolean;
  /** --invert-grep: keep the commits that do not match */
  invert: boolean;
}

/** git dies on a pattern it cannot compile; this carries the line it prints. */
export class GrepPatternError extends Error {
  constructor(pattern: string, reason: string) {
    super(`fatal: command line, '${pattern}': ${reason}`);
    this.name = "GrepPatternError";
  }
}

export function compileFilter(patterns: readonly string[], allMatch: boolean, invert: boolean): MessageFilter {
  const regexes = patterns.map((p) => {
    try {
      return compilePosix(p, false);
    } catch (e) {
      if (e instanceof PosixRegexError) throw new GrepPatternError(p, e.message);
      throw e;
    }
  });
  return { regexes, allMatch, invert };
}

/** `[ci skip]` / `[skip ci]` with any single whitespace character between the words, as upstream greps for. */
export const CI_SKIP_PATTERNS = ["\\[ci\\sskip\\]", "\\[skip\\sci\\]"] as const;

export function keeps(filter: MessageFilter, message: string): boolean {
  const lines = message.split("\n");
  if (message.endsWith("\n")) lines.pop();
  const hit = (re: RegExp) => lines.some((l) => re.test(l));
  // since git 2.35 --invert-grep means "no pattern matches any line", and --all-match
  // no longer changes that: upstream's exclude_all_match is a no-op with the git it ships
  if (filter.invert) return !filter.regexes.some(hit);
  return filter.allMatch ? filter.regexes.every(hit) : filter.regexes.some(hit);
}
