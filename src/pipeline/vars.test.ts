import { describe, expect, it } from "vitest";
import { parseVarRef, type VarRef } from "./var-ref.ts";
import { Vars, type VarAssignment } from "./vars.ts";

const ref = (text: string): VarRef => parseVarRef(text)!;
const flag = (name: string, value: unknown): VarAssignment => ({ origin: "-v", ref: ref(name), value });
const file = (value: Record<string, unknown>): VarAssignment => ({ origin: "vars.yml", ref: undefined, value });

describe("Vars", () => {
  it("lets a later flag override an earlier one, field by field", () => {
    const vars = new Vars([flag("repo.uri", "a"), flag("repo.branch", "main"), flag("repo.uri", "b")]);
    expect(vars.lookup(ref("repo"))).toEqual({ found: true, value: { uri: "b", branch: "main" } });
    expect(vars.lookup(ref("repo.branch"))).toEqual({ found: true, value: "main" });
  });

  it("puts flags before files and later files before earlier ones", () => {
    const vars = new Vars([flag("a", "flag"), file({ a: "file1", b: "file1", c: "file1" }), file({ b: "file2" })]);
    expect(vars.lookup(ref("a"))).toEqual({ found: true, value: "flag" });
    expect(vars.lookup(ref("b"))).toEqual({ found: true, value: "file2" });
    expect(vars.lookup(ref("c"))).toEqual({ found: true, value: "file1" });
  });

  it("keeps sourced vars apart from the pipeline's own", () => {
    const vars = new Vars([flag("vault:token", "s3cr3t"), file({ token: "plain" })]);
    expect(vars.lookup(ref("vault:token"))).toEqual({ found: true, value: "s3cr3t" });
    expect(vars.lookup(ref("token"))).toEqual({ found: true, value: "plain" });
    expect(vars.lookup(ref("other:token"))).toEqual({ found: false, message: 'no value for var "other:token"' });
  });

  it("says which var or field is missing", () => {
    const vars = new Vars([file({ repo: { uri: "u" } })]);
    expect(vars.lookup(ref("nope"))).toEqual({ found: false, message: 'no value for var "nope"' });
    expect(vars.lookup(ref("repo.branch"))).toEqual({ found: false, message: 'var "repo" has no field "branch"' });
    expect(vars.lookup(ref("repo.uri.x"))).toEqual({ found: false, message: 'var "repo.uri" has no field "x"' });
  });

  it("lists every value given, for redaction", () => {
    const vars = new Vars([flag("vault:token", "t"), flag("db.password", "p"), file({ list: ["x"] })]);
    expect(vars.leaves()).toEqual([
      { name: "vault:token", value: "t" },
      { name: "db.password", value: "p" },
      { name: "list[0]", value: "x" },
    ]);
  });
});
