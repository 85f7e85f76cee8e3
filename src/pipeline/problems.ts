import { JetwayError } from "../protocol/errors.ts";

/** A path into the pipeline document: map keys and list indexes. */
export type YamlPath = readonly (string | number)[];

/** One thing wrong with a pipeline. Validation collects all of them rather than stopping at the first. */
export interface Problem {
  /** VAR_MISSING for a ((var)) without a value, PIPELINE_INVALID for everything else */
  code: "PIPELINE_INVALID" | "VAR_MISSING";
  path: YamlPath;
  /** 1-based line in the pipeline file, when the path (or its nearest ancestor) is in the file */
  line: number | undefined;
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `jobs[0].plan[2].params.depth`; keys that are not plain words are quoted. */
export function formatPath(path: YamlPath): string {
  if (path.length === 0) return "(top level)";
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `path (line N): message`, the line `jetway validate` prints per problem. */
export function formatProblem(p: Problem): string {
  const where = p.line === undefined ? formatPath(p.path) : `${formatPath(p.path)} (line ${p.line})`;
  return `${where}: ${p.message}`;
}

/** Problems in document order (by line, then path), as a reader goes through the file. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || formatPath(a.path).localeCompare(formatPath(b.path)));
}

/**
 * One error for a pipeline that does not validate: the message is a one-line
 * summary, stderr lists every problem (for `jetway run`, which reports the way
 * `jetway validate` does).
 */
export function pipelineError(file: string, problems: readonly Problem[]): JetwayError {
  const sorted = sortProblems(problems);
  const first = sorted[0];
  const code = sorted.every((p) => p.code === "VAR_MISSING") ? "VAR_MISSING" : "PIPELINE_INVALID";
  const count = sorted.length === 1 ? "1 problem" : `${sorted.length} problems`;
  const message = `${file}: ${count}${first === undefined ? "" : `; first: ${formatProblem(first)}`}`;
  const stderr = [`${file}: ${count}`, ...sorted.map(formatProblem)].join("\n");
  return new JetwayError(code, message, { stderr });
}
