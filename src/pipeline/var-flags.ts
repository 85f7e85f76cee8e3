import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { JetwayError } from "../protocol/errors.ts";
import { parseVarRef } from "./var-ref.ts";
import { Vars, type VarAssignment } from "./vars.ts";
import { readYaml } from "./yaml-source.ts";

/**
 * fly's var flags, shared by `jetway validate` and `jetway run`:
 *   -v, --var NAME=VALUE            a string
 *   -y, --yaml-var NAME=YAML        a YAML value
 *   -l, --load-vars-from FILE       a YAML file of name: value
 * NAME may carry fields (`repo.uri=...`) and a source (`vault:token=...`).
 * Precedence is fly's: flags over files, -y over -v, later over earlier.
 */
export type VarFlagKind = "var" | "yaml-var" | "load-vars-from";
export interface VarFlag {
  kind: VarFlagKind;
  arg: string;
}

const FLAGS: Record<string, VarFlagKind> = {
  "-v": "var",
  "--var": "var",
  "-y": "yaml-var",
  "--yaml-var": "yaml-var",
  "-l": "load-vars-from",
  "--load-vars-from": "load-vars-from",
};

/** Takes the var flags out of argv, in order; everything else is returned as `rest`. */
export function takeVarFlags(argv: readonly string[]): { flags: VarFlag[]; rest: string[] } {
  const flags: VarFlag[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const kind = FLAGS[name];
    if (kind === undefined) {
      rest.push(arg);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw new JetwayError("USAGE", `${name} needs a value (${usageOf(kind)})`);
    flags.push({ kind, arg: value });
  }
  return { flags, rest };
}

function usageOf(kind: VarFlagKind): string {
  return kind === "var" ? "NAME=VALUE" : kind === "yaml-var" ? "NAME=YAML" : "FILE";
}

/**
 * Reads the flags' values: YAML for -y, files for -l (relative to cwd). As fly
 * does, every -v is applied before every -y, so a -y wins over a -v of the
 * same name whatever their order; among one kind the later flag wins.
 */
export async function loadVarFlags(flags: readonly VarFlag[], cwd: string = process.cwd()): Promise<Vars> {
  const assignments: VarAssignment[] = [];
  for (const kind of ["var", "yaml-var"] as const) {
    for (const flag of flags) if (flag.kind === kind) assignments.push(parsePair(flag));
  }
  for (const flag of flags) if (flag.kind === "load-vars-from") assignments.push(await readVarsFile(flag.arg, cwd));
  return new Vars(assignments);
}

function parsePair(flag: VarFlag): VarAssignment {
  const origin = flag.kind === "var" ? "-v" : "-y";
  const eq = flag.arg.indexOf("=");
  const ref = eq > 0 ? parseVarRef(flag.arg.slice(0, eq)) : undefined;
  if (ref === undefined) {
    throw new JetwayError("USAGE", `${origin} ${JSON.stringify(flag.arg)}: expected ${usageOf(flag.kind)} with a var name such as name, name.field or source:name`);
  }
  const text = flag.arg.slice(eq + 1);
  if (flag.kind === "var") return { origin, ref, value: text };
  const parsed = readYaml(text);
  const problem = parsed.problems[0];
  if (problem !== undefined) throw new JetwayError("USAGE", `-y ${ref.text}: ${problem.message}`);
  return { origin, ref, value: parsed.value ?? null };
}

async function readVarsFile(file: string, cwd: string): Promise<VarAssignment> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), "utf8");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new JetwayError("USAGE", `-l ${file}: cannot read the vars file: ${why}`);
  }
  const parsed = readYaml(text);
  const problem = parsed.problems[0];
  if (problem !== undefined) throw new JetwayError("USAGE", `-l ${file} (line ${problem.line ?? "?"}): ${problem.message}`);
  const value = parsed.value ?? {};
  if (typeof value !== "object" || Array.isArray(value) || value === null) {
    throw new JetwayError("USAGE", `-l ${file}: a vars file must be a map of name: value`);
  }
  return { origin: file, ref: undefined, value };
}
