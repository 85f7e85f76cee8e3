/**
 * The handful of jq operations upstream's scripts apply to a request, with
 * jq 1.6's runtime errors. A script line like `x=$(jq -r '.source.paths[]')`
 * dies with that error (set -e), so a wrongly typed field fails the same way.
 */
import { isJqObject, kindName, truncatedDump, truthy, type JqValue } from "./value.ts";

/** A jq runtime error; `message` is what follows "jq: error (at <stdin>:N): ". */
export class JqRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JqRuntimeError";
  }
}

const describe = (v: JqValue) => `${kindName(v)} (${truncatedDump(v)})`;

/** `.key` */
export function index(v: JqValue, key: string): JqValue {
  if (v === null) return null;
  if (isJqObject(v)) return v.get(key) ?? null;
  throw new JqRuntimeError(`Cannot index ${kindName(v)} with string "${key}"`);
}

/** `.a.b.c` */
export function path(v: JqValue, ...keys: string[]): JqValue {
  return keys.reduce(index, v);
}

/** `a // b` */
export function alt(v: JqValue, fallback: JqValue): JqValue {
  return truthy(v) ? v : fallback;
}

/** `.[]` */
export function iterate(v: JqValue): JqValue[] {
  if (Array.isArray(v)) return v;
  if (isJqObject(v)) return [...v.values()];
  throw new JqRuntimeError(v === null ? "Cannot iterate over null" : `Cannot iterate over ${describe(v)}`);
}

/** `keys_unsorted` */
export function keysUnsorted(v: JqValue): JqValue[] {
  if (isJqObject(v)) return [...v.keys()];
  if (Array.isArray(v)) return v.map((_, i) => i);
  throw new JqRuntimeError(`${describe(v)} has no keys`);
}

/** `"prefix" + v` */
export function addToString(prefix: string, v: JqValue): string {
  if (v === null) return prefix;
  if (typeof v === "string") return prefix + v;
  throw new JqRuntimeError(`string (${truncatedDump(prefix)}) and ${describe(v)} cannot be added`);
}

/** `length` */
export function length(v: JqValue): number {
  if (v === null) return 0;
  if (typeof v === "boolean") throw new JqRuntimeError(`boolean (${v}) has no length`);
  if (typeof v === "number") return Math.abs(v);
  if (typeof v === "string") return [...v].length;
  if (Array.isArray(v)) return v.length;
  return v.size;
}
