import type { VarRef } from "./var-ref.ts";

/** One value given on the command line or in a vars file. */
export interface VarAssignment {
  /** where it came from, for messages: `-v`, `-y` or the vars file's name */
  origin: string;
  /** undefined for a file: the file's top-level keys are the names */
  ref: VarRef | undefined;
  value: unknown;
}

export type VarLookup = { found: true; value: unknown } | { found: false; message: string };

type VarMap = Record<string, unknown>;

const isMap = (v: unknown): v is VarMap => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The static vars of one run, with fly's precedence: `-v`/`-y` flags first
 * (a later flag overrides an earlier one for the same name or field), then
 * `-l` files (a later file overrides an earlier one, whole top-level names).
 * A var with a source (`-v vault:key=...`) answers only `((vault:key))`.
 */
export class Vars {
  /** flag vars by source name ("" for the pipeline's own) */
  readonly #flags = new Map<string, VarMap>();
  /** files, last given first */
  readonly #files: VarMap[] = [];

  constructor(assignments: readonly VarAssignment[] = []) {
    for (const a of assignments) {
      if (a.ref === undefined) {
        if (isMap(a.value)) this.#files.unshift(a.value);
        continue;
      }
      const scope = this.#flags.get(a.ref.source ?? "") ?? {};
      this.#flags.set(a.ref.source ?? "", scope);
      setPath(scope, [a.ref.name, ...a.ref.fields], a.value);
    }
  }

  lookup(ref: VarRef): VarLookup {
    const source = ref.source ?? "";
    let value: unknown;
    let found = false;
    const flags = this.#flags.get(source);
    if (flags && Object.hasOwn(flags, ref.name)) {
      value = flags[ref.name];
      found = true;
    } else if (source === "") {
      const file = this.#files.find((f) => Object.hasOwn(f, ref.name));
      if (file) {
        value = file[ref.name];
        found = true;
      }
    }
    if (!found) return { found: false, message: `no value for var ${describe(ref, 0)}` };
    for (let i = 0; i < ref.fields.length; i++) {
      const field = ref.fields[i]!;
      if (!isMap(value) || !Object.hasOwn(value, field)) {
        return { found: false, message: `var ${describe(ref, i)} has no field ${JSON.stringify(field)}` };
      }
      value = value[field];
    }
    return { found: true, value };
  }

  /** Every value given, flattened to `name.field` leaves: for redacting secrets from logs. */
  leaves(): { name: string; value: unknown }[] {
    const out: { name: string; value: unknown }[] = [];
    const visit = (prefix: string, v: unknown) => {
      if (isMap(v)) for (const [k, x] of Object.entries(v)) visit(prefix === "" ? k : `${prefix}.${k}`, x);
      else if (Array.isArray(v)) v.forEach((x, i) => visit(`${prefix}[${i}]`, x));
      else out.push({ name: prefix, value: v });
    };
    for (const [source, scope] of this.#flags) {
      for (const [k, x] of Object.entries(scope)) visit(source === "" ? k : `${source}:${k}`, x);
    }
    for (const file of this.#files) visit("", file);
    return out;
  }
}

/** `name` or `source:name.f1` up to `depth` fields, for messages. */
function describe(ref: VarRef, depth: number): string {
  const path = [ref.name, ...ref.fields.slice(0, depth)].join(".");
  return JSON.stringify(ref.source === undefined ? path : `${ref.source}:${path}`);
}

function setPath(scope: VarMap, path: string[], value: unknown): void {
  let target = scope;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (isMap(next)) target = next;
    else {
      const created: VarMap = {};
      target[key] = created;
      target = created;
    }
  }
  target[path[path.length - 1]!] = value;
}
