/**
 * The build engine: runs one build of one job, given the versions the
 * scheduler chose, reporting each step to a BuildRecorder as it goes.
 */
export { runBuild } from "./run-build.ts";
export type { BuildOptions, BuildOutcome, BuildRecorder, BuildStatus, StepRef, StepRefKind, StepStatus } from "./types.ts";
