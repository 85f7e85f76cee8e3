import { JetwayError } from "../../protocol/errors.ts";
import { makeStyle, replayBuild, wantsColor } from "../../runner/output/index.ts";
import { StateStore } from "../../state/index.ts";
import { LOGS_HELP } from "../help.ts";
import type { CliIO } from "../io.ts";
import { takeOption } from "./run.ts";

/** `jetway logs JOB [BUILD] [--state DIR] [--pipeline NAME]`: the latest build of the job unless BUILD is given. */
export async function logsCommand(args: string[], io: CliIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(LOGS_HELP + "\n");
    return 0;
  }
  const state = takeOption(args, ["--state"], "logs");
  const pipelineOpt = takeOption(state.rest, ["--pipeline", "-p"], "logs");
  const rest = pipelineOpt.rest;
  const unknown = rest.find((a) => a.startsWith("-"));
  if (unknown !== undefined) throw new JetwayError("USAGE", `logs: unknown option ${JSON.stringify(unknown)}; see jetway logs --help`);
  if (rest.length === 0 || rest.length > 2) throw new JetwayError("USAGE", "logs: name the job, and optionally the build: jetway logs JOB [BUILD]");
  const [job, buildArg] = rest as [string, string | undefined];
  const number = buildArg === undefined ? undefined : Number(buildArg.replace(/^#/, ""));
  if (number !== undefined && (!Number.isInteger(number) || number <= 0)) throw new JetwayError("USAGE", `logs: BUILD must be a build number such as 3 (got ${JSON.stringify(buildArg)})`);

  const store = StateStore.openExisting(state.value);
  try {
    const builds = store.builds.list({ job, ...(pipelineOpt.value !== undefined && { pipeline: pipelineOpt.value }) });
    if (builds.length === 0) throw new JetwayError("USAGE", `logs: no builds of job ${JSON.stringify(job)}${pipelineOpt.value ? ` in pipeline ${pipelineOpt.value}` : ""}; see jetway builds`);
    const pipelines = [...new Set(builds.map((b) => b.pipeline))];
    if (pipelines.length > 1) throw new JetwayError("USAGE", `logs: job ${JSON.stringify(job)} is in several pipelines (${pipelines.join(", ")}): choose one with --pipeline`);
    const build = number === undefined ? builds[0]! : builds.find((b) => b.number === number);
    if (build === undefined) throw new JetwayError("USAGE", `logs: job ${JSON.stringify(job)} has no build ${number} (latest: ${builds[0]!.number})`);
    const color = wantsColor(process.stdout.isTTY === true, io.env);
    const stored = { build, inputs: store.builds.inputs(build.id), steps: store.builds.steps(build.id), logs: store.builds.logs(build.id) };
    const lines = replayBuild(stored, makeStyle(color), color);
    io.stdout(lines.join("\n") + "\n");
    return build.status === "succeeded" || build.status === "started" ? 0 : 1;
  } finally {
    store.close();
  }
}
