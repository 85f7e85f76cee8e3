/**
 * The Docker driver. Everything it creates is labelled with the namespace
 * (io.jetway.namespace) and named from it, so the same task id maps to the same
 * container even across driver instances, and close() finds all of it by label.
 * Volumes are named Docker volumes, or with `volumes=host` folders on this host
 * bind-mounted into the containers (then hostPath is set).
 */
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type Docker from "dockerode";
import { JetwayError } from "../../protocol/errors.ts";
import { NAMESPACE_LABEL, TASK_LABEL, VOLUME_LABEL, safeName } from "../names.ts";
import { mountPath, stdinBytes, validateTask, workingDir } from "../task.ts";
import type { Container, Driver, DriverFeatures, Task, Volume } from "../types.ts";
import { engineMessage, statusCode } from "./client.ts";
import { DockerContainer } from "./container.ts";
import { ensureImage } from "./image.ts";
import { once } from "../once.ts";

export type VolumeMode = "named" | "host";

export interface DockerDriverConfig {
  namespace: string;
  docker: Docker;
  volumes: VolumeMode;
  /** the namespace's folder for host volumes (volumes=host) */
  hostDir: string;
  /** the engine runs on this host, so host folders can be bind-mounted (Task.binds); default true */
  localEngine?: boolean;
}

class DockerVolume implements Volume {
  readonly name: string;
  readonly hostPath?: string;
  /** the engine's volume name (named volumes) */
  readonly dockerName?: string;
  readonly #docker: Docker;

  constructor(docker: Docker, name: string, where: { hostPath: string } | { dockerName: string }) {
    this.#docker = docker;
    this.name = name;
    if ("hostPath" in where) this.hostPath = where.hostPath;
    else this.dockerName = where.dockerName;
  }

  async cleanup(): Promise<void> {
    if (this.hostPath !== undefined) {
      await rm(this.hostPath, { recursive: true, force: true });
      return;
    }
    try {
      await this.#docker.getVolume(this.dockerName ?? "").remove();
    } catch (e) {
      if (statusCode(e) !== 404) throw new JetwayError("DRIVER_FAILED", `docker driver: cannot remove volume ${JSON.stringify(this.name)}: ${engineMessage(e)}`);
    }
  }
}

export class DockerDriver implements Driver {
  readonly name = "docker";
  readonly namespace: string;
  readonly features: DriverFeatures;
  readonly #docker: Docker;
  readonly #volumes: VolumeMode;
  readonly #hostDir: string;
  readonly #containers = new Map<string, Promise<DockerContainer>>();
  /** one presence check (and pull) per image, shared by concurrent tasks */
  readonly #images = new Map<string, Promise<void>>();
  #closed = false;

  constructor(config: DockerDriverConfig) {
    this.namespace = config.namespace;
    this.#docker = config.docker;
    this.#volumes = config.volumes;
    this.#hostDir = config.hostDir;
    this.features = { hostBinds: config.localEngine ?? true };
  }

  async runContainer(task: Task): Promise<Container> {
    this.#assertOpen();
    validateTask(task, this.name, this.features);
    return once(this.#containers, task.id, () => this.#start(task));
  }

  async getContainer(id: string): Promise<Container | undefined> {
    const known = this.#containers.get(id);
    if (known) return known.catch(() => undefined);
    // a container an earlier driver of this namespace started
    const info = await this.#inspectOwn(id);
    if (info === undefined || info.State.Status === "created") return undefined;
    return this.#remember(id, this.#docker.getContainer(info.Id));
  }

  async createVolume(name: string): Promise<Volume> {
    this.#assertOpen();
    if (typeof name !== "string" || name === "") throw new JetwayError("INVALID_CONFIG", "docker driver: a volume needs a non-empty name");
    if (this.#volumes === "host") {
      const hostPath = this.#hostVolumeDir(name);
      await mkdir(hostPath, { recursive: true });
      return new DockerVolume(this.#docker, name, { hostPath });
    }
    const dockerName = this.#volumeName(name);
    try {
      // creating an existing volume returns it: createVolume is idempotent by name
      await this.#docker.createVolume({ Name: dockerName, Labels: { [NAMESPACE_LABEL]: this.namespace, [VOLUME_LABEL]: name } });
    } catch (e) {
      throw new JetwayError("DRIVER_FAILED", `docker driver: cannot create volume ${JSON.stringify(name)}: ${engineMessage(e)}`);
    }
    return new DockerVolume(this.#docker, name, { dockerName });
  }

  /** Removes every container and volume labelled with the namespace; goes on past failures, then reports them. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled(this.#containers.values());
    this.#containers.clear();
    const failures: string[] = [];
    const filters = { label: [`${NAMESPACE_LABEL}=${this.namespace}`] };
    const tolerate = (what: string) => (e: unknown) => {
      if (statusCode(e) !== 404) failures.push(`${what}: ${engineMessage(e)}`);
    };
    try {
      const containers = await this.#docker.listContainers({ all: true, filters });
      await Promise.all(
        containers.map((c) => this.#docker.getContainer(c.Id).remove({ force: true }).catch(tolerate(`container ${c.Names[0] ?? c.Id}`))),
      );
    } catch (e) {
      failures.push(`listing containers: ${engineMessage(e)}`);
    }
    try {
      const { Volumes: volumes } = await this.#docker.listVolumes({ filters });
      await Promise.all((volumes ?? []).map((v) => this.#docker.getVolume(v.Name).remove().catch(tolerate(`volume ${v.Name}`))));
    } catch (e) {
      failures.push(`listing volumes: ${engineMessage(e)}`);
    }
    try {
      await rm(this.#hostDir, { recursive: true, force: true, maxRetries: 2 });
    } catch (e) {
      failures.push(engineMessage(e));
    }
    if (failures.length > 0) {
      throw new JetwayError("DRIVER_FAILED", `docker driver: close of namespace ${this.namespace} left things behind: ${failures.join("; ")}`);
    }
  }

  /** `jetway-<namespace>-<task>`: one name per task id, which is what makes runContainer idempotent across drivers. */
  containerName(id: string): string {
    return `jetway-${this.namespace}-${safeName(id)}`;
  }

  #volumeName(name: string): string {
    return `jetway-${this.namespace}-${safeName(name)}`;
  }

  #hostVolumeDir(name: string): string {
    return join(this.#hostDir, "volumes", safeName(name));
  }

  #assertOpen(): void {
    if (this.#closed) throw new JetwayError("DRIVER_FAILED", `docker driver for namespace ${this.namespace} is closed`);
  }

  #remember(id: string, container: Docker.Container): DockerContainer {
    const result = new DockerContainer(id, container, () => this.#containers.delete(id));
    this.#containers.set(id, Promise.resolve(result));
    return result;
  }

  async #inspectOwn(id: string): Promise<Docker.ContainerInspectInfo | undefined> {
    const name = this.containerName(id);
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.#docker.getContainer(name).inspect();
    } catch (e) {
      if (statusCode(e) === 404) return undefined;
      throw new JetwayError("DRIVER_FAILED", `docker driver: cannot inspect container ${name}: ${engineMessage(e)}`);
    }
    if (info.Config.Labels?.[NAMESPACE_LABEL] !== this.namespace) {
      throw new JetwayError("DRIVER_FAILED", `docker driver: a container named ${name} exists but is not labelled ${NAMESPACE_LABEL}=${this.namespace}`);
    }
    return info;
  }

  async #start(task: Task): Promise<DockerContainer> {
    const fail = (reason: string) => new JetwayError("DRIVER_FAILED", `docker driver: task ${JSON.stringify(task.id)}: ${reason}`);
    const name = this.containerName(task.id);
    // cleanup runs this once per container object, so a later container of the same id is never dropped
    const forget = () => this.#containers.delete(task.id);

    const existing = await this.#inspectOwn(task.id);
    if (existing !== undefined) {
      // started by an earlier driver of this namespace: the same task, adopted
      if (existing.State.Status !== "created") return new DockerContainer(task.id, this.#docker.getContainer(existing.Id), forget);
      // created but never started (its start failed): try again from scratch
      await this.#docker.getContainer(existing.Id).remove({ force: true }).catch(() => {});
    }

    if (task.image === "") throw fail("image must not be empty");
    await once(this.#images, task.image, () => ensureImage(this.#docker, task.image)).catch((e: unknown) => {
      throw fail(e instanceof JetwayError ? e.message.replace(/^docker driver: /, "") : String(e));
    });

    const stdin = stdinBytes(task);
    let container: Docker.Container;
    try {
      container = await this.#docker.createContainer({
        name,
        Image: task.image,
        Entrypoint: [task.command[0] ?? ""],
        Cmd: task.command.slice(1),
        Env: Object.entries(task.env ?? {}).map(([k, v]) => `${k}=${v}`),
        WorkingDir: workingDir(task),
        ...(task.user !== undefined ? { User: task.user } : {}),
        Labels: { [NAMESPACE_LABEL]: this.namespace, [TASK_LABEL]: task.id },
        ...(stdin !== undefined ? { OpenStdin: true, StdinOnce: true, AttachStdin: true } : {}),
        HostConfig: {
          Mounts: await this.#mounts(task, fail),
          Privileged: task.privileged ?? false,
          // the default json-file driver stores lines as JSON strings and mangles non-UTF-8 bytes; local keeps bytes
          LogConfig: { Type: "local", Config: {} },
          ...(task.limits?.memory !== undefined ? { Memory: task.limits.memory } : {}),
          ...(task.limits?.cpu !== undefined ? { CpuShares: task.limits.cpu } : {}),
        },
      });
    } catch (e) {
      if (e instanceof JetwayError) throw e;
      if (statusCode(e) === 409) {
        // another driver of the namespace created it a moment ago
        const info = await this.#inspectOwn(task.id);
        if (info) return new DockerContainer(task.id, this.#docker.getContainer(info.Id), forget);
      }
      throw fail(`cannot create container: ${engineMessage(e)}`);
    }

    try {
      if (stdin !== undefined) {
        // attached before the start, so no byte is lost; ending the write half closes the task's stdin
        const stream = (await container.attach({ stream: true, stdin: true, hijack: true })) as NodeJS.ReadWriteStream;
        stream.on("error", () => {});
        await container.start();
        stream.end(Buffer.from(stdin));
        stream.resume();
      } else {
        await container.start();
      }
    } catch (e) {
      await container.remove({ force: true }).catch(() => {});
      throw fail(startError(e));
    }
    return new DockerContainer(task.id, container, forget);
  }

  async #mounts(task: Task, fail: (reason: string) => JetwayError): Promise<Docker.MountSettings[]> {
    const mounts: Docker.MountSettings[] = [];
    for (const mount of task.mounts ?? []) {
      const target = mountPath(task, mount);
      const readOnly = mount.readOnly ?? false;
      if (this.#volumes === "host") {
        const source = this.#hostVolumeDir(mount.volume);
        if (!(await isDirectory(source))) throw fail(`volume ${JSON.stringify(mount.volume)} does not exist (createVolume first)`);
        mounts.push({ Type: "bind", Source: source, Target: target, ReadOnly: readOnly });
      } else {
        const source = this.#volumeName(mount.volume);
        try {
          await this.#docker.getVolume(source).inspect();
        } catch (e) {
          if (statusCode(e) === 404) throw fail(`volume ${JSON.stringify(mount.volume)} does not exist (createVolume first)`);
          throw fail(`cannot inspect volume ${JSON.stringify(mount.volume)}: ${engineMessage(e)}`);
        }
        mounts.push({ Type: "volume", Source: source, Target: target, ReadOnly: readOnly });
      }
    }
    for (const bind of task.binds ?? []) {
      if (!(await isDirectory(bind.hostPath))) throw fail(`bind source ${bind.hostPath} is not a folder on this host`);
      mounts.push({ Type: "bind", Source: bind.hostPath, Target: mountPath(task, bind), ReadOnly: true });
    }
    return mounts;
  }
}

/** The runtime's reason, e.g. `exec: "x": executable file not found in $PATH`, without the layers around it. */
function startError(e: unknown): string {
  const text = engineMessage(e);
  const exec = /(exec: .*?)(?::\s*unknown)?$/.exec(text);
  return exec?.[1] ? `cannot start: ${exec[1]}` : `cannot start: ${text}`;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
