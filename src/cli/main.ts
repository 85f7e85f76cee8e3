import { isJetwayError, toJetwayError } from "../protocol/errors.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { MAIN_HELP } from "./help.ts";
import type { CliIO } from "./io.ts";

declare const JETWAY_VERSION: string | undefined;

/**
 * Each command's module is imported when that command runs: `run` and
 * `watch` reach the drivers (the Kubernetes client, dockerode), the state
 * store and the executor, which `validate` or `--help` never need. The CLI
 * bundle is one file (the init and sidecar deliveries copy it alone), so
 * this saves evaluating those modules, not reading them.
 */
const commands = {
  resource: async (rest: string[], registry: ResourceTypeRegistry, io: CliIO) => (await import("./commands/resource.ts")).resourceCommand(rest, registry, io),
  validate: async (rest: string[], registry: ResourceTypeRegistry, io: CliIO) => (await import("./commands/validate.ts")).validateCommand(rest, registry, io),
  run: async (rest: string[], registry: ResourceTypeRegistry, io: CliIO) => (await import("./commands/run.ts")).runCommand(rest, registry, io),
  watch: async (rest: string[], registry: ResourceTypeRegistry, io: CliIO) => (await import("./commands/watch.ts")).watchCommand(rest, registry, io),
  builds: async (rest: string[], _registry: ResourceTypeRegistry, io: CliIO) => (await import("./commands/builds.ts")).buildsCommand(rest, io),
  logs: async (rest: string[], _registry: ResourceTypeRegistry, io: CliIO) => (await import("./commands/logs.ts")).logsCommand(rest, io),
};

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
    }
    if (!Object.hasOwn(commands, command)) {
      io.stderr(`jetway: unknown command ${JSON.stringify(command)}; see jetway --help\n`);
      return 2;
    }
    return await commands[command as keyof typeof commands](rest, registry, io);
  } catch (e) {
    const err = toJetwayError(e);
    io.stderr(`jetway: ${err.message}\n`);
    if (io.env.JETWAY_DEBUG && !isJetwayError(e) && e instanceof Error) io.stderr(`${e.stack}\n`);
    return err.exitCode;
  }
}
