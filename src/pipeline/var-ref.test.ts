import { describe, expect, it } from "vitest";
import { findVarRefs, parseVarRef, wholeVarRef } from "./var-ref.ts";

describe("var references", () => {
  it("reads a name, fields, a source and quoted segments", () => {
    expect(parseVarRef("name")).toEqual({ text: "name", source: undefined, name: "name", fields: [] });
    expect(parseVarRef("repo.uri")).toEqual({ text: "repo.uri", source: undefined, name: "repo", fields: ["uri"] });
    expect(parseVarRef("vault:team/key.value")).toEqual({ text: "vault:team/key.value", source: "vault", name: "team/key", fields: ["value"] });
    expect(parseVarRef('"a.b".c')).toEqual({ text: '"a.b".c', source: undefined, name: "a.b", fields: ["c"] });
    expect(parseVarRef('src:"x.y"."z.w"')).toMatchObject({ source: "src", name: "x.y", fields: ["z.w"] });
    expect(parseVarRef(".:local")).toMatchObject({ source: ".", name: "local", fields: [] });
  });

  it("refuses what is not a reference", () => {
    for (const text of ["", "a..b", ".a", "a.", '"open', "has space", "a:b:c"]) expect(parseVarRef(text), text).toBeUndefined();
  });

  it("tells a whole-value reference from one inside a string", () => {
    expect(wholeVarRef("((port))")?.name).toBe("port");
    expect(wholeVarRef("x((port))")).toBeUndefined();
    expect(wholeVarRef("((a)) ((b))")).toBeUndefined();
  });

  it("finds every reference in a string with its place", () => {
    const s = "https://((host)):((vault:port.n))/((.:path))";
    expect(findVarRefs(s).map((r) => [r.ref.text, s.slice(r.start, r.end)])).toEqual([
      ["host", "((host))"],
      ["vault:port.n", "((vault:port.n))"],
      [".:path", "((.:path))"],
    ]);
  });
});
