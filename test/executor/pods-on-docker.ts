/**
 * The pod parts of a task (init containers, scratch volumes) run on the real
 * docker driver, so the k8s delivery strategies' tasks can run in the real
 * jetway/jetway and node images where no cluster exists (here, CI).
 *
 * The docker driver refuses those parts: it runs no pods, and teaching it to
 * would make it claim `features.pods` for every user. So this test wrapper
 * does what a kubelet does with them, in the same order: each scratch volume
 * (an emptyDir) becomes a fresh named volume of the driver, each init
 * container a task of its own run to its exit, one after the other, with the
 * pod's working dir and its own mounts; then the task itself runs without
 * them. An init container that exits non-zero fails the task before it
 * starts, with the k8s driver's words. The tasks are recorded as the strategy
 * built them, so a test can say which image ran which command.
 */
import { runTaskToExit } from "../../src/executor/container-run.ts";
import type { Container, Driver, DriverFeatures, Task, Volume } from "../../src/orchestra/types.ts";
import { JetwayError } from "../../src/protocol/errors.ts";

export interface InitRun {
  task: Task;
  exitCode: number;
  stderr: string;
}

export class PodsOnDocker implements Driver {
  readonly name = "docker";
  readonly features: DriverFeatures = { pods: true };
  /** every task as the strategy handed it over, init containers and all */
  readonly tasks: Task[] = [];
  /** every init container run, as the docker task it became */
  readonly initRuns: InitRun[] = [];
  readonly #docker: Driver;

  constructor(docker: Driver) {
    this.#docker = docker;
  }

  get namespace(): string {
    return this.#docker.namespace;
  }

  async runContainer(task: Task): Promise<Container> {
    this.tasks.push(task);
    const { initContainers = [], scratchVolumes = [], ...own } = task;
    const scratch: Volume[] = [];
    const removeScratch = async () => {
      for (const volume of scratch) await volume.cleanup();
    };
    try {
      for (const name of scratchVolumes) scratch.push(await this.#docker.createVolume(name));
      for (const init of initContainers) {
        const initTask: Task = {
          id: `${task.id}/${init.name}`,
          image: init.image,
          command: init.command,
          ...(init.mounts !== undefined && { mounts: init.mounts }),
          ...(task.workingDir !== undefined && { workingDir: task.workingDir }),
        };
        let stderr = "";
        const { exitCode } = await runTaskToExit(this.#docker, initTask, undefined, (text) => (stderr += text));
        this.initRuns.push({ task: initTask, exitCode, stderr });
        if (exitCode !== 0) {
          throw new JetwayError("DRIVER_FAILED", `docker driver: task ${JSON.stringify(task.id)}: init container ${init.name} exited ${exitCode}`);
        }
      }
      const container = await this.#docker.runContainer(own);
      return {
        id: container.id,
        status: () => container.status(),
        logs: (stdout, stderr, options) => container.logs(stdout, stderr, options),
        async cleanup() {
          await container.cleanup();
          await removeScratch();
        },
      };
    } catch (e) {
      await removeScratch().catch(() => undefined);
      throw e;
    }
  }

  createVolume(name: string, size?: number): Promise<Volume> {
    return this.#docker.createVolume(name, size);
  }

  getContainer(id: string): Promise<Container | undefined> {
    return this.#docker.getContainer(id);
  }

  close(): Promise<void> {
    return this.#docker.close();
  }
}
