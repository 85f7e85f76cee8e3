import { describe, expect, it } from "vitest";
import { readYaml } from "./yaml-source.ts";

describe("readYaml", () => {
  it("reads YAML 1.1 scalars as Go's yaml.v2 does", () => {
    const { value, problems } = readYaml(
      "a: yes\nb: off\nc: 0777\nd: 9:30\ne: 2024-01-01\nf: .\ng: 1.5\nh: .5\ni: 1_000\nj: ~\nk: y\nl: '9:30'\n",
    );
    expect(problems).toEqual([]);
    expect(value).toEqual({ a: true, b: false, c: 511, d: "9:30", e: "2024-01-01", f: ".", g: 1.5, h: 0.5, i: 1000, j: null, k: true, l: "9:30" });
  });

  it("expands anchors and << merge keys", () => {
    const { value } = readYaml("base: &b {type: git, source: {uri: u}}\nr:\n  <<: *b\n  name: repo\n");
    expect(value).toEqual({ base: { type: "git", source: { uri: "u" } }, r: { type: "git", source: { uri: "u" }, name: "repo" } });
  });

  it("knows the line of every key and list item, and of the nearest ancestor for the rest", () => {
    const y = readYaml("jobs:\n- name: a\n  plan:\n  - get: x\n    params:\n      depth: 1\n  - task: t\n");
    expect(y.lineOf(["jobs"])).toBe(1);
    expect(y.lineOf(["jobs", 0])).toBe(2);
    expect(y.lineOf(["jobs", 0, "plan", 0, "params", "depth"])).toBe(6);
    expect(y.lineOf(["jobs", 0, "plan", 1])).toBe(7);
    expect(y.lineOf(["jobs", 0, "plan", 1, "config", "run"])).toBe(7);
    expect(y.lineOf(["nothing"])).toBe(1);
  });

  it("places aliased content where the alias stands", () => {
    const y = readYaml("a: &x\n  k: 1\nb:\n  c: *x\n");
    expect(y.lineOf(["b", "c", "k"])).toBe(4);
  });

  it("reports syntax errors with their line, and reads on past a duplicate key", () => {
    expect(readYaml("a: 1\nb: [\n").problems.map((p) => [p.line, p.message])).toEqual([
      [3, "YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"],
    ]);
    const dup = readYaml("a: 1\nb: 2\na: 3\n");
    expect(dup.problems.map((p) => [p.line, p.message])).toEqual([[3, "YAML: Map keys must be unique"]]);
    expect(dup.value).toEqual({ a: 3, b: 2 });
    expect(readYaml("x: *nope\n").problems.map((p) => [p.line, p.message])).toEqual([[1, "YAML: alias *nope has no anchor &nope before it"]]);
  });
});
