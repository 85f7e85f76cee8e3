/** `((.:name))` in step configs, from the scope's local vars; other references are left as written. */
import type { Scope } from "./scope.ts";
import { interpolate, type VarLookup } from "./vars.ts";

export function localLookup(scope: Scope): VarLookup {
  return (ref) => (ref.source === "." ? scope.localVar(ref.name) : "skip");
}

export function interpolateLocal(value: unknown, scope: Scope, where: string): unknown {
  return interpolate(value, localLookup(scope), where);
}
