/**
 * The backends the conformance suite runs against. Every registered driver needs
 * at least one entry (drivers.test.ts checks): a new driver adds its target file
 * beside this one and one line to `driverTargets`.
 */
import type { ServiceProbe } from "../support/services.ts";
import { dockerTargets } from "./docker-target.ts";
import { k8sFakeTarget } from "./k8s-target.ts";
import { nativeTarget } from "./native-target.ts";

export interface DriverTarget {
  /** shown in the test names, e.g. "docker (host volumes)" */
  name: string;
  /** the registered driver this target exercises */
  driver: string;
  /** when set, the suite runs only if the service answers (skipped locally, failing under CI=true) */
  service?: ServiceProbe;
  /** once before the suite, after the service answered */
  setup(): Promise<TargetEnv>;
}

export interface TargetEnv {
  /** the driver spec for createDriver, e.g. `docker?volumes=host&root=/tmp/x` */
  spec: string;
  /** an image with a POSIX sh, echo, cat, env and sleep (fractional seconds) on its PATH */
  shellImage: string;
  /** an image reference that does not exist; absent when the driver does not use images */
  missingImage?: string;
  /** what of `namespace` still exists in the backend (containers, processes, volumes, folders...), described */
  leftovers(namespace: string): Promise<string[]>;
  teardown?(): Promise<void>;
}

export const driverTargets: readonly DriverTarget[] = [nativeTarget, ...dockerTargets, k8sFakeTarget];
