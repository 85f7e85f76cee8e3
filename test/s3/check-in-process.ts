import { s3Type } from "../../resource-types/s3/index.ts";
import { runOperation } from "../../src/protocol/entry.ts";

export interface CheckRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** An s3 check in this process, with `env` as the operation's environment (ctx.env). */
export async function checkInProcess(source: Record<string, unknown>, env: Record<string, string>): Promise<CheckRun> {
  let stdout = "";
  let stderr = "";
  const result = await runOperation(s3Type, "check", [], {
    stdin: JSON.stringify({ source }),
    env,
    writeStdout: (t) => (stdout += t),
    writeStderr: (t) => (stderr += t),
  });
  return { exitCode: result.exitCode, stdout, stderr };
}
