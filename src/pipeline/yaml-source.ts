import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type SchemaOptions } from "yaml";
import type { Problem, YamlPath } from "./problems.ts";
import { readCommonYaml, type LineNode } from "./yaml-fast-path.ts";

/**
 * A pipeline file read as Concourse reads it (Go's yaml.v2 behind
 * sigs.k8s.io/yaml): YAML 1.1, so `yes`/`no`/`on`/`off` are booleans and `<<`
 * merge keys work, but dates stay strings because they end up in JSON. Every
 * key and list item keeps its line, so a problem found later in the plain
 * value can be reported where it is in the file.
 */
export interface YamlSource {
  /** the document as plain JSON-like data; undefined when it could not be read at all */
  value: unknown;
  /** the line of a path, or of its nearest ancestor present in the file */
  lineOf(path: YamlPath): number | undefined;
  /** syntax errors, duplicate keys, anchors gone wrong */
  problems: Problem[];
}

/** Tags YAML 1.1 resolves to values that are not JSON (Date, Buffer, Set, Map). */
const NON_JSON_TAGS = new Set(["timestamp", "binary", "set", "omap", "pairs"].map((t) => `tag:yaml.org,2002:${t}`));

type TagList = Extract<NonNullable<SchemaOptions["customTags"]>, (...args: never[]) => unknown> extends (tags: infer T) => unknown ? T : never;

/**
 * YAML 1.1 as yaml.v2 resolves plain scalars: no non-JSON types, no base-60
 * numbers (`start: 9:30` stays the string "9:30"), and a float needs a digit
 * (`dir: .` stays the string ".").
 */
export function goYamlTags(tags: TagList): TagList {
  const kept = tags.filter((t) => typeof t === "string" || !(NON_JSON_TAGS.has(t.tag) || t.format === "TIME"));
  return kept.map((t) =>
    typeof t !== "string" && t.tag === "tag:yaml.org,2002:float" && "test" in t && t.test?.test(".")
      ? { ...t, test: /^[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*\.[0-9_]*)$/ }
      : t,
  );
}

export function readYaml(text: string): YamlSource {
  // most pipelines are in the subset the fast path reads; the rest, and every error, go through `yaml`
  const fast = readCommonYaml(text, goYamlTags);
  if (fast !== undefined) return withLines(fast.value, fast.lines, []);
  return readYamlWithPackage(text);
}

/** The whole of YAML 1.1 through the `yaml` package: the reference the fast path is held to, and the reader of all the rest. */
export function readYamlWithPackage(text: string): YamlSource {
  const counter = new LineCounter();
  const doc = parseDocument(text, {
    version: "1.1",
    lineCounter: counter,
    uniqueKeys: true,
    prettyErrors: false,
    customTags: goYamlTags,
  });
  const lineAt = (offset: number) => counter.linePos(offset).line;
  const lines: LineNode = { line: undefined, children: undefined };
  const problems: Problem[] = doc.errors.map((e) => ({
    code: "PIPELINE_INVALID",
    path: [],
    line: e.linePos?.[0].line ?? lineAt(e.pos[0]),
    message: `YAML: ${firstLine(e.message)}`,
  }));

  const child = (parent: LineNode, key: string | number, line: number | undefined): LineNode => {
    const node: LineNode = { line, children: undefined };
    (parent.children ??= new Map()).set(key, node);
    return node;
  };
  const path: (string | number)[] = [];
  const walk = (node: unknown, at: LineNode): void => {
    // aliased content is recorded where the alias stands, not where the anchor is
    if (isAlias(node)) {
      if (node.resolve(doc) === undefined) {
        problems.push({ code: "PIPELINE_INVALID", path: [...path], line: at.line, message: `YAML: alias *${node.source} has no anchor &${node.source} before it` });
      }
      return;
    }
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        const key = String(item.key.value);
        const keyNode = item.key as Node;
        path.push(key);
        walk(item.value, child(at, key, keyNode.range ? lineAt(keyNode.range[0]) : at.line));
        path.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const n = item as Node | null;
        path.push(i);
        walk(item, child(at, i, n?.range ? lineAt(n.range[0]) : at.line));
        path.pop();
      });
    }
  };
  const root = doc.contents as Node | null;
  lines.line = root?.range ? lineAt(root.range[0]) : 1;
  walk(root, lines);

  let value: unknown;
  // a duplicate key is reported, yet the rest of the file is still worth checking
  if (problems.length === doc.errors.length && doc.errors.every((e) => e.code === "DUPLICATE_KEY")) {
    try {
      value = doc.toJS({ maxAliasCount: -1 });
    } catch (e) {
      problems.push({ code: "PIPELINE_INVALID", path: [], line: undefined, message: `YAML: ${firstLine(String((e as Error).message))}` });
    }
  }
  return withLines(value, lines, problems);
}

function withLines(value: unknown, lines: LineNode, problems: Problem[]): YamlSource {
  return {
    value,
    problems,
    lineOf(path) {
      let node = lines;
      for (const seg of path) {
        const next = node.children?.get(seg);
        if (next === undefined) break;
        node = next;
      }
      return node.line;
    },
  };
}

/** yaml's messages carry a position and a code excerpt after the first line; the problem has its own line. */
function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}
