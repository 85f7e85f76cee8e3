/**
 * The runner: `jetway run` and `jetway watch`. The scheduler checks
 * resources, resolves each job's inputs as Concourse does (passed, trigger,
 * version), claims builds in the state store and runs them with the build
 * engine (./build), recording into the store and the live output (./output).
 */
export { runPipeline, type RunMode, type RunOptions, type RunOutcome } from "./session.ts";
export { resolveInputs, triggeringInputs, type CandidateVersion, type Resolution, type ResolutionData } from "./resolve.ts";
export { jobInputs, upstreamJobs, type JobInput } from "./inputs.ts";
export { PipelineModel, type JobModel, type ResourceModel } from "./model.ts";
export { claimBuild, type ClaimMode, type ClaimResult, type ClaimedBuild } from "./claim.ts";
export { runVars } from "./vars.ts";
