/**
 * The command-line flags that configure the executor, for `jetway run`:
 * --prefer-native-resources (the default), --no-native-resources, and
 * --delivery auto|in-process|mounted|sidecar|init.
 */
import { JetwayError } from "../protocol/errors.ts";
import { DELIVERY_CHOICES, isDeliveryChoice, type DeliveryChoice } from "./options.ts";

export interface ExecutorFlags {
  preferNative: boolean;
  delivery: DeliveryChoice;
}

/** Lines for the command's help text (in the layout of `jetway run --help`'s options). */
export const EXECUTOR_FLAGS_HELP = [
  "      --prefer-native-resources run types jetway implements natively (the default)",
  "      --no-native-resources     run resources in their images, except those that",
  "                                say native: true or native: required",
  "      --delivery MODE           how a native type reaches the driver's containers:",
  "                                auto (default: the cheapest), in-process,",
  "                                mounted, sidecar or init",
].join("\n");

/**
 * Takes the executor's flags out of argv, leaving the rest in order. The last of
 * --prefer-native-resources / --no-native-resources wins.
 */
export function takeExecutorFlags(argv: readonly string[]): { flags: ExecutorFlags; rest: string[] } {
  const flags: ExecutorFlags = { preferNative: true, delivery: "auto" };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--prefer-native-resources") flags.preferNative = true;
    else if (arg === "--no-native-resources") flags.preferNative = false;
    else if (arg === "--delivery" || arg.startsWith("--delivery=")) {
      const value = arg === "--delivery" ? argv[++i] : arg.slice("--delivery=".length);
      if (value === undefined) throw new JetwayError("USAGE", `--delivery needs a value (${DELIVERY_CHOICES.join(", ")})`);
      if (!isDeliveryChoice(value)) {
        throw new JetwayError("USAGE", `--delivery must be one of ${DELIVERY_CHOICES.join(", ")}, not ${JSON.stringify(value)}`);
      }
      flags.delivery = value;
    } else rest.push(arg);
  }
  return { flags, rest };
}
