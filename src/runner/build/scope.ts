/**
 * What a build's steps share by name: artifacts (volumes) and local vars
 * (`((.:name))`). As in Concourse, each across iteration runs in a child scope:
 * it sees everything of its parents, and what it adds stays its own.
 */
import type { Volume } from "../../orchestra/types.ts";
import type { Version } from "../../protocol/types.ts";

export interface Artifact {
  volume: Volume;
  /** set for artifacts a get fetched: what the `image:` of a task needs to name the image */
  fetched?: { type: string; source: Record<string, unknown>; version: Version };
}

export class Scope {
  readonly #parent: Scope | undefined;
  readonly #artifacts = new Map<string, Artifact>();
  readonly #vars = new Map<string, unknown>();

  constructor(parent?: Scope) {
    this.#parent = parent;
  }

  child(): Scope {
    return new Scope(this);
  }

  artifact(name: string): Artifact | undefined {
    return this.#artifacts.get(name) ?? this.#parent?.artifact(name);
  }

  setArtifact(name: string, artifact: Artifact): void {
    this.#artifacts.set(name, artifact);
  }

  /** Every artifact visible here, the nearest one winning for a name. */
  artifacts(): Map<string, Artifact> {
    const all = this.#parent?.artifacts() ?? new Map<string, Artifact>();
    for (const [name, artifact] of this.#artifacts) all.set(name, artifact);
    return all;
  }

  localVar(name: string): { found: true; value: unknown } | { found: false } {
    if (this.#vars.has(name)) return { found: true, value: this.#vars.get(name) };
    return this.#parent?.localVar(name) ?? { found: false };
  }

  setLocalVar(name: string, value: unknown): void {
    this.#vars.set(name, value);
  }
}
