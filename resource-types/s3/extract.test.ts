import { describe, expect, it } from "vitest";
import { PanicSignal } from "./errors.ts";
import { extract, mustCompile, versionText } from "./extract.ts";

const version = (path: string, pattern: string) => versionText(mustCompile(pattern), path);

describe("versions.Extract", () => {
  it("takes the first group, or the group named version", () => {
    expect(version("abc-105.tgz", "abc-(.*).tgz")).toBe("105");
    expect(version("abc-1.0.5-def-2.3.4.tgz", "abc-(.*)-def-(.*).tgz")).toBe("1.0.5");
    expect(version("abc-1.0.5-def-2.3.4.tgz", "abc-(.*)-def-(?P<version>.*).tgz")).toBe("2.3.4");
    expect(version("abc-1.0.6.1-rc7.tgz", "abc-(.*).tgz")).toBe("1.0.6.1-rc7");
  });

  it("finds nothing without a match or without a group", () => {
    expect(version("abc.tgz", "abc-(.*).tgz")).toBeNull();
    expect(version("abc-1.tgz", "abc-1.tgz")).toBeNull();
  });

  it("is not anchored (only the bucket walk anchors)", () => {
    expect(version("deep/dir/abc-2.tgz", "abc-(.*).tgz")).toBe("2");
  });

  it("keeps the captured text as written, and parses it", () => {
    const e = extract(mustCompile("file-(.*).zip"), "file-1.0.zip")!;
    expect(e.versionNumber).toBe("1.0");
    expect(e.version.release).toHaveLength(2);
  });

  it("panics as upstream does on a captured string that is no version", () => {
    expect(() => extract(mustCompile("file-(.*).zip"), "file-not a version.zip")).toThrow(PanicSignal);
    try {
      extract(mustCompile("file-(.*).zip"), "file-.zip");
    } catch (e) {
      expect((e as PanicSignal).toJetwayError().stderr).toBe("panic: version number was not valid: Expected version to be non-empty string\n");
      expect((e as PanicSignal).toJetwayError().exitCode).toBe(2);
    }
  });

  it("panics as MustCompile does on a pattern that does not compile", () => {
    try {
      mustCompile("a(c");
      expect.unreachable();
    } catch (e) {
      expect((e as PanicSignal).message).toBe("regexp: Compile(`a(c`): error parsing regexp: missing closing ): `a(c`");
    }
  });
});
