import { describe, expect, it } from "vitest";
import { compareSemiSemantic, parseSemiSemantic, VersionParseError } from "./semi-semantic.ts";

const cmp = (a: string, b: string) => compareSemiSemantic(parseSemiSemantic(a), parseSemiSemantic(b));

describe("go-semi-semantic ordering", () => {
  it("compares numeric components as numbers", () => {
    expect(cmp("1.10.0", "1.9.0")).toBe(1);
    expect(cmp("2", "10")).toBe(-1);
    expect(cmp("105", "105")).toBe(0);
  });

  it("treats missing trailing zero components as equal (1.0 == 1.0.0)", () => {
    expect(cmp("1.0", "1.0.0")).toBe(0);
    expect(cmp("1", "1.0.0.0")).toBe(0);
    expect(cmp("1.0.1", "1.0")).toBe(1);
  });

  it("sorts a string component above any integer, strings bytewise", () => {
    expect(cmp("1.a", "1.999")).toBe(1);
    expect(cmp("1.b", "1.a")).toBe(1);
    expect(cmp("1.B", "1.a")).toBe(-1);
  });

  it("reads a leading zero as a string, not a number", () => {
    expect(cmp("1.01", "1.2")).toBe(1);
  });

  it("puts a pre-release before its release and a post-release after it", () => {
    expect(cmp("1.0.0-rc1", "1.0.0")).toBe(-1);
    expect(cmp("1.0.0-rc.2", "1.0.0-rc.10")).toBe(-1);
    expect(cmp("1.0.0+build.1", "1.0.0")).toBe(1);
    expect(cmp("1.0.0-rc1+b", "1.0.0-rc1")).toBe(1);
    expect(cmp("0.9.9", "1.0.0-alpha")).toBe(-1);
  });

  it("orders a real list as upstream does", () => {
    const list = ["1.10.0", "1.2.0", "1.2.0-rc1", "2.0", "1.2.0+hotfix", "1.9", "1.2"];
    const sorted = [...list].sort(cmp);
    expect(sorted).toEqual(["1.2.0-rc1", "1.2.0", "1.2", "1.2.0+hotfix", "1.9", "1.10.0", "2.0"]);
  });

  it("fails with the library's own words", () => {
    const message = (v: string) => {
      try {
        parseSemiSemantic(v);
        return "parsed";
      } catch (e) {
        expect(e).toBeInstanceOf(VersionParseError);
        return (e as Error).message;
      }
    };
    expect(message("")).toBe("Expected version to be non-empty string");
    expect(message("v 1")).toBe("Expected version 'v 1' to match version format");
    expect(message("-rc1")).toBe("Expected version '-rc1' to match version format");
    expect(message("1..2")).toBe("Expected component '' from version segment '1..2' to be either an integer or a formatted string");
    expect(message("99999999999999999999")).toMatch(/^Expected component '99999999999999999999' .* value out of range$/);
  });
});
