import type * as z from "zod";
import type { Problem, YamlPath } from "./problems.ts";

type Issue = z.core.$ZodIssue;

/**
 * zod's issues as problems at their place in the file, one per thing wrong:
 * an unknown key is reported at the key, a union (`version: latest | every |
 * {...}`) is resolved to the alternative the value was meant as, and a value
 * still holding an unresolved `((var))` is left alone (it was reported as a
 * missing var, or is a local var filled at run time).
 */
export function issuesToProblems(
  issues: readonly Issue[],
  input: unknown,
  base: YamlPath,
  lineOf: (path: YamlPath) => number | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const add = (path: YamlPath, message: string) => problems.push({ code: "PIPELINE_INVALID", path, line: lineOf(path), message });

  const visit = (issue: Issue, prefix: readonly PropertyKey[]) => {
    const rel = [...prefix, ...issue.path].map(segment);
    const path = [...base, ...rel];
    const value = valueAt(input, rel);
    const show = (v: unknown) => (isSecretKey(path.at(-1)) ? kindOnly(v) : kindOf(v));
    if (typeof value === "string" && value.includes("((")) return;
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) add([...path, key], "unknown key");
        return;
      case "invalid_union": {
        const meant = issue.errors.find((branch) => branch.every((i) => !isMismatchAtRoot(i)));
        if (meant) meant.forEach((i) => visit(i, rel));
        else add(path, `must be ${alternatives(issue.errors)}, not ${show(value)}`);
        return;
      }
      case "invalid_type":
        if (value === undefined) add(path, "is required");
        else add(path, `must be ${expected(issue.expected)}, not ${show(value)}`);
        return;
      case "invalid_value":
        add(path, `must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, not ${show(value)}`);
        return;
      case "too_small":
      case "too_big":
        add(path, defaultBound(issue) ?? issue.message);
        return;
      default:
        add(path, issue.message);
    }
  };
  issues.forEach((i) => visit(i, []));
  return problems;
}

function segment(p: PropertyKey): string | number {
  return typeof p === "number" ? p : String(p);
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** An alternative that failed on the value's kind itself, not on something inside it. */
function isMismatchAtRoot(i: Issue): boolean {
  return i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value" || i.code === "invalid_union");
}

function alternatives(branches: readonly (readonly Issue[])[]): string {
  const names: string[] = [];
  for (const branch of branches) {
    for (const i of branch) {
      if (i.path.length !== 0) continue;
      if (i.code === "invalid_value") names.push(...i.values.map((v) => JSON.stringify(v)));
      else if (i.code === "invalid_type") names.push(expected(i.expected));
      else if (i.code === "invalid_union") names.push(alternatives(i.errors));
    }
  }
  const unique = [...new Set(names)];
  return unique.length <= 1 ? (unique[0] ?? "something else") : `${unique.slice(0, -1).join(", ")} or ${unique.at(-1)}`;
}

function expected(type: string): string {
  switch (type) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
    case "record":
      return "a map";
    default:
      return type;
  }
}

/** What a value is, quoting short scalars so the reader sees which one. */
export function kindOf(v: unknown): string {
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "..." : v)}`;
  if (typeof v === "number") return `the number ${v}`;
  return kindOnly(v);
}

/** What a value is, without showing it. */
function kindOnly(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  if (typeof v === "string") return "a string";
  if (typeof v === "number") return "a number";
  return String(v);
}

// the same keys src/protocol/secrets.ts redacts; a number under them is not redacted there
const SECRET_KEY = /(private_key|password|passphrase|secret|token|credential)/i;
const isSecretKey = (key: string | number | undefined) => typeof key === "string" && SECRET_KEY.test(key);

/** zod's own bound messages ("Too small: expected ...") in our words; our schemas' custom messages pass through. */
function defaultBound(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string | undefined {
  if (!/^Too (small|big)/.test(issue.message)) return undefined;
  const n = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
  const strict = issue.inclusive === false;
  if (issue.origin === "number" || issue.origin === "int") {
    if (issue.code === "too_small") return strict ? `must be greater than ${n}` : `must be at least ${n}`;
    return strict ? `must be less than ${n}` : `must be at most ${n}`;
  }
  const unit = issue.origin === "string" ? "character" : "item";
  return issue.code === "too_small" ? `must have at least ${n} ${unit}${n === 1 ? "" : "s"}` : `must have at most ${n} ${unit}${n === 1 ? "" : "s"}`;
}
