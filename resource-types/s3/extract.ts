import { compileGoRegexp, findStringSubmatch, GoRegexpError, mustCompileMessage, type GoRegexp } from "./go-regexp.ts";
import { PanicSignal } from "./errors.ts";
import { parseSemiSemantic, VersionParseError, type SemiSemanticVersion } from "./semi-semantic.ts";

/**
 * versions.Extract: the version of a path is the first capture group, or the
 * group named `version` when there are several. The pattern is not anchored
 * here (upstream anchors it only while walking the bucket). A captured
 * string that is not a version makes upstream panic, and so does a pattern
 * that does not compile: both come out as a PanicSignal.
 */
export interface Extraction {
  path: string;
  version: SemiSemanticVersion;
  /** the captured text, as written to the `version` file */
  versionNumber: string;
}

/** regexp.MustCompile */
export function mustCompile(pattern: string): GoRegexp {
  try {
    return compileGoRegexp(pattern);
  } catch (e) {
    if (e instanceof GoRegexpError) throw new PanicSignal("INVALID_CONFIG", mustCompileMessage(pattern, e));
    throw e;
  }
}

/** The captured version text, or null when the path does not match (or the pattern has no group). */
export function versionText(re: GoRegexp, path: string): string | null {
  const matches = findStringSubmatch(re, path);
  if (matches === null || matches.length < 2) return null;
  if (matches.length === 2) return matches[1]!;
  const index = re.names.indexOf("version");
  return index > 0 ? matches[index]! : matches[1]!;
}

export function extract(re: GoRegexp, path: string): Extraction | null {
  const match = versionText(re, path);
  if (match === null) return null;
  try {
    return { path, version: parseSemiSemantic(match), versionNumber: match };
  } catch (e) {
    if (e instanceof VersionParseError) throw new PanicSignal("OPERATION_FAILED", `version number was not valid: ${e.message}`);
    throw e;
  }
}
