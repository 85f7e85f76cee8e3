/**
 * A delivery strategy runs one operation of a native type somewhere: in this
 * process, or in a container the driver starts. All of them end in the same
 * runOperation, so they must give the same stdout, files and exit code; the
 * conformance suite (test/executor/) holds them to it.
 */
import type { Driver, Volume } from "../../orchestra/types.ts";
import type { Operation } from "../../protocol/types.ts";

export const DELIVERY_NAMES = ["in-process", "mounted", "sidecar", "init"] as const;
/** Cheapest first: `auto` tries them in this order. */
export type DeliveryName = (typeof DELIVERY_NAMES)[number];

/** One operation as a strategy (or the image fallback) runs it. */
export interface OperationRun {
  /** the type's name */
  type: string;
  op: Operation;
  /** the request, exactly as it goes on stdin */
  stdin: string;
  /** in: the destination; out: the inputs; absent for check */
  volume?: Volume;
  env: Record<string, string>;
  signal?: AbortSignal;
  /** stderr as it arrives */
  stderr: (text: string) => void;
  /** the driver task id, for strategies that start a container */
  taskId: string;
}

/** What the operation's process ended with: its exit code and all of its stdout. */
export interface RawOutput {
  exitCode: number;
  stdout: string;
}

export interface DeliveryStrategy {
  readonly name: DeliveryName;
  /** true when this strategy can run `run` on `driver`, else why not (a clause for the run log) */
  supports(driver: Driver, run: Pick<OperationRun, "type" | "op" | "volume">): true | string;
  /** how it runs, for the run log: "in-process", "bundle mounted into jetway/node-base:24 (docker)" */
  how(driver: Driver, run: Pick<OperationRun, "type" | "op">): string;
  run(driver: Driver, run: OperationRun): Promise<RawOutput>;
}

/** Where strategies find what they deliver; every field has a default (see options.ts). */
export interface DeliverySettings {
  /** mounted: the folder with one bundle folder per type (`npm run build`'s dist/resource-types) */
  bundlesDir: string;
  /**
   * mounted and init: the image that runs the bundle (mounted) or the CLI the init
   * container copied in (init); node >= 22 is all it needs
   */
  nodeImage: string;
  /** the node program in nodeImage and jetwayImage: a name looked up on the image's PATH, or a path */
  node: string;
  /**
   * sidecar and init: an image with node >= 22 and jetway's CLI (the whole of
   * `npm run build`'s dist/cli/) in the folder of `jetwayCli`; `npm run images`
   * builds one, jetway/jetway (images/jetway/Dockerfile)
   */
  jetwayImage: string;
  /**
   * the CLI's entry in jetwayImage (dist/cli/jetway.js there). Its folder is the
   * unit delivered: the sidecar runs the entry in place; the init container copies
   * the whole folder (chunks, and the package.json that makes the .js files ESM)
   */
  jetwayCli: string;
}
