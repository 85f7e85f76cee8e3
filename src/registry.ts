import * as z from "zod";
import { JetwayError } from "./protocol/errors.ts";
import type { ResourceType } from "./protocol/types.ts";

/**
 * The set of resource types jetway implements natively. The CLI, the entry
 * points and (later) the runner's executor all look types up here, so adding
 * a type means adding a folder under resource-types/ and registering it.
 */
export class ResourceTypeRegistry {
  readonly #types = new Map<string, ResourceType>();

  register(type: ResourceType): this {
    if (this.#types.has(type.name)) {
      throw new JetwayError("DUPLICATE_TYPE", `resource type ${JSON.stringify(type.name)} is already registered`);
    }
    this.#types.set(type.name, type);
    return this;
  }

  get(name: string): ResourceType {
    const type = this.#types.get(name);
    if (type === undefined) {
      const known = this.list().map((t) => t.name).join(", ") || "none";
      throw new JetwayError("UNKNOWN_TYPE", `unknown resource type ${JSON.stringify(name)} (known: ${known})`);
    }
    return type;
  }

  list(): ResourceType[] {
    return [...this.#types.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  isNative(name: string): boolean {
    return this.#types.has(name);
  }

  /** JSON Schema (draft 2020-12) of a type's source, version and params, generated from its zod schemas. */
  jsonSchema(name: string): TypeJsonSchema {
    const { schemas } = this.get(name);
    const toSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
    return {
      type: name,
      source: toSchema(schemas.source),
      version: toSchema(schemas.version),
      get_params: toSchema(schemas.getParams),
      put_params: toSchema(schemas.putParams),
    };
  }
}

export interface TypeJsonSchema {
  type: string;
  source: unknown;
  version: unknown;
  get_params: unknown;
  put_params: unknown;
}
