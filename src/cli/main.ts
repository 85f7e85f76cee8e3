import { isJetwayError, toJetwayError } from "../protocol/errors.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { resourceCommand } from "./commands/resource.ts";
import { validateCommand } from "./commands/validate.ts";
import { buildsCommand } from "./commands/builds.ts";
import { logsCommand } from "./commands/logs.ts";
import { runCommand } from "./commands/run.ts";
import { watchCommand } from "./commands/watch.ts";
import { MAIN_HELP } from "./help.ts";
import type { CliIO } from "./io.ts";

declare const JETWAY_VERSION: string | undefined;

/** Dispatches `jetway <command> ...` and returns the exit code. */
export async function main(argv: string[], registry: ResourceTypeRegistry, io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        io.stderr(MAIN_HELP + "\n");
        return 2;
      case "-h":
      case "--help":
      case "help":
        io.stdout(MAIN_HELP + "\n");
        return 0;
      case "-v":
      case "--version":
        io.stdout((typeof JETWAY_VERSION === "string" ? JETWAY_VERSION : "dev") + "\n");
        return 0;
      case "resource":
        return await resourceCommand(rest, registry, io);
      case "validate":
        return await validateCommand(rest, registry, io);
      case "run":
        return await runCommand(rest, registry, io);
      case "watch":
        return await watchCommand(rest, registry, io);
      case "builds":
        return await buildsCommand(rest, io);
      case "logs":
        return await logsCommand(rest, io);
      default:
        io.stderr(`jetway: unknown command ${JSON.stringify(command)}; see jetway --help\n`);
        return 2;
    }
  } catch (e) {
    const err = toJetwayError(e);
    io.stderr(`jetway: ${err.message}\n`);
    if (io.env.JETWAY_DEBUG && !isJetwayError(e) && e instanceof Error) io.stderr(`${e.stack}\n`);
    return err.exitCode;
  }
}
