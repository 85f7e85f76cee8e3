/**
 * git's wildmatch: the glob behind pathspecs, `git tag --list` and describe's
 * --match. Bytes, ASCII character classes, and git's quirks kept: without
 * WM_PATHNAME `*` crosses `/` and `**` is nothing more; with it, `**` is
 * special only as a whole path component (`** /x`, `x/**`, `x/** /y`), where
 * it also matches zero directories.
 */

export const WM_CASEFOLD = 1;
export const WM_PATHNAME = 2;

const MATCH = 0;
const NOMATCH = 1;
const ABORT_ALL = -1;
const ABORT_TO_STARSTAR = -2;

const STAR = 0x2a;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;

const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number) => isUpper(c) || isLower(c);
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isPrint = (c: number) => c >= 0x20 && c <= 0x7e;
const lower = (c: number) => (isUpper(c) ? c + 0x20 : c);
const isGlobSpecial = (c: number | undefined) => c === STAR || c === QUESTION || c === LBRACKET || c === BACKSLASH;

const CLASSES: Record<string, (c: number, casefold: boolean) => boolean> = {
  alnum: (c) => isAlpha(c) || isDigit(c),
  alpha: isAlpha,
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: isDigit,
  graph: (c) => isPrint(c) && !isSpace(c),
  lower: isLower,
  print: isPrint,
  punct: (c) => isPrint(c) && !isSpace(c) && !isAlpha(c) && !isDigit(c),
  space: isSpace,
  upper: (c, casefold) => isUpper(c) || (casefold && isLower(c)),
  xdigit: (c) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};

export function wildmatch(pattern: string, text: string, flags = 0): boolean {
  return dowild(Buffer.from(pattern, "utf8"), 0, Buffer.from(text, "utf8"), 0, flags) === MATCH;
}

function dowild(p: Uint8Array, pi: number, t: Uint8Array, ti: number, flags: number): number {
  const casefold = (flags & WM_CASEFOLD) !== 0;
  const pathname = (flags & WM_PATHNAME) !== 0;
  const at = (buf: Uint8Array, i: number) => (i < buf.length ? buf[i]! : 0);

  for (; pi < p.length; pi++, ti++) {
    let pch = p[pi]!;
    let tch = at(t, ti);
    if (ti >= t.length && pch !== STAR) return ABORT_ALL;
    if (casefold) {
      tch = lower(tch);
      pch = lower(pch);
    }
    switch (pch) {
      case BACKSLASH:
        // the escaped byte is compared as it is (an escape at the end compares NUL)
        pi++;
        if (tch !== at(p, pi)) return NOMATCH;
        continue;
      case QUESTION:
        if (pathname && tch === SLASH) return NOMATCH;
        continue;
      case STAR: {
        let matchSlash: boolean;
        if (pathname && at(p, pi + 1) === STAR) {
          pi++;
          const before = pi - 2;
          while (at(p, ++pi) === STAR) {}
          const next = at(p, pi);
          if ((before < 0 || p[before] === SLASH) && (pi >= p.length || next === SLASH || (next === BACKSLASH && at(p, pi + 1) === SLASH))) {
            // "**/" may match no directory at all
            if (next === SLASH && dowild(p, pi + 1, t, ti, flags) === MATCH) return MATCH;
            matchSlash = true;
          } else matchSlash = false;
        } else {
          // without WM_PATHNAME "**" is just two stars, each crossing slashes
          pi++;
          matchSlash = !pathname;
        }

        if (pi >= p.length) {
          // a trailing star matches the rest, unless it may not cross a slash and there is one
          if (!matchSlash && t.indexOf(SLASH, ti) >= 0) return ABORT_TO_STARSTAR;
          return MATCH;
        }
        if (!matchSlash && p[pi] === SLASH) {
          // one star then a slash: skip to the next directory
          const slash = t.indexOf(SLASH, ti);
          if (slash < 0) return NOMATCH;
          ti = slash;
          break; // the loop steps past both slashes
        }
        for (;;) {
          if (ti >= t.length) break;
          if (!isGlobSpecial(p[pi])) {
            // jump ahead to the next occurrence of the literal that follows the star
            const want = casefold ? lower(p[pi]!) : p[pi]!;
            while (ti < t.length && (matchSlash || t[ti] !== SLASH)) {
              if ((casefold ? lower(t[ti]!) : t[ti]) === want) break;
              ti++;
            }
            if (ti >= t.length || (casefold ? lower(t[ti]!) : t[ti]) !== want) return NOMATCH;
          }
          const matched = dowild(p, pi, t, ti, flags);
          if (matched !== NOMATCH) {
            if (!matchSlash || matched !== ABORT_TO_STARSTAR) return matched;
          } else if (!matchSlash && t[ti] === SLASH) return ABORT_TO_STARSTAR;
          ti++;
        }
        return ABORT_ALL;
      }
      case LBRACKET: {
        let c = at(p, ++pi);
        if (c === 0x5e) c = 0x21; // '^' negates like '!'
        const negated = c === 0x21;
        if (negated) c = at(p, ++pi);
        let prev = 0;
        let matched = false;
        do {
          if (pi >= p.length) return ABORT_ALL;
          if (c === BACKSLASH) {
            c = at(p, ++pi);
            if (pi >= p.length) return ABORT_ALL;
            if (tch === c) matched = true;
          } else if (c === 0x2d && prev !== 0 && pi + 1 < p.length && p[pi + 1] !== RBRACKET) {
            c = at(p, ++pi);
            if (c === BACKSLASH) {
              c = at(p, ++pi);
              if (pi >= p.length) return ABORT_ALL;
            }
            if (tch <= c && tch >= prev) matched = true;
            else if (casefold && isLower(tch)) {
              const up = tch - 0x20;
              if (up <= c && up >= prev) matched = true;
            }
            c = 0; // a range end cannot start another range
          } else if (c === LBRACKET && at(p, pi + 1) === COLON) {
            const start = (pi += 2);
            while (pi < p.length && p[pi] !== RBRACKET) pi++;
            if (pi >= p.length) return ABORT_ALL;
            const len = pi - start - 1;
            if (len < 0 || p[pi - 1] !== COLON) {
              // no ":]": the '[' was an ordinary member
              pi = start - 2;
              c = LBRACKET;
              if (tch === c) matched = true;
            } else {
              const test = CLASSES[Buffer.from(p.subarray(start, start + len)).toString("latin1")];
              if (!test) return ABORT_ALL;
              if (test(tch, casefold)) matched = true;
              c = 0;
            }
          } else if (tch === c) matched = true;
          prev = c;
          c = at(p, ++pi);
        } while (c !== RBRACKET || pi >= p.length);
        if (matched === negated || (pathname && tch === SLASH)) return NOMATCH;
        continue;
      }
      default:
        if (tch !== pch) return NOMATCH;
        continue;
    }
  }
  return ti < t.length ? NOMATCH : MATCH;
}
