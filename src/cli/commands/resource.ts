import { JetwayError } from "../../protocol/errors.ts";
import { readAll, runOperation } from "../../protocol/entry.ts";
import type { Operation } from "../../protocol/types.ts";
import type { ResourceTypeRegistry } from "../../registry.ts";
import { OPERATION_HELP, RESOURCE_HELP } from "../help.ts";
import type { CliIO } from "../io.ts";

const OPERATIONS = new Set<string>(["check", "in", "out"]);

/** `jetway resource ...`: returns the exit code. */
export async function resourceCommand(args: string[], registry: ResourceTypeRegistry, io: CliIO): Promise<number> {
  const wantsHelp = args.includes("--help") || args.includes("-h");
  const positional = args.filter((a) => a !== "--help" && a !== "-h");
  const [first, op, ...rest] = positional;

  if (first === undefined) {
    io.stdout(RESOURCE_HELP + "\n");
    return wantsHelp ? 0 : 2;
  }
  if (first === "list") {
    if (wantsHelp) return help(io, OPERATION_HELP.list!);
    for (const type of registry.list()) io.stdout(`${type.name.padEnd(10)} ${type.description}\n`);
    return 0;
  }

  const type = registry.get(first);
  if (op === undefined) {
    io.stdout(RESOURCE_HELP + "\n");
    return wantsHelp ? 0 : 2;
  }
  if (wantsHelp) {
    const text = OPERATION_HELP[op];
    if (text === undefined) throw new JetwayError("USAGE", `unknown operation ${JSON.stringify(op)} (expected check, in, out or schema)`);
    return help(io, text);
  }
  if (op === "schema") {
    io.stdout(JSON.stringify(registry.jsonSchema(type.name), null, 2) + "\n");
    return 0;
  }
  if (!OPERATIONS.has(op)) {
    throw new JetwayError("USAGE", `unknown operation ${JSON.stringify(op)} (expected check, in, out or schema)`);
  }
  const result = await runOperation(type, op as Operation, rest, {
    stdin: await readAll(io.stdinStream),
    writeStdout: io.stdout,
    writeStderr: io.stderr,
    env: io.env,
    signal: io.signal,
  });
  return result.exitCode;
}

function help(io: CliIO, text: string): number {
  io.stdout(text + "\n");
  return 0;
}
