/**
 * in-process: the type is called in jetway's own process, through the same
 * runOperation the entry points use, writing straight into the volume's host
 * folder. The cheapest path: no container, no Node start-up. A check needs no
 * volume, so it runs in-process on every driver; in and out need the volume as
 * a host folder (the native driver, docker with volumes=host).
 */
import { runOperation } from "../../protocol/entry.ts";
import { JetwayError } from "../../protocol/errors.ts";
import type { ResourceTypeRegistry } from "../../registry.ts";
import type { DeliveryStrategy } from "./types.ts";

export function inProcessStrategy(registry: ResourceTypeRegistry): DeliveryStrategy {
  return {
    name: "in-process",
    supports(driver, run) {
      if (run.op === "check" || run.volume?.hostPath !== undefined) return true;
      return `the ${driver.name} driver's volumes have no host folder`;
    },
    how: () => "in-process",
    async run(_driver, run) {
      const args: string[] = [];
      if (run.op !== "check") {
        const dir = run.volume?.hostPath;
        if (dir === undefined) throw new JetwayError("INTERNAL", `internal error: in-process ${run.op} without a host folder`);
        args.push(dir);
      }
      const result = await runOperation(registry.get(run.type), run.op, args, {
        stdin: run.stdin,
        writeStdout: () => undefined,
        writeStderr: run.stderr,
        env: run.env,
        ...(run.signal && { signal: run.signal }),
      });
      return { exitCode: result.exitCode, stdout: result.stdout };
    },
  };
}
