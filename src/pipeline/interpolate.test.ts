import { describe, expect, it } from "vitest";
import { interpolate } from "./interpolate.ts";
import { formatProblem } from "./problems.ts";
import { parseVarRef } from "./var-ref.ts";
import { Vars } from "./vars.ts";

const vars = new Vars([
  { origin: "-v", ref: parseVarRef("name")!, value: "world" },
  { origin: "-y", ref: parseVarRef("port")!, value: 8080 },
  { origin: "-y", ref: parseVarRef("tags")!, value: ["a", "b"] },
  { origin: "-v", ref: parseVarRef("vault:token")!, value: "t0k" },
  { origin: "x.yml", ref: undefined, value: { repo: { uri: "https://r", depth: 1 }, "dotted.name": { v: "d" } } },
]);
const run = (value: unknown, varSources: string[] = []) =>
  interpolate(value, { vars, lineOf: () => 7, varSources: new Set(varSources) });

describe("interpolate", () => {
  it("gives a whole-value var its own type and substitutes text inside strings", () => {
    const r = run({ a: "((port))", b: "((tags))", c: "((repo))", d: "port ((port)) of ((name))", e: "((repo.depth))" });
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({ a: 8080, b: ["a", "b"], c: { uri: "https://r", depth: 1 }, d: "port 8080 of world", e: 1 });
  });

  it("reads sourced and quoted references, and keys", () => {
    const r = run({ "((name))-key": '(("dotted.name".v))', t: "Bearer ((vault:token))" });
    expect(r.value).toEqual({ "world-key": "d", t: "Bearer t0k" });
  });

  it("leaves local vars for the runner", () => {
    const r = run({ a: "((.:version))", b: "v((.:n))-((name))" });
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({ a: "((.:version))", b: "v((.:n))-world" });
  });

  it("reports every missing var with its path and leaves it as written", () => {
    const r = run({ jobs: [{ plan: ["((nope))", "x ((repo.branch))"] }], s: "((vault:other))", t: "((keys:k))" }, ["vault"]);
    expect(r.value).toEqual({ jobs: [{ plan: ["((nope))", "x ((repo.branch))"] }], s: "((vault:other))", t: "((keys:k))" });
    expect(r.problems.map((p) => [p.code, formatProblem(p)])).toEqual([
      ["VAR_MISSING", 'jobs[0].plan[0] (line 7): ((nope)): no value for var "nope" (give it with -v, -y or -l)'],
      ["VAR_MISSING", 'jobs[0].plan[1] (line 7): ((repo.branch)): var "repo" has no field "branch" (give it with -v, -y or -l)'],
      ["VAR_MISSING", 's (line 7): ((vault:other)): no value for var "vault:other" (jetway does not read var_sources; give the value with -v vault:other=...)'],
      ["VAR_MISSING", 't (line 7): ((keys:k)): no value for var "keys:k" (var source "keys" is not declared in var_sources; give the value with -v keys:k=...)'],
    ]);
  });

  it("refuses a list or map inside a longer string", () => {
    const r = run({ a: "tags: ((tags))" });
    expect(r.problems.map(formatProblem)).toEqual(["a (line 7): ((tags)) is a list and cannot be part of a longer string"]);
  });

  it("does not share values between places", () => {
    const r = run({ a: "((repo))", b: "((repo))" }).value as { a: { uri: string }; b: { uri: string } };
    r.a.uri = "changed";
    expect(r.b.uri).toBe("https://r");
  });
});
