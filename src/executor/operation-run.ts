import { collectSecrets } from "../protocol/secrets.ts";
import type { OperationRun, RawOutput } from "./delivery/types.ts";
import { LastLine, interpret } from "./response.ts";
import type { ResourceOperation } from "./types.ts";

/** An operation as a strategy or the image fallback runs it, and the reading of what it printed. */
export interface PreparedRun {
  run: OperationRun;
  /** the parsed response; a failure names the resource, `how` it ran and stderr's last line */
  response(raw: RawOutput, how: string): unknown;
}

export function prepareRun(operation: ResourceOperation, taskId: string): PreparedRun {
  const lastLine = new LastLine();
  return {
    run: {
      type: operation.type,
      op: operation.op,
      stdin: JSON.stringify(operation.request),
      env: operation.env,
      stderr: (text) => {
        lastLine.push(text);
        operation.stderr(text);
      },
      taskId,
      ...(operation.volume !== undefined && { volume: operation.volume }),
      ...(operation.signal !== undefined && { signal: operation.signal }),
    },
    response: (raw, how) =>
      interpret(raw, { resourceName: operation.resourceName, op: operation.op, how, lastStderrLine: lastLine.line, secrets: collectSecrets(operation.request) }),
  };
}
