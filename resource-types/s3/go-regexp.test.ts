import { describe, expect, it } from "vitest";
import { compileGoRegexp, findStringSubmatch, goRegexpQuote, matchString, mustCompileMessage, GoRegexpError } from "./go-regexp.ts";

const matches = (pattern: string, s: string) => matchString(compileGoRegexp(pattern), s);
const goError = (pattern: string): string => {
  try {
    compileGoRegexp(pattern);
    return "compiled";
  } catch (e) {
    expect(e).toBeInstanceOf(GoRegexpError);
    return (e as Error).message;
  }
};

describe("Go regexp syntax on JavaScript", () => {
  it("keeps named groups (?P<name>) and (?<name>) with Go's SubexpNames", () => {
    const re = compileGoRegexp("abc-(.*)-def-(?P<version>.*).tgz");
    expect(re.names).toEqual(["", "", "version"]);
    expect(findStringSubmatch(re, "abc-1.0.5-def-2.3.4.tgz")).toEqual(["abc-1.0.5-def-2.3.4.tgz", "1.0.5", "2.3.4"]);
    expect(compileGoRegexp("(?<v>x)").names).toEqual(["", "v"]);
  });

  it("means what Go means by ., \\s, \\A, \\z and $", () => {
    expect(matches("^a.b$", "a\rb")).toBe(true); // JavaScript's . stops at \r, Go's does not
    expect(matches("^a.b$", "a\nb")).toBe(false);
    expect(matches("(?s)^a.b$", "a\nb")).toBe(true);
    expect(matches("^a\\sb$", "a\vb")).toBe(false); // \v is not in Go's \s
    expect(matches("\\Aab\\z", "ab")).toBe(true);
    expect(matches("ab$", "ab\n")).toBe(false);
    expect(matches("(?m)^b$", "a\nb\nc")).toBe(true);
  });

  it("reads flags, POSIX classes, \\Q..\\E, hex and octal escapes, Unicode classes", () => {
    expect(matches("(?i)^abc$", "AbC")).toBe(true);
    expect(matches("^a(?i:b)c$", "aBc")).toBe(true);
    expect(matches("^a(?i:b)c$", "aBC")).toBe(false);
    expect(matches("^[[:digit:]]+$", "0123")).toBe(true);
    expect(matches("^[[:^alpha:]]$", "a")).toBe(false);
    expect(matches("^\\Qa.b\\E$", "a.b")).toBe(true);
    expect(matches("^\\Qa.b\\E$", "axb")).toBe(false);
    expect(matches("^\\x41\\x{42}\\101$", "ABA")).toBe(true);
    expect(matches("^\\pL+$", "héllo")).toBe(true);
    expect(matches("^\\p{Greek}$", "λ")).toBe(true);
    expect(matches("^[^\\d]$", "x")).toBe(true);
    expect(matches("^a{2,3}$", "aaa")).toBe(true);
    expect(matches("^a{,2}$", "a{,2}")).toBe(true); // not a repeat in Go: literal braces
  });

  it("is lazy where asked and ungreedy under (?U)", () => {
    expect(findStringSubmatch(compileGoRegexp("a(.*?)c"), "abcbc")?.[1]).toBe("b");
    expect(findStringSubmatch(compileGoRegexp("(?U)a(.*)c"), "abcbc")?.[1]).toBe("b");
  });

  it("refuses what Go refuses, in Go's words", () => {
    expect(goError("a(c")).toBe("error parsing regexp: missing closing ): `a(c`");
    expect(goError("ac)")).toBe("error parsing regexp: unexpected ): `ac)`");
    expect(goError("[a-")).toBe("error parsing regexp: missing closing ]: `[a-`");
    expect(goError("x[z-a]")).toBe("error parsing regexp: invalid character class range: `z-a`");
    expect(goError("a**")).toBe("error parsing regexp: invalid nested repetition operator: `**`");
    expect(goError("*a")).toBe("error parsing regexp: missing argument to repetition operator: `*`");
    expect(goError("a{2,1}")).toBe("error parsing regexp: invalid repeat count: `{2,1}`");
    expect(goError("a\\1")).toBe("error parsing regexp: invalid escape sequence: `\\1`");
    expect(goError("(?=a)")).toBe("error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
    expect(goError("(?P<a-b>x)")).toBe("error parsing regexp: invalid named capture: `(?P<a-b>`");
    expect(goError("[[:nope:]]")).toBe("error parsing regexp: invalid character class range: `[:nope:]`");
    expect(goError("ab\\")).toBe("error parsing regexp: trailing backslash at end of expression: ``");
  });

  it("words MustCompile's panic as Go does, quoting with backquotes when it can", () => {
    const e = (() => {
      try {
        compileGoRegexp("^a(c$");
      } catch (err) {
        return err as GoRegexpError;
      }
      throw new Error("compiled");
    })();
    expect(mustCompileMessage("^a(c$", e)).toBe("regexp: Compile(`^a(c$`): error parsing regexp: missing closing ): `^a(c$`");
    expect(goRegexpQuote("a`b")).toBe('"a`b"');
  });
});
