/**
 * The BuildRecorder of one build: every event goes to the state store and to
 * the live output. Logs are redacted first (per step and stream, so a secret
 * split across chunks is still caught), then stored as chunks and printed as
 * whole lines prefixed by the build and step.
 */
import type { BuildOutcome, BuildRecorder, StepRef, StepStatus } from "../build/types.ts";
import type { Metadata, Version } from "../../protocol/types.ts";
import { redact } from "../../protocol/secrets.ts";
import { canonicalVersion, type StateStore } from "../../state/index.ts";
import { LineSplitter } from "./lines.ts";
import { StreamRedactor } from "./redactor.ts";
import { buildLabel, formatDuration } from "./style.ts";
import type { Terminal } from "./terminal.ts";

export interface BuildOutputOptions {
  store: StateStore;
  terminal: Terminal;
  buildId: number;
  job: string;
  number: number;
  /** the store's resource id of each resource of the pipeline (its current config) */
  resourceIds: ReadonlyMap<string, number>;
  secrets: ReadonlySet<string>;
  now?: () => number;
}

const SGR = /\x1b\[[0-9;]*m/g;

/** Steps that do work themselves; compound steps (do, try, in_parallel, across) only group them. */
const LEAF_KINDS = new Set(["get", "put", "task", "load_var", "set_pipeline"]);

interface StreamState {
  step: StepRef;
  stream: "stdout" | "stderr";
  redactor: StreamRedactor;
  lines: LineSplitter;
}

export class BuildOutput implements BuildRecorder {
  readonly #o: BuildOutputOptions;
  readonly #now: () => number;
  readonly #streams = new Map<string, StreamState>();
  readonly #started = new Map<string, number>();
  readonly #label: string;
  #seq = 0;

  constructor(options: BuildOutputOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#label = buildLabel(options.job, options.number);
  }

  /** The build's first line: why it runs and with what. */
  announce(reason: string, inputs: readonly { name: string; version: Version }[]): void {
    const style = this.#o.terminal.style;
    const list = inputs.map((i) => `${i.name} ${canonicalVersion(i.version)}`).join(", ");
    this.#o.terminal.line(`${this.#prefix()} ${style.bold("started")} (${this.#safe(reason)})${list ? `: ${this.#safe(list)}` : ""}`);
  }

  /** The build's last line. */
  finished(outcome: BuildOutcome, durationMs: number): void {
    const style = this.#o.terminal.style;
    const detail = outcome.detail === undefined ? "" : `: ${this.#safe(outcome.detail)}`;
    this.#o.terminal.line(`${this.#prefix()} ${style.status(outcome.status, outcome.status)} in ${formatDuration(durationMs)}${detail}`);
  }

  stepStarted(step: StepRef): void {
    this.#o.store.builds.stepStarted(this.#o.buildId, stepRow(step), this.#seq++, this.#now());
    this.#started.set(instance(step), this.#now());
    if (!LEAF_KINDS.has(step.kind)) return;
    this.#o.terminal.line(`${this.#prefix()} ${this.#stepTitle(step)}`);
    if (step.kind === "get" || step.kind === "put") this.#o.terminal.startProgress(this.#progressKey(step), `${this.#label} ${step.kind} ${step.name}`);
  }

  stepFinished(step: StepRef, status: StepStatus, detail?: string): void {
    for (const stream of ["stdout", "stderr"] as const) this.#flushStream(step, stream);
    const safeDetail = detail === undefined ? undefined : this.#safe(detail);
    this.#o.store.builds.stepFinished(this.#o.buildId, stepRow(step), status, safeDetail, this.#seq++, this.#now());
    if (!LEAF_KINDS.has(step.kind)) return;
    this.#o.terminal.stopProgress(this.#progressKey(step));
    const since = this.#started.get(instance(step));
    const took = since === undefined ? "" : ` (${formatDuration(this.#now() - since)})`;
    const style = this.#o.terminal.style;
    this.#o.terminal.line(`${this.#prefix()} ${this.#stepTitle(step)}: ${style.status(status, status)}${safeDetail ? ` ${style.dim("-")} ${safeDetail}` : ""}${took}`);
  }

  log(step: StepRef, stream: "stdout" | "stderr", text: string): void {
    const state = this.#stream(step, stream);
    this.#emit(step, stream, state, state.redactor.push(text));
  }

  input(step: StepRef, resource: string, version: Version, metadata: Metadata): void {
    const resourceId = this.#o.resourceIds.get(resource);
    if (resourceId !== undefined) {
      const stored = this.#o.store.versions.find(resourceId, version) ?? this.#o.store.versions.saveUnchecked(resourceId, version, metadata, this.#now());
      this.#o.store.builds.addInput(this.#o.buildId, step.name, stored.id);
    }
    this.#o.terminal.line(`${this.#prefix()} ${this.#stepTitle(step)}: fetched ${canonicalVersion(version)}`);
  }

  output(step: StepRef, resource: string, version: Version, metadata: Metadata): void {
    const resourceId = this.#o.resourceIds.get(resource);
    if (resourceId !== undefined) {
      const stored = this.#o.store.versions.saveUnchecked(resourceId, version, metadata, this.#now());
      this.#o.store.builds.addOutput(this.#o.buildId, stored.id);
    }
    this.#o.terminal.line(`${this.#prefix()} ${this.#stepTitle(step)}: created ${canonicalVersion(version)}`);
  }

  /** Whatever is still held back by the redactors (a build that ended without finishing its steps). */
  close(): void {
    for (const state of [...this.#streams.values()]) this.#flushStream(state.step, state.stream);
  }

  #stream(step: StepRef, stream: "stdout" | "stderr"): StreamState {
    const key = streamKey(step, stream);
    let state = this.#streams.get(key);
    if (state === undefined) {
      state = { step, stream, redactor: new StreamRedactor(this.#o.secrets), lines: new LineSplitter() };
      this.#streams.set(key, state);
    }
    return state;
  }

  #flushStream(step: StepRef, stream: "stdout" | "stderr"): void {
    const key = streamKey(step, stream);
    const state = this.#streams.get(key);
    if (state === undefined) return;
    this.#streams.delete(key);
    this.#emit(step, stream, state, state.redactor.flush());
    for (const line of state.lines.flush()) this.#printLine(step, line);
  }

  #emit(step: StepRef, stream: "stdout" | "stderr", state: StreamState, text: string): void {
    if (text === "") return;
    this.#o.store.builds.log(this.#o.buildId, this.#seq++, { id: step.id, attempt: step.attempt ?? 0 }, stream, text, this.#now());
    for (const line of state.lines.push(text)) this.#printLine(step, line);
  }

  #printLine(step: StepRef, line: string): void {
    const style = this.#o.terminal.style;
    // colour codes a program wrote anyway (logrus does) would be noise in a file or a CI log
    const text = this.#o.terminal.color ? line : line.replace(SGR, "");
    this.#o.terminal.line(`${this.#prefix()} ${style.bold(step.name)} ${style.dim("|")} ${text}`);
  }

  #prefix(): string {
    return this.#o.terminal.style.job(this.#o.job, this.#label);
  }

  #stepTitle(step: StepRef): string {
    const attempt = step.attempt !== undefined ? ` (attempt ${step.attempt})` : "";
    return `${step.kind} ${step.name}${attempt}`;
  }

  #progressKey(step: StepRef): string {
    return `${this.#o.buildId}/${instance(step)}`;
  }

  #safe(text: string): string {
    return redact(text, this.#o.secrets);
  }
}

function instance(step: StepRef): string {
  return step.attempt === undefined ? step.id : `${step.id}#${step.attempt}`;
}

function streamKey(step: StepRef, stream: string): string {
  return `${instance(step)}\u0000${stream}`;
}

function stepRow(step: StepRef): { id: string; attempt: number; kind: string; name: string } {
  return { id: step.id, attempt: step.attempt ?? 0, kind: step.kind, name: step.name };
}
