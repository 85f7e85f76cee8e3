/** What every step of one build shares (BuildContext) and what each step runs with (StepContext). */
import { randomUUID } from "node:crypto";
import type { Volume } from "../../orchestra/types.ts";
import type { Scope } from "./scope.ts";
import type { BuildOptions, StepRef } from "./types.ts";

export class BuildContext {
  readonly options: BuildOptions;
  /**
   * Part of every container id and volume name of this build. Drivers adopt a
   * finished container whose id they already know (runContainer is idempotent
   * per id), so a build named like one from a lost state must not meet its
   * leftovers.
   */
  readonly #token = randomUUID().slice(0, 8);
  readonly #volumes: Volume[] = [];

  constructor(options: BuildOptions) {
    this.options = options;
  }

  get recorder(): BuildOptions["recorder"] {
    return this.options.recorder;
  }

  /** A fresh volume for `what` of one step instance; removed when the build ends. */
  async volume(step: StepRef, what: string): Promise<Volume> {
    const volume = await this.options.driver.createVolume(`${this.#prefix()}/${instanceKey(step)}/${what}`);
    this.#volumes.push(volume);
    return volume;
  }

  /** A task cache: one volume per pipeline, job, task and cache path, kept from build to build. */
  cacheVolume(taskName: string, path: string): Promise<Volume> {
    const pipeline = this.options.pipelineName ?? "";
    return this.options.driver.createVolume(`cache/${pipeline}/${this.options.job.name}/${taskName}/${path}`);
  }

  containerId(step: StepRef): string {
    return `${this.#prefix()}/${instanceKey(step)}`;
  }

  /** BUILD_* metadata and ATC_EXTERNAL_URL, as Concourse gives every get and put. */
  resourceEnv(): Record<string, string> {
    const o = this.options;
    const env: Record<string, string> = {
      BUILD_NAME: o.buildName,
      BUILD_JOB_NAME: o.job.name,
      BUILD_TEAM_NAME: o.teamName ?? "main",
    };
    if (o.buildId !== undefined) env.BUILD_ID = o.buildId;
    if (o.pipelineName !== undefined) env.BUILD_PIPELINE_NAME = o.pipelineName;
    if (o.externalUrl !== undefined) env.ATC_EXTERNAL_URL = o.externalUrl;
    return env;
  }

  /** Removes the build's volumes (caches stay); goes on past failures. */
  async cleanup(): Promise<void> {
    const volumes = this.#volumes.splice(0);
    await Promise.allSettled(volumes.map((v) => v.cleanup()));
  }

  #prefix(): string {
    return `${this.options.job.name}/${this.options.buildName}/${this.#token}`;
  }
}

export interface StepContext {
  build: BuildContext;
  scope: Scope;
  /** aborted when the build is aborted, a timeout runs out, or a fail-fast sibling failed */
  signal: AbortSignal;
}

/** A step's id plus its attempt: unique within a build. */
function instanceKey(step: StepRef): string {
  return step.attempt !== undefined && step.attempt > 1 ? `${step.id}#${step.attempt}` : step.id;
}
