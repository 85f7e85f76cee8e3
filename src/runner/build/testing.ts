/**
 * For the build engine's tests: a real native driver in a temporary root, the
 * in-process executor over the built-in types, pipelines from YAML checked
 * with the pipeline schema, and a recorder that keeps every event.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { createDefaultRegistry } from "../../../resource-types/index.ts";
import { InProcessExecutor } from "../../executor/in-process.ts";
import { nativeDriver } from "../../orchestra/native/index.ts";
import type { Driver } from "../../orchestra/types.ts";
import { pipelineSchema, type Pipeline } from "../../pipeline/types.ts";
import type { Metadata, Version } from "../../protocol/types.ts";
import { runBuild } from "./run-build.ts";
import type { BuildOptions, BuildOutcome, BuildRecorder, StepRef, StepStatus } from "./types.ts";

export type RecordedEvent =
  | { type: "started"; step: StepRef }
  | { type: "finished"; step: StepRef; status: StepStatus; detail: string | undefined }
  | { type: "log"; step: StepRef; stream: "stdout" | "stderr"; text: string }
  | { type: "input" | "output"; step: StepRef; resource: string; version: Version; metadata: Metadata };

export class MemoryRecorder implements BuildRecorder {
  readonly events: RecordedEvent[] = [];
  /** called after each event is stored, for tests that act when a step starts or logs */
  onEvent: ((event: RecordedEvent) => void) | undefined;

  stepStarted(step: StepRef): void {
    this.#push({ type: "started", step });
  }
  stepFinished(step: StepRef, status: StepStatus, detail?: string): void {
    this.#push({ type: "finished", step, status, detail });
  }
  log(step: StepRef, stream: "stdout" | "stderr", text: string): void {
    this.#push({ type: "log", step, stream, text });
  }
  input(step: StepRef, resource: string, version: Version, metadata: Metadata): void {
    this.#push({ type: "input", step, resource, version, metadata });
  }
  output(step: StepRef, resource: string, version: Version, metadata: Metadata): void {
    this.#push({ type: "output", step, resource, version, metadata });
  }

  /** Every finished step as `id status` (with `#attempt` when retried), in order. */
  finished(): string[] {
    return this.events.flatMap((e) => (e.type === "finished" ? [`${e.step.id}${e.step.attempt ? `#${e.step.attempt}` : ""} ${e.status}`] : []));
  }
  /** The last finish of a step: status and detail. */
  result(id: string, attempt?: number): { status: StepStatus; detail: string | undefined } | undefined {
    const found = this.events.filter((e) => e.type === "finished" && e.step.id === id && (attempt === undefined || e.step.attempt === attempt)).pop();
    return found?.type === "finished" ? { status: found.status, detail: found.detail } : undefined;
  }
  /** All text a step logged on a stream. */
  text(id: string, stream: "stdout" | "stderr" = "stdout"): string {
    return this.events.map((e) => (e.type === "log" && e.step.id === id && e.stream === stream ? e.text : "")).join("");
  }
  ref(id: string): StepRef | undefined {
    return this.events.find((e) => e.type === "started" && e.step.id === id)?.step;
  }

  #push(event: RecordedEvent): void {
    this.events.push(event);
    this.onEvent?.(event);
  }
}

/** A pipeline from YAML or an object, through the real schema (a test with a bad pipeline fails here, loudly). */
export function pipeline(doc: string | Record<string, unknown>): Pipeline {
  const parsed = pipelineSchema.safeParse(typeof doc === "string" ? parseYaml(doc) : doc);
  if (!parsed.success) throw new Error(`test pipeline does not validate: ${JSON.stringify(parsed.error.issues)}`);
  return parsed.data;
}

export interface Harness {
  driver: Driver;
  warnings: string[];
  run(p: Pipeline, job: string, options?: Partial<Pick<BuildOptions, "inputs" | "signal" | "vars" | "buildName">> & { recorder?: MemoryRecorder }): Promise<{
    outcome: BuildOutcome;
    recorder: MemoryRecorder;
  }>;
  close(): Promise<void>;
}

let counter = 0;

export async function harness(): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), "jetway-build-test-"));
  const warnings: string[] = [];
  const driver = await nativeDriver.create({
    namespace: `build-${process.pid}-${counter++}`,
    params: { root },
    warn: (line) => warnings.push(line),
  });
  const executor = new InProcessExecutor(createDefaultRegistry());
  let builds = 0;
  return {
    driver,
    warnings,
    async run(p, jobName, options = {}) {
      const job = p.jobs?.find((j) => j.name === jobName);
      if (job === undefined) throw new Error(`test pipeline has no job ${jobName}`);
      const recorder = options.recorder ?? new MemoryRecorder();
      const outcome = await runBuild({
        pipeline: p,
        job,
        buildName: options.buildName ?? String(++builds),
        pipelineName: "test",
        inputs: options.inputs ?? new Map(),
        ...(options.vars !== undefined && { vars: options.vars }),
        driver,
        executor,
        recorder,
        signal: options.signal ?? new AbortController().signal,
      });
      return { outcome, recorder };
    },
    async close() {
      await driver.close().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A task config running one shell script on the host, with a PATH (native tasks get no env of their own). */
export function shTask(script: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    platform: "linux",
    run: { path: "sh", args: ["-ec", script] },
    params: { PATH: "/usr/local/bin:/usr/bin:/bin" },
    ...extra,
  };
}
