/**
 * Drivers by name. Each driver folder exports a DriverFactory and drivers.ts
 * lists them; createDriver parses a spec and hands the factory its options.
 */
import { JetwayError } from "../protocol/errors.ts";
import { validateNamespace } from "./names.ts";
import { parseDriverSpec } from "./spec.ts";
import type { Driver, DriverFactory } from "./types.ts";

export interface CreateDriverOptions {
  namespace: string;
  /** one line per warning (limits not enforced, user ignored, ...) */
  warn?: (line: string) => void;
}

export class DriverRegistry {
  readonly #factories = new Map<string, DriverFactory>();

  register(factory: DriverFactory): this {
    // two drivers under one name is a programming error, not a user's
    if (this.#factories.has(factory.name)) throw new Error(`driver ${JSON.stringify(factory.name)} is registered twice`);
    this.#factories.set(factory.name, factory);
    return this;
  }

  get(name: string): DriverFactory {
    const factory = this.#factories.get(name);
    if (factory === undefined) {
      const known = this.names().join(", ") || "none";
      throw new JetwayError("INVALID_CONFIG", `unknown driver ${JSON.stringify(name)} (known: ${known})`);
    }
    return factory;
  }

  names(): string[] {
    return [...this.#factories.keys()].sort();
  }

  /** `native`, `docker?volumes=host`, `k8s://ns?kubeconfig=...` -> a ready driver. */
  async create(spec: string, options: CreateDriverOptions): Promise<Driver> {
    const parsed = parseDriverSpec(spec);
    const factory = this.get(parsed.name);
    const namespace = validateNamespace(options.namespace);
    return factory.create({
      namespace,
      params: parsed.params,
      ...(parsed.target !== undefined ? { target: parsed.target } : {}),
      ...(options.warn !== undefined ? { warn: options.warn } : {}),
    });
  }
}
