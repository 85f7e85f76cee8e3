/**
 * The orchestra seam: one interface every task-running backend implements
 * (native host processes, Docker, Kubernetes). The runner and the resource
 * executor only ever talk to these types; a driver is chosen by name.
 */

/** A volume mounted into a task: volume name -> path (relative paths are relative to `workingDir`). */
export interface TaskMount {
  volume: string;
  path: string;
  readOnly?: boolean;
}

/** A folder of the driver's host, bind-mounted read-only (drivers with `features.hostBinds`). */
export interface TaskBind {
  /** absolute path on the host the driver's engine runs on */
  hostPath: string;
  /** where it appears in the container (relative paths resolve against `workingDir`) */
  path: string;
}

/**
 * A container run to completion before the task's own, in the same pod with the
 * same working dir (Kubernetes init containers; drivers with `features.pods`).
 */
export interface TaskInitContainer {
  /** a DNS label, unique in the pod */
  name: string;
  image: string;
  command: string[];
  mounts?: TaskMount[];
}

export interface TaskLimits {
  /** CPU shares, as Concourse's container_limits.cpu */
  cpu?: number;
  /** memory in bytes, as Concourse's container_limits.memory */
  memory?: number;
}

export interface Task {
  /** unique within the driver's namespace; runContainer is idempotent per id */
  id: string;
  /** image reference (docker/k8s); the native driver runs on the host and warns once */
  image: string;
  /** argv: command[0] is the program */
  command: string[];
  /** exactly the environment the process sees: nothing is inherited from the host */
  env?: Record<string, string>;
  mounts?: TaskMount[];
  /** bytes written to the process's stdin, then stdin is closed */
  stdin?: string | Uint8Array;
  user?: string;
  privileged?: boolean;
  limits?: TaskLimits;
  /** absolute path inside the container; mounts with relative paths resolve against it */
  workingDir?: string;
  /** host folders mounted read-only; only drivers with `features.hostBinds` accept them */
  binds?: TaskBind[];
  /** run in order before the task's container; only drivers with `features.pods` accept them */
  initContainers?: TaskInitContainer[];
  /**
   * Volume names that exist only for this task (Kubernetes emptyDir): mountable by
   * the task and its init containers, gone with the task. Only with `features.pods`.
   */
  scratchVolumes?: string[];
}

export interface ContainerStatus {
  isDone: boolean;
  /** set once isDone */
  exitCode?: number;
}

export interface LogOptions {
  /** stream until the container ends instead of returning what exists now */
  follow?: boolean;
}

/** Where log bytes go; stdout and stderr always stay apart. */
export type LogSink = (chunk: Uint8Array) => void;

export interface Container {
  readonly id: string;
  status(): Promise<ContainerStatus>;
  /** Writes the logs into the sinks; resolves when done (with follow: when the container ends). Repeatable. */
  logs(stdout: LogSink, stderr: LogSink, options?: LogOptions): Promise<void>;
  /** Idempotent. */
  cleanup(): Promise<void>;
}

export interface Volume {
  readonly name: string;
  /** set when the driver can offer the volume as a host directory (enables in-process delivery) */
  readonly hostPath?: string;
  /** Idempotent. */
  cleanup(): Promise<void>;
}

/** What a driver offers beyond plain tasks; the resource executor picks delivery strategies by these. */
export interface DriverFeatures {
  /** tasks may bind-mount host folders (`Task.binds`): the engine sees this host's files */
  hostBinds?: boolean;
  /** tasks run as pods: `Task.initContainers` and `Task.scratchVolumes` */
  pods?: boolean;
}

export interface Driver {
  /** the driver's registered name: "native", "docker", "k8s" */
  readonly name: string;
  /** absent: none */
  readonly features?: DriverFeatures;
  /** every resource this driver creates carries this namespace; close() removes all of them */
  readonly namespace: string;
  runContainer(task: Task): Promise<Container>;
  /** size in bytes where the backend needs one (PVCs); ignored elsewhere */
  createVolume(name: string, size?: number): Promise<Volume>;
  getContainer(id: string): Promise<Container | undefined>;
  /** Removes everything in the namespace, tolerating partial failures. Idempotent. */
  close(): Promise<void>;
}

/** Options every driver factory receives; driver-specific ones come from the spec's query string. */
export interface DriverOptions {
  namespace: string;
  /** `key=value` options parsed from the driver spec, e.g. `k8s://ns?kubeconfig=...` */
  params: Record<string, string>;
  /** one line of warning per call (limits not enforced, user ignored, ...) */
  warn?: (line: string) => void;
}

export interface DriverFactory {
  readonly name: string;
  create(options: DriverOptions & { target?: string }): Promise<Driver>;
}
