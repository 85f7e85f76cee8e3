/**
 * Version ordering as upstream's go-semi-semantic orders it (reference §3):
 * `release[-pre][+post]`, each segment split on "."; integers (no leading zero)
 * compare as numbers, other components as byte strings, and a string sorts
 * above an integer; trailing zero components do not count (1.0 == 1.0.0); a
 * pre-release sorts before its release and a post-release after it. Parse
 * errors carry the library's own words, because upstream panics with them.
 */

type Component = { int: bigint } | { str: string };

export interface SemiSemanticVersion {
  release: Component[];
  preRelease: Component[];
  postRelease: Component[];
}

export class VersionParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VersionParseError";
  }
}

const VERSION = /^(?<release>[0-9A-Za-z_.]+)(-(?<pre>[0-9A-Za-z_\-.]+))?(\+(?<post>[0-9A-Za-z_\-.]+))?$/;
const INT_MAX = 2n ** 63n - 1n;

function segment(v: string): Component[] {
  return v.split(".").map((piece) => {
    if (/^[0-9]+$/.test(piece) && !/^0+[0-9]+$/.test(piece)) {
      const n = BigInt(piece);
      if (n > INT_MAX) {
        throw new VersionParseError(
          `Expected component '${piece}' from version segment '${v}' to be a parseable integer: strconv.Atoi: parsing "${piece}": value out of range`,
        );
      }
      return { int: n };
    }
    if (/^[0-9A-Za-z_-]+$/.test(piece)) return { str: piece };
    throw new VersionParseError(`Expected component '${piece}' from version segment '${v}' to be either an integer or a formatted string`);
  });
}

/** version.NewVersionFromString */
export function parseSemiSemantic(v: string): SemiSemanticVersion {
  if (v.length === 0) throw new VersionParseError("Expected version to be non-empty string");
  const m = VERSION.exec(v);
  if (!m) throw new VersionParseError(`Expected version '${v}' to match version format`);
  const { release, pre, post } = m.groups!;
  return {
    release: segment(release!),
    preRelease: pre ? segment(pre) : [],
    postRelease: post ? segment(post) : [],
  };
}

function compareComponent(a: Component, b: Component): number {
  if ("str" in a && "int" in b) return 1;
  if ("int" in a && "str" in b) return -1;
  if ("int" in a && "int" in b) return a.int < b.int ? -1 : a.int > b.int ? 1 : 0;
  const x = (a as { str: string }).str;
  const y = (b as { str: string }).str;
  // Go compares strings bytewise; these components are ASCII, so code units agree
  return x < y ? -1 : x > y ? 1 : 0;
}

const isZero = (c: Component) => "int" in c && c.int === 0n;

function compareSegment(a: Component[], b: Component[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareComponent(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  if (a.length > n && !a.slice(n).every(isZero)) return 1;
  if (b.length > n && !b.slice(n).every(isZero)) return -1;
  return 0;
}

/** Version.Compare: -1, 0 or 1. */
export function compareSemiSemantic(a: SemiSemanticVersion, b: SemiSemanticVersion): number {
  const r = compareSegment(a.release, b.release);
  if (r !== 0) return r;
  if (a.preRelease.length > 0 || b.preRelease.length > 0) {
    if (a.preRelease.length === 0) return 1;
    if (b.preRelease.length === 0) return -1;
    const p = compareSegment(a.preRelease, b.preRelease);
    if (p !== 0) return p;
  }
  if (a.postRelease.length > 0 || b.postRelease.length > 0) {
    if (a.postRelease.length === 0) return -1;
    if (b.postRelease.length === 0) return 1;
    return compareSegment(a.postRelease, b.postRelease);
  }
  return 0;
}
