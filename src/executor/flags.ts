/**
 * The command-line flags that configure the executor, for `jetway run`:
 * --prefer-native-resources (the default), --no-native-resources, and
 * --delivery auto|in-process|mounted|sidecar|init, and the images the
 * container deliveries use: --jetway-image (sidecar, init) and --node-image
 * (mounted, init).
 */
import { JetwayError } from "../protocol/errors.ts";
import { DEFAULT_JETWAY_IMAGE, DEFAULT_NODE_IMAGE, DELIVERY_CHOICES, isDeliveryChoice, type DeliveryChoice } from "./options.ts";

export interface ExecutorFlags {
  preferNative: boolean;
  delivery: DeliveryChoice;
  /** absent: the default (DEFAULT_JETWAY_IMAGE) */
  jetwayImage?: string;
  /** absent: the default (DEFAULT_NODE_IMAGE) */
  nodeImage?: string;
}

/** Lines for the command's help text (in the layout of `jetway run --help`'s options). */
export const EXECUTOR_FLAGS_HELP = [
  "      --prefer-native-resources run types jetway implements natively (the default)",
  "      --no-native-resources     run resources in their images, except those that",
  "                                say native: true or native: required",
  "      --delivery MODE           how a native type reaches the driver's containers:",
  "                                auto (default: the cheapest), in-process,",
  "                                mounted, sidecar or init",
  "      --jetway-image IMAGE      the image with jetway's CLI that sidecar and init",
  `                                run (default ${DEFAULT_JETWAY_IMAGE})`,
  "      --node-image IMAGE        the image (node >= 22) that runs a mounted bundle",
  `                                or init's copy (default ${DEFAULT_NODE_IMAGE})`,
].join("\n");

const IMAGE_FLAGS = { "--jetway-image": "jetwayImage", "--node-image": "nodeImage" } as const;

/** The value of `--name VALUE` or `--name=VALUE` at argv[i], and the index of its last word; undefined when arg is not that flag. */
function flagValue(argv: readonly string[], i: number, name: string): { value: string; last: number } | undefined {
  const arg = argv[i]!;
  if (arg.startsWith(`${name}=`)) return { value: arg.slice(name.length + 1), last: i };
  if (arg !== name) return undefined;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith("--")) throw new JetwayError("USAGE", `${name} needs a value`);
  return { value, last: i + 1 };
}

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
    } else {
      const image = Object.entries(IMAGE_FLAGS).find(([name]) => arg === name || arg.startsWith(`${name}=`));
      if (!image) {
        rest.push(arg);
        continue;
      }
      const [name, key] = image;
      const { value, last } = flagValue(argv, i, name)!;
      if (value.trim() === "" || /\s/.test(value)) throw new JetwayError("USAGE", `${name} needs an image reference, not ${JSON.stringify(value)}`);
      flags[key] = value;
      i = last;
    }
  }
  return { flags, rest };
}
