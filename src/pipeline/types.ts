import * as z from "zod";
import { parseGoDuration } from "../compat/go-duration.ts";

/**
 * A Concourse pipeline's configuration, as `fly set-pipeline` accepts it, plus
 * jetway's own `native` key on resources. Key names follow the Concourse docs
 * (pipeline, resource, resource_type, job, step and task schemas). Every object
 * is strict: Concourse rejects unknown fields when it validates a pipeline, and
 * so does `jetway validate`.
 *
 * These schemas describe a pipeline AFTER `((var))` interpolation; a local var
 * such as `((.:name))` (across, load_var) is still a string here and is filled
 * by the runner.
 */

// ---------------------------------------------------------------- scalars

const parses = (parse: (s: string) => unknown) => (s: string) => {
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
};

/** A Go duration such as 30s, 1h30m (Concourse parses these with time.ParseDuration). */
export const durationSchema = z.string().refine(parses(parseGoDuration), "not a duration such as 30s, 5m or 1h30m");

/** `check_every`: a Go duration or `never`. */
export const checkEverySchema = z.union([z.literal("never"), durationSchema]);

/** Names of resources, jobs, groups, artifacts: any non-empty string. */
export const identifierSchema = z.string().min(1, "must not be empty");

/** Opaque configuration handed to a resource, as Concourse does (a "config" in its docs). */
export const configSchema = z.record(z.string(), z.unknown());

/** A version: a flat map of strings. */
export const versionSchema = z.record(z.string(), z.string());

/** Task environment params: scalars are stringified by Concourse; kept as given here. */
export const taskParamsSchema = z.record(z.string(), z.unknown());

/** `max_in_flight` of across: a positive number or `all`. */
export const maxInFlightSchema = z.union([z.literal("all"), z.number().int().positive()]);

/** Task `container_limits`: cpu shares and memory (bytes, or a size such as 1GB). */
export const containerLimitsSchema = z.strictObject({
  cpu: z.number().int().nonnegative().nullable().optional(),
  memory: z.union([z.number().int().nonnegative(), z.string()]).nullable().optional(),
});
export type ContainerLimits = z.infer<typeof containerLimitsSchema>;

// ---------------------------------------------------------------- task config

export const imageResourceSchema = z.strictObject({
  type: identifierSchema,
  source: configSchema.optional(),
  params: configSchema.optional(),
  version: versionSchema.optional(),
});
export type ImageResource = z.infer<typeof imageResourceSchema>;

export const taskInputSchema = z.strictObject({
  name: identifierSchema,
  path: z.string().optional(),
  optional: z.boolean().optional(),
});
export type TaskInput = z.infer<typeof taskInputSchema>;

export const taskOutputSchema = z.strictObject({
  name: identifierSchema,
  path: z.string().optional(),
});
export type TaskOutput = z.infer<typeof taskOutputSchema>;

export const taskCacheSchema = z.strictObject({ path: z.string().min(1, "must not be empty") });
export type TaskCache = z.infer<typeof taskCacheSchema>;

export const taskRunSchema = z.strictObject({
  path: z.string().min(1, "must not be empty"),
  args: z.array(z.string()).optional(),
  dir: z.string().optional(),
  user: z.string().optional(),
});
export type TaskRun = z.infer<typeof taskRunSchema>;

/** A task's configuration, inline (`config:`) or in a file (`file:`). */
export const taskConfigSchema = z.strictObject({
  platform: z.string().min(1, "must not be empty"),
  image_resource: imageResourceSchema.optional(),
  rootfs_uri: z.string().optional(),
  container_limits: containerLimitsSchema.optional(),
  inputs: z.array(taskInputSchema).optional(),
  outputs: z.array(taskOutputSchema).optional(),
  caches: z.array(taskCacheSchema).optional(),
  params: taskParamsSchema.optional(),
  run: taskRunSchema,
});
export type TaskConfig = z.infer<typeof taskConfigSchema>;

// ---------------------------------------------------------------- steps

/**
 * Steps nest (hooks, do, try, in_parallel), so their TypeScript types are
 * written out: each is the zod-inferred type of its flat keys plus the hooks.
 * The schemas are annotated with these types and recurse through z.lazy.
 */

/** The hooks every step (and every job) may carry: a step run after the step, by outcome. */
export interface StepHooks {
  on_success?: Step;
  on_failure?: Step;
  on_error?: Step;
  on_abort?: Step;
  ensure?: Step;
}
export const HOOK_KEYS = ["on_success", "on_failure", "on_error", "on_abort", "ensure"] as const satisfies readonly (keyof StepHooks)[];
export type HookKey = (typeof HOOK_KEYS)[number];

const lazyStep = z.lazy((): z.ZodType<Step> => stepSchema);
const hookShape = {
  on_success: lazyStep.optional(),
  on_failure: lazyStep.optional(),
  on_error: lazyStep.optional(),
  on_abort: lazyStep.optional(),
  ensure: lazyStep.optional(),
};

export const acrossVarSchema = z.strictObject({
  var: identifierSchema,
  /** a list, or a string holding a var resolved at run time */
  values: z.union([z.array(z.unknown()), z.string()]),
  max_in_flight: maxInFlightSchema.optional(),
});
export type AcrossVar = z.infer<typeof acrossVarSchema>;

/**
 * Modifier keys every step may carry besides its action key. `fail_fast`
 * belongs to `across`; validation reports it when `across` is absent.
 */
const modifierShape = {
  across: z.array(acrossVarSchema).min(1, "must list at least one var").optional(),
  fail_fast: z.boolean().optional(),
  timeout: durationSchema.optional(),
  attempts: z.number().int().positive().optional(),
  tags: z.array(z.string()).optional(),
};
export type StepModifiers = z.infer<z.ZodObject<typeof modifierShape>> & StepHooks;
export const MODIFIER_KEYS = [...Object.keys(modifierShape), ...HOOK_KEYS] as (keyof StepModifiers)[];

/** `version:` of a get step: the newest, every version in order, or one pinned version. */
export const getVersionSchema = z.union([z.literal("latest"), z.literal("every"), versionSchema]);
export type GetVersion = z.infer<typeof getVersionSchema>;

const getShape = {
  /** the artifact name; also the resource name unless `resource:` is given */
  get: identifierSchema,
  resource: identifierSchema.optional(),
  /** jobs every chosen version must have passed through, together */
  passed: z.array(identifierSchema).optional(),
  params: configSchema.optional(),
  trigger: z.boolean().optional(),
  version: getVersionSchema.optional(),
  ...modifierShape,
};
export type GetStep = z.infer<z.ZodObject<typeof getShape>> & StepHooks;
export const getStepSchema: z.ZodType<GetStep> = z.strictObject({ ...getShape, ...hookShape });

/** `inputs:` of a put: every artifact, those the params mention, or a list. */
export const putInputsSchema = z.union([z.literal("all"), z.literal("detect"), z.array(identifierSchema)]);
export type PutInputs = z.infer<typeof putInputsSchema>;

const putShape = {
  put: identifierSchema,
  resource: identifierSchema.optional(),
  inputs: putInputsSchema.optional(),
  params: configSchema.optional(),
  /** params of the implicit get that follows the put */
  get_params: configSchema.optional(),
  /** skip the implicit get */
  no_get: z.boolean().optional(),
  ...modifierShape,
};
export type PutStep = z.infer<z.ZodObject<typeof putShape>> & StepHooks;
export const putStepSchema: z.ZodType<PutStep> = z.strictObject({ ...putShape, ...hookShape });

const taskShape = {
  task: identifierSchema,
  /** exactly one of config and file */
  config: taskConfigSchema.optional(),
  /** path of a task config inside an artifact: `artifact/path/to/task.yml` */
  file: z.string().min(1, "must not be empty").optional(),
  /** an artifact to use as the task's image instead of image_resource */
  image: identifierSchema.optional(),
  privileged: z.boolean().optional(),
  /** values for ((vars)) inside the `file:` config */
  vars: configSchema.optional(),
  /** env vars, overriding the config's params */
  params: taskParamsSchema.optional(),
  /** task input name -> artifact name */
  input_mapping: z.record(z.string(), identifierSchema).optional(),
  /** task output name -> artifact name */
  output_mapping: z.record(z.string(), identifierSchema).optional(),
  container_limits: containerLimitsSchema.optional(),
  hermetic: z.boolean().optional(),
  ...modifierShape,
};
export type TaskStep = z.infer<z.ZodObject<typeof taskShape>> & StepHooks;
export const taskStepSchema: z.ZodType<TaskStep> = z.strictObject({ ...taskShape, ...hookShape });

const setPipelineShape = {
  /** the pipeline name, or `self` */
  set_pipeline: identifierSchema,
  file: z.string().min(1, "must not be empty"),
  vars: configSchema.optional(),
  var_files: z.array(z.string()).optional(),
  team: z.string().optional(),
  instance_vars: configSchema.optional(),
  ...modifierShape,
};
export type SetPipelineStep = z.infer<z.ZodObject<typeof setPipelineShape>> & StepHooks;
export const setPipelineStepSchema: z.ZodType<SetPipelineStep> = z.strictObject({ ...setPipelineShape, ...hookShape });

export const loadVarFormatSchema = z.enum(["json", "yaml", "yml", "trim", "raw"]);
export type LoadVarFormat = z.infer<typeof loadVarFormatSchema>;

const loadVarShape = {
  /** the local var's name, read later as ((.:name)) */
  load_var: identifierSchema,
  file: z.string().min(1, "must not be empty"),
  /** absent: from the file's extension, else trim */
  format: loadVarFormatSchema.optional(),
  reveal: z.boolean().optional(),
  ...modifierShape,
};
export type LoadVarStep = z.infer<z.ZodObject<typeof loadVarShape>> & StepHooks;
export const loadVarStepSchema: z.ZodType<LoadVarStep> = z.strictObject({ ...loadVarShape, ...hookShape });

/** The object form of in_parallel. */
export interface InParallelConfig {
  steps: Step[];
  /** at most this many steps at once; absent: all */
  limit?: number | undefined;
  /** stop starting steps after the first failure */
  fail_fast?: boolean | undefined;
}
export const inParallelConfigSchema: z.ZodType<InParallelConfig> = z.strictObject({
  steps: z.array(lazyStep),
  limit: z.number().int().positive().optional(),
  fail_fast: z.boolean().optional(),
});

export type InParallelStep = { in_parallel: Step[] | InParallelConfig } & StepModifiers;
export const inParallelStepSchema: z.ZodType<InParallelStep> = z.strictObject({
  in_parallel: z.union([z.array(lazyStep), inParallelConfigSchema]),
  ...modifierShape,
  ...hookShape,
});

export type DoStep = { do: Step[] } & StepModifiers;
export const doStepSchema: z.ZodType<DoStep> = z.strictObject({ do: z.array(lazyStep), ...modifierShape, ...hookShape });

export type TryStep = { try: Step } & StepModifiers;
export const tryStepSchema: z.ZodType<TryStep> = z.strictObject({ try: lazyStep, ...modifierShape, ...hookShape });

export type Step = GetStep | PutStep | TaskStep | SetPipelineStep | LoadVarStep | InParallelStep | DoStep | TryStep;

/** The action keys, one per step kind; a step has exactly one. */
export const STEP_KINDS = ["get", "put", "task", "set_pipeline", "load_var", "in_parallel", "do", "try"] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Schema per step kind (validation picks one by the action key, for precise messages). */
export const STEP_SCHEMAS: { readonly [K in StepKind]: z.ZodType<Step> } = {
  get: getStepSchema,
  put: putStepSchema,
  task: taskStepSchema,
  set_pipeline: setPipelineStepSchema,
  load_var: loadVarStepSchema,
  in_parallel: inParallelStepSchema,
  do: doStepSchema,
  try: tryStepSchema,
};

/**
 * A step is whichever kind its action key says. Picking the schema by that
 * key (rather than a plain union, which tries all eight) keeps messages about
 * the step the user meant: an unknown key `triger`, not eight alternatives.
 * No step schema transforms, so a valid step passes through as given.
 */
export const stepSchema: z.ZodType<Step> = z.custom<Step>().superRefine((value, ctx) => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: "invalid_type", expected: "object", input: value, message: "a step must be a map" });
    return;
  }
  const kinds = STEP_KINDS.filter((k) => Object.hasOwn(value, k));
  if (kinds.length !== 1) {
    const message =
      kinds.length === 0
        ? `a step needs one of ${STEP_KINDS.join(", ")} (this one has ${Object.keys(value).join(", ") || "no keys"})`
        : `a step has one action, this one has ${kinds.join(" and ")}`;
    ctx.addIssue({ code: "custom", input: value, message });
    return;
  }
  const result = STEP_SCHEMAS[kinds[0]!].safeParse(value);
  if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, input: undefined } as never);
  if (Object.hasOwn(value, "fail_fast") && !Object.hasOwn(value, "across")) {
    ctx.addIssue({ code: "custom", path: ["fail_fast"], input: value, message: "fail_fast applies to across; this step has no across" });
  }
});

/** Which kind a step is, by its action key; undefined when it has none. */
export function stepKind(step: object): StepKind | undefined {
  return STEP_KINDS.find((k) => Object.hasOwn(step, k));
}

/** Narrowing helpers for the runner: `if (isStep(step, "get")) step.passed`. */
export type StepOf<K extends StepKind> = Extract<Step, Record<K, unknown>>;
export function isStep<K extends StepKind>(step: Step, kind: K): step is StepOf<K> {
  return Object.hasOwn(step, kind);
}

// ---------------------------------------------------------------- pipeline

/**
 * jetway's own key on a resource:
 * - absent: native when jetway implements the type and no `resource_types`
 *   entry of the same name overrides it; otherwise the container fallback;
 * - `true`: native whenever jetway implements the type, even over a
 *   `resource_types` entry of that name; otherwise the container fallback;
 * - `false`: never native, always the container image;
 * - `required`: native or nothing: validation fails when jetway does not
 *   implement the type.
 */
export const nativeSchema = z.union([z.boolean(), z.literal("required")]);
export type NativeMode = z.infer<typeof nativeSchema>;

export const resourceSchema = z.strictObject({
  name: identifierSchema,
  type: identifierSchema,
  source: configSchema.optional(),
  old_name: identifierSchema.optional(),
  icon: z.string().optional(),
  /** pins the resource to this version */
  version: versionSchema.optional(),
  check_every: checkEverySchema.optional(),
  check_timeout: durationSchema.optional(),
  expose_build_created_by: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
  public: z.boolean().optional(),
  webhook_token: z.string().optional(),
  native: nativeSchema.optional(),
});
export type Resource = z.infer<typeof resourceSchema>;

export const resourceTypeSchema = z.strictObject({
  name: identifierSchema,
  type: identifierSchema,
  source: configSchema.optional(),
  privileged: z.boolean().optional(),
  /** params of the get that fetches the type's image */
  params: configSchema.optional(),
  check_every: checkEverySchema.optional(),
  /** source and params merged under those of every resource of this type */
  defaults: configSchema.optional(),
  tags: z.array(z.string()).optional(),
});
export type ResourceTypeConfig = z.infer<typeof resourceTypeSchema>;

export const buildLogRetentionSchema = z.strictObject({
  builds: z.number().int().nonnegative().optional(),
  days: z.number().int().nonnegative().optional(),
  minimum_succeeded_builds: z.number().int().nonnegative().optional(),
});
export type BuildLogRetention = z.infer<typeof buildLogRetentionSchema>;

export const jobSchema = z.strictObject({
  name: identifierSchema,
  old_name: identifierSchema.optional(),
  plan: z.array(stepSchema),
  serial: z.boolean().optional(),
  serial_groups: z.array(identifierSchema).optional(),
  /** 0 or absent: unlimited (serial: true means 1) */
  max_in_flight: z.number().int().nonnegative().optional(),
  build_log_retention: buildLogRetentionSchema.optional(),
  /** deprecated in Concourse in favour of build_log_retention.builds */
  build_logs_to_retain: z.number().int().nonnegative().optional(),
  public: z.boolean().optional(),
  disable_manual_trigger: z.boolean().optional(),
  interruptible: z.boolean().optional(),
  ...hookShape,
});
export type Job = z.infer<typeof jobSchema>;

export const groupSchema = z.strictObject({
  name: identifierSchema,
  jobs: z.array(z.string()).optional(),
});
export type Group = z.infer<typeof groupSchema>;

export const varSourceSchema = z.strictObject({
  name: identifierSchema,
  type: identifierSchema,
  config: configSchema,
});
export type VarSource = z.infer<typeof varSourceSchema>;

export const displaySchema = z.strictObject({
  background_image: z.string().optional(),
  background_filter: z.string().optional(),
});
export type Display = z.infer<typeof displaySchema>;

export const pipelineSchema = z.strictObject({
  resources: z.array(resourceSchema).optional(),
  resource_types: z.array(resourceTypeSchema).optional(),
  jobs: z.array(jobSchema).optional(),
  groups: z.array(groupSchema).optional(),
  var_sources: z.array(varSourceSchema).optional(),
  display: displaySchema.optional(),
});
export type Pipeline = z.infer<typeof pipelineSchema>;
