import type { ResourceTypeRegistry } from "../../registry.ts";
import { WATCH_HELP } from "../help.ts";
import type { CliIO } from "../io.ts";
import { runOrWatch } from "./run.ts";

/** `jetway watch pipeline.yml [--driver SPEC] [--state DIR] [-v/-y/-l]`: until SIGINT or SIGTERM. */
export function watchCommand(args: string[], registry: ResourceTypeRegistry, io: CliIO): Promise<number> {
  return runOrWatch(args, registry, io, "watch", WATCH_HELP);
}
