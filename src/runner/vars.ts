import type { Vars } from "../pipeline/vars.ts";

/**
 * The run's vars as the build engine reads them for task files: by top-level
 * name. Vars given for a var source (`-v vault:x=...`) only answer
 * `((vault:x))` in the pipeline, as in Concourse, so they are left out.
 */
export function runVars(vars: Vars): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name } of vars.leaves()) {
    if (name.includes(":")) continue;
    const top = /^[^.[]+/.exec(name)?.[0];
    if (top === undefined || Object.hasOwn(out, top)) continue;
    const found = vars.lookup({ text: top, source: undefined, name: top, fields: [] });
    if (found.found) out[top] = found.value;
  }
  return out;
}
