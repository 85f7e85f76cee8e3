/**
 * Pipeline configuration: Concourse pipeline YAML read into typed config,
 * `((var))` interpolation from fly-style flags, and validation that reports
 * every problem with its YAML path and line (`jetway validate`; `jetway run`
 * loads pipelines the same way).
 */
export * from "./types.ts";
export { loadPipeline, loadPipelineFile, type PipelineOptions, type PipelineResult } from "./load.ts";
export { formatPath, formatProblem, pipelineError, sortProblems, type Problem, type YamlPath } from "./problems.ts";
export { Vars, type VarAssignment, type VarLookup } from "./vars.ts";
export { parseVarRef, findVarRefs, wholeVarRef, showRef, LOCAL_SOURCE, type VarRef } from "./var-ref.ts";
export { takeVarFlags, loadVarFlags, type VarFlag, type VarFlagKind } from "./var-flags.ts";
export { resourceExecution, declaredTypeNames, effectiveSource, type ResourceExecution } from "./native.ts";
export { interpolate, type InterpolationContext, type InterpolationResult } from "./interpolate.ts";
export { readYaml, type YamlSource } from "./yaml-source.ts";
