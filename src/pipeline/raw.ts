/**
 * Defensive readers over the pipeline as plain data. The cross-reference
 * checks run even when the schema check found problems (so every problem is
 * reported in one go), hence they never assume a shape.
 */
export type RawMap = Record<string, unknown>;

export const asMap = (v: unknown): RawMap | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as RawMap) : undefined;

export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A name that still holds a ((var)) is only known at run time; checks leave it alone. */
export const isDynamic = (s: string): boolean => s.includes("((");

/** Does any string anywhere in the value still hold a ((var))? */
export function hasDynamic(v: unknown): boolean {
  if (typeof v === "string") return isDynamic(v);
  if (Array.isArray(v)) return v.some(hasDynamic);
  const m = asMap(v);
  return m !== undefined && Object.entries(m).some(([k, x]) => isDynamic(k) || hasDynamic(x));
}

/** Named entries of a top-level list, with their index. */
export function named(list: unknown): { index: number; name: string; value: RawMap }[] {
  const out: { index: number; name: string; value: RawMap }[] = [];
  asList(list).forEach((v, index) => {
    const m = asMap(v);
    const name = asString(m?.name);
    if (m && name !== undefined) out.push({ index, name, value: m });
  });
  return out;
}
