/** Driver parameters from the spec's query string, checked with the driver's zod schema. */
import * as z from "zod";
import { JetwayError } from "../protocol/errors.ts";

export function parseParams<S extends z.ZodObject>(driver: string, schema: S, params: Record<string, string>): z.infer<S> {
  const known = Object.keys(schema.shape);
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      const list = known.length > 0 ? known.join(", ") : "none";
      throw new JetwayError("INVALID_CONFIG", `${driver} driver: unknown parameter ${JSON.stringify(key)} (known: ${list})`);
    }
  }
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join(".") || "parameters";
    throw new JetwayError("INVALID_CONFIG", `${driver} driver: parameter ${key}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Rejects a `NAME://TARGET` spec for drivers that take no target. */
export function noTarget(driver: string, target: string | undefined): void {
  if (target !== undefined) {
    throw new JetwayError("INVALID_CONFIG", `${driver} driver takes no target (got "${driver}://${target}")`);
  }
}
