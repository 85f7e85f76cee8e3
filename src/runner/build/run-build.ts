/** One build of one job: the plan as a sequence, the job's hooks around it, the build's volumes removed after. */
import { runSequence } from "./compound.ts";
import { BuildContext, type StepContext } from "./context.ts";
import { withHooks } from "./hooks.ts";
import { Scope } from "./scope.ts";
import type { BuildOptions, BuildOutcome } from "./types.ts";

/**
 * Never rejects for anything a pipeline or a step can cause: those end in the
 * outcome (errored, with the reason in `detail`). Rejects only when the
 * recorder throws.
 */
export async function runBuild(options: BuildOptions): Promise<BuildOutcome> {
  const build = new BuildContext(options);
  const ctx: StepContext = { build, scope: new Scope(), signal: options.signal };
  try {
    const result = await withHooks(options.job, "job", ctx, () => runSequence(options.job.plan, "plan", ctx));
    return result.detail === undefined ? { status: result.status } : { status: result.status, detail: result.detail };
  } finally {
    await build.cleanup();
  }
}
