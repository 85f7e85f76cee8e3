/**
 * Checks: each resource's check runs from its latest stored version (none the
 * first time, so the type returns only its latest), and the versions it
 * returns are stored in order. A version a job pins that no check has
 * returned yet is looked for by one check from that version. Resources that
 * are not native run through the executor's container fallback when it has one.
 */
import * as z from "zod";
import type { ResourceExecutor, ResourceOperation } from "../executor/types.ts";
import type { Driver } from "../orchestra/types.ts";
import { durationMs } from "./durations.ts";
import { errorMessage } from "./errors.ts";
import type { ResourceModel } from "./model.ts";
import { matchesPin } from "./resolve.ts";
import type { StateStore } from "../state/index.ts";
import type { Version } from "../protocol/types.ts";

// Go types print a nil slice as null: no versions
const checkResponseSchema = z.array(z.record(z.string(), z.string())).nullable();

/** Concourse's default check_timeout. */
const DEFAULT_CHECK_TIMEOUT = "1h";

export interface CheckReport {
  resource: string;
  /** versions stored for the first time */
  added: number;
  /** set when the check did not run or failed */
  error?: string;
  /** not checked on purpose (check_every: never, not native) */
  skipped?: string;
  how?: string;
}

export interface CheckerOptions {
  store: StateStore;
  executor: ResourceExecutor;
  driver: Driver;
  /** the executor runs resources that are not native (the container fallback); false until it does */
  executorHandlesFallback: boolean;
  signal: AbortSignal;
  /** the pipeline's resource_types: the executor resolves custom types' images from them */
  resourceTypes?: ResourceOperation["resourceTypes"];
}

export class Checker {
  readonly #o: CheckerOptions;
  /** why a resource has no versions, for resolution messages */
  readonly #why = new Map<string, string>();

  constructor(options: CheckerOptions) {
    this.#o = options;
  }

  whyNoVersions(resource: string): string | undefined {
    return this.#why.get(resource);
  }

  /** Why this resource is not checked at all, or undefined when it is. */
  skipReason(resource: ResourceModel): string | undefined {
    if (resource.config.check_every === "never") return "check_every: never";
    const exec = resource.execution;
    if (exec.kind === "native" || this.#o.executorHandlesFallback) return undefined;
    if (exec.kind === "invalid") return exec.message;
    const why = exec.reason === "native-false" ? "native: false" : exec.reason === "overridden" ? "its type is redefined in resource_types" : `type ${resource.config.type} is not native`;
    return `not native (${why}) and this executor has no container fallback`;
  }

  async check(resource: ResourceModel): Promise<CheckReport> {
    const name = resource.config.name;
    const skipped = this.skipReason(resource);
    if (skipped !== undefined) {
      this.#why.set(name, `not checked: ${skipped}`);
      return { resource: name, added: 0, skipped };
    }
    const { store } = this.#o;
    let added = 0;
    let how: string | undefined;
    try {
      const latest = store.versions.latest(resource.id);
      const first = await this.#run(resource, latest?.version);
      how = first.how;
      added += store.versions.saveChecked(resource.id, first.versions).length;
      for (const pin of resource.pins) {
        if (store.versions.list(resource.id).some((v) => matchesPin(v.version, pin))) continue;
        const fromPin = await this.#run(resource, pin);
        added += store.versions.saveChecked(resource.id, fromPin.versions).length;
      }
      this.#why.delete(name);
      return { resource: name, added, how };
    } catch (e) {
      const error = errorMessage(e);
      store.versions.saveCheckError(resource.id, error);
      this.#why.set(name, `check failed: ${error}`);
      return { resource: name, added, error, ...(how !== undefined && { how }) };
    }
  }

  async #run(resource: ResourceModel, from: Version | undefined): Promise<{ versions: { version: Version }[]; how: string }> {
    const timeout = durationMs(resource.config.check_timeout ?? DEFAULT_CHECK_TIMEOUT);
    const signal = AbortSignal.any([this.#o.signal, AbortSignal.timeout(timeout)]);
    let stderr = "";
    const request: Record<string, unknown> = { source: resource.source };
    if (from !== undefined) request.version = from;
    const result = await this.#o.executor.run(
      {
        op: "check",
        resourceName: resource.config.name,
        type: resource.config.type,
        request,
        ...(resource.config.native !== undefined && { native: resource.config.native }),
        ...(this.#o.resourceTypes && { resourceTypes: this.#o.resourceTypes }),
        env: {},
        signal,
        stderr: (text) => {
          stderr += text;
        },
      },
      this.#o.driver,
    );
    const parsed = checkResponseSchema.safeParse(result.response);
    if (!parsed.success) {
      const lastLine = stderr.trim().split("\n").pop();
      throw new Error(`check returned ${JSON.stringify(result.response)?.slice(0, 200)}, not a list of versions${lastLine ? ` (${lastLine})` : ""}`);
    }
    return { versions: (parsed.data ?? []).map((version) => ({ version })), how: `${result.how}: ${result.why}` };
  }
}
