import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import type { YamlPath } from "./problems.ts";
import { readCommonYaml } from "./yaml-fast-path.ts";
import { goYamlTags, readYaml, readYamlWithPackage } from "./yaml-source.ts";

const repoRoot = join(import.meta.dirname, "..", "..");
/** property runs per test; FUZZ_RUNS=100000 for a deeper search after changing the fast path */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

function pathsOf(value: unknown, at: YamlPath = [], out: YamlPath[] = []): YamlPath[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
  return out;
}

/**
 * "declined", "same", or what differs. The fast path may decline anything;
 * what it reads must be what `yaml` reads: the same value, a line for every
 * path equal to yaml's, and no reading at all of a text yaml finds errors in.
 */
function compare(text: string): string {
  const fast = readCommonYaml(text, goYamlTags);
  if (fast === undefined) return "declined";
  const slow = readYamlWithPackage(text);
  if (slow.problems.length > 0) return `read a text yaml refuses: ${slow.problems.map((p) => `${p.line}: ${p.message}`).join("; ")}`;
  if (!isDeepStrictEqual(fast.value, slow.value)) return `value ${JSON.stringify(fast.value)}, yaml ${JSON.stringify(slow.value)}`;
  const read = readYaml(text);
  for (const path of [...pathsOf(slow.value), ["no", "such", "key"]]) {
    if (read.lineOf(path) !== slow.lineOf(path)) return `line of ${JSON.stringify(path)}: ${read.lineOf(path)}, yaml ${slow.lineOf(path)}`;
  }
  return "same";
}

const CONSTRUCTS = `# a comment before the document start
---
jobs:
- name: a  # trailing comment
  serial: yes
  plan:
  -   get: x
      params: {depth: 1, "quoted key": 'it''s', e: "tab\\there \\u00e9 \\x41 \\U0001F600", url: http://h/a#b}
  - task: t
    config:
      run:
        path: sh
        args:
        - -ec
        - |
          echo one
            indented # not a comment

          echo two
        strip: |-
          stripped
        keep: |+
          kept

        folded: >
          a
          b

          c
        folded_strip: >-
          x y
          z
  -
    put: y
    params:
      tilde: ~
      nul: null
      octal: 017
      hex: 0x1F
      underscores: 1_000
      exp: -1.5e3
      inf: .inf
      date: 2024-01-01
      sexagesimal: 9:30
      quoted: "9:30"
      bool_on: on
      bool_off: Off
      empty:
      list: []
      map: {}
      nested: [[a, b], {c: d}, [], "e, f", -1]
    # a comment inside
  - do:
    - task: z
      file: a/b.yml
groups:
    - name: g
      jobs: [a]
`;

describe("readCommonYaml", () => {
  it("reads the constructs pipelines are written with, exactly as yaml does", () => {
    expect(compare(CONSTRUCTS)).toBe("same");
    const { value } = readCommonYaml(CONSTRUCTS, goYamlTags)!;
    const job = (value as { jobs: { serial: unknown; plan: { params: Record<string, unknown>; config: { run: Record<string, unknown> } }[] }[] }).jobs[0]!;
    expect(job.serial).toBe(true);
    expect(job.plan[0]!.params.e).toBe("tab\there é A 😀");
    expect(job.plan[1]!.config.run).toMatchObject({ strip: "stripped", keep: "kept\n\n", folded: "a b\nc\n", folded_strip: "x y z" });
    expect(job.plan[2]!.params).toMatchObject({ octal: 15, sexagesimal: "9:30", bool_off: false, empty: null });
  });

  it("reads the repository's pipelines as yaml does, and the plain ones by itself", () => {
    const files = [
      ...readdirSync(join(repoRoot, "examples")).filter((f) => f.endsWith(".yml")).map((f) => join(repoRoot, "examples", f)),
      ...["valid", "invalid"].flatMap((d) => readdirSync(join(repoRoot, "test/pipelines", d)).map((f) => join(repoRoot, "test/pipelines", d, f))),
    ];
    expect(files.length).toBeGreaterThan(5);
    const results = files.map((f) => [f.slice(repoRoot.length + 1), compare(readFileSync(f, "utf8"))]);
    expect(results.filter(([, r]) => r !== "same" && r !== "declined")).toEqual([]);
    const read = new Set(results.filter(([, r]) => r === "same").map(([f]) => f));
    for (const f of ["examples/hello-world.yml", "examples/pipeline.yml", "test/pipelines/valid/all-steps.yml"]) expect(read).toContain(f);
  });

  it.each([
    ["an anchor and alias", "a: &x 1\nb: *x\n"],
    ["a merge key", "<<: {a: 1}\n"],
    ["a tag", "a: !!str 1\n"],
    ["a key YAML 1.1 reads as a boolean", "n: 1\n"],
    ["a key that is a number", "1: a\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a multi-line plain scalar", "a: b\n  c\n"],
    ["a multi-line quoted scalar", 'a: "b\n  c"\n'],
    ["a multi-line flow collection", "a: [b,\n  c]\n"],
    ["an empty list item", "- \n- a\n"],
    ["a second document", "a: 1\n---\nb: 2\n"],
    ["a directive", "%YAML 1.1\n---\na: 1\n"],
    ["a tab", "a:\tb\n"],
    ["CRLF line ends", "a: 1\r\nb: 2\r\n"],
    ["a syntax error", "a: 1\nb: [\n"],
    ["a nested compact mapping", "a: b: c\n"],
    ["a block scalar with an indentation indicator", "a: |2\n   b\n"],
    ["a scalar document", "just text\n"],
    ["an empty document", "# nothing\n"],
  ])("leaves %s to yaml", (_, text) => {
    expect(readCommonYaml(text, goYamlTags)).toBeUndefined();
    expect(readYaml(text)).toEqual(expect.objectContaining({ value: readYamlWithPackage(text).value, problems: readYamlWithPackage(text).problems }));
  });

  const word = fc.constantFrom(
    "a", "name", "get", "yes", "no", "On", "null", "~", "y", "n", "0x1f", "017", "1_0", "1e3", "-1", ".5", "1.", ".", "9:30",
    "2024-01-01", ".inf", ".nan", "<<", "__proto__", "toString", "-ec", "a b", "a:b", "a#b", "http://h/p", "\u00a0", "é",
  );
  const junk = fc.stringMatching(/^[a-z0-9 .:#'"\\[\]{},|>&*!%@`?~\-\u00a0\u0001\u007f\u2003]{0,6}$/);
  const scalarText = fc.oneof(
    { arbitrary: word, weight: 8 },
    { arbitrary: junk, weight: 1 },
    { arbitrary: word.map((w) => `'${w.replaceAll("'", "''")}'`), weight: 2 },
    { arbitrary: word.map((w) => JSON.stringify(w)), weight: 2 },
    { arbitrary: junk.map((w) => `'${w}'`), weight: 1 },
    { arbitrary: junk.map((w) => `"${w}"`), weight: 1 },
  );
  const flow: fc.Arbitrary<string> = fc.letrec<{ flow: string }>((tie) => ({
    flow: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      scalarText,
      fc.array(tie("flow"), { maxLength: 3 }).map((items) => `[${items.join(", ")}]`),
      fc.array(fc.tuple(scalarText, tie("flow")), { maxLength: 3 }).map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(", ")}}`),
    ),
  })).flow;
  const blockScalar = fc
    .tuple(
      fc.constantFrom("|", "|-", "|+", ">", ">-", ">+", "| # c"),
      fc.array(fc.oneof(fc.constant(""), fc.constant(" "), fc.constant("# hash"), junk, word.map((w) => ` ${w}`)), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 2 }),
    )
    .map(([header, lines, blankAfter]) => ({ header, lines, blankAfter }));

  type Tree = { kind: "scalar"; text: string } | { kind: "block"; header: string; lines: string[]; blankAfter: number } | { kind: "map"; entries: [string, Tree][] } | { kind: "seq"; items: Tree[] };
  const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.oneof(scalarText, flow).map((text) => ({ kind: "scalar" as const, text })),
      blockScalar.map((b) => ({ kind: "block" as const, ...b })),
      fc.array(fc.tuple(fc.oneof({ arbitrary: fc.constantFrom("name", "plan", "get", "a", "b", "c"), weight: 6 }, scalarText), tie("tree")), { minLength: 1, maxLength: 4 }).map((entries) => ({ kind: "map" as const, entries })),
      fc.array(tie("tree"), { minLength: 1, maxLength: 4 }).map((items) => ({ kind: "seq" as const, items })),
    ),
  })).tree;
  // a pipeline is a map; a list at the top is YAML too
  const document = tree.filter((t) => t.kind === "map" || t.kind === "seq");
  const style = fc.record({
    step: fc.integer({ min: 1, max: 4 }),
    compact: fc.boolean(),
    dashOwnLine: fc.boolean(),
    comments: fc.boolean(),
    blanks: fc.boolean(),
  });

  /** Renders a tree as YAML-like text; not always valid YAML, which is the point: the property holds either way. */
  function render(t: Tree, s: { step: number; compact: boolean; dashOwnLine: boolean; comments: boolean; blanks: boolean }): string {
    const out: string[] = [];
    const pad = (n: number) => " ".repeat(n);
    const after = (v: Tree, indent: number, compactSeq: boolean): string => {
      if (v.kind === "scalar") return ` ${v.text}${s.comments ? " # c" : ""}`;
      if (v.kind === "block") {
        const body = v.lines.map((l) => (l === "" ? "" : pad(indent + s.step) + l));
        return ` ${v.header}\n${body.join("\n")}${"\n".repeat(v.blankAfter)}`;
      }
      const inner = v.kind === "seq" && compactSeq && s.compact ? indent : indent + s.step;
      return `\n${lines(v, inner)}`;
    };
    const lines = (v: Tree, indent: number): string => {
      if (v.kind === "map") {
        return v.entries.map(([k, x]) => `${pad(indent)}${k}:${after(x, indent, true)}`).join(s.blanks ? "\n\n" : "\n");
      }
      if (v.kind === "seq") {
        return v.items
          .map((x) => {
            if (x.kind === "map" && !s.dashOwnLine) {
              const body = lines(x, indent + 2);
              return `${pad(indent)}- ${body.slice(indent + 2)}`;
            }
            if (x.kind === "map" || x.kind === "seq") return `${pad(indent)}-${s.comments ? " # c" : ""}\n${lines(x, indent + s.step)}`;
            return `${pad(indent)}-${after(x, indent, false)}`;
          })
          .join("\n");
      }
      return `${pad(indent)}${v.kind === "scalar" ? v.text : ""}`;
    };
    out.push(lines(t, 0));
    return out.join("\n") + "\n";
  }

  it("reads generated documents as yaml does, or leaves them to it", () => {
    let read = 0;
    fc.assert(
      fc.property(document, style, (t, s) => {
        const result = compare(render(t, s));
        if (result === "same") read++;
        expect(result === "same" || result === "declined" ? "ok" : result).toBe("ok");
      }),
      { numRuns: FUZZ_RUNS },
    );
    // the property says nothing if everything is declined
    expect(read).toBeGreaterThan(400);
  });

  it("reads edited pipelines as yaml does, or leaves them to it", () => {
    const base = [CONSTRUCTS, readFileSync(join(repoRoot, "test/pipelines/valid/all-steps.yml"), "utf8"), readFileSync(join(repoRoot, "examples/pipeline.yml"), "utf8")];
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.integer({ min: 0, max: 3 }),
      insert: fc.constantFrom("", " ", "  ", "\n", "\n  ", ":", ": ", "- ", "-", "#", " #x", "'", '"', "[", "]", "{", "}", ",", "|", "|-\n", ">", "\\", "~", "yes", "1", "&a ", "*a", "!!str ", "?", "%", "@", "---\n", "..."),
    });
    fc.assert(
      fc.property(fc.nat({ max: base.length - 1 }), fc.nat(), fc.integer({ min: 3, max: 30 }), fc.array(edit, { minLength: 1, maxLength: 3 }), (which, from, count, edits) => {
        const all = base[which]!.split("\n");
        const start = from % all.length;
        let text = all.slice(start, start + count).join("\n") + "\n";
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        }
        const result = compare(text);
        expect(result === "same" || result === "declined" ? "ok" : `${JSON.stringify(text)}: ${result}`).toBe("ok");
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
