/** One Docker container of a task: status from inspect, logs from the logs endpoint (demuxed). */
import type Docker from "dockerode";
import { JetwayError } from "../../protocol/errors.ts";
import type { Container, ContainerStatus, LogOptions, LogSink } from "../types.ts";
import { engineMessage, statusCode } from "./client.ts";
import { LogDemuxer } from "./demux.ts";

export class DockerContainer implements Container {
  /** the task id */
  readonly id: string;
  /** the engine's container id */
  readonly dockerId: string;
  readonly #container: Docker.Container;
  readonly #onCleanup: () => void;
  #done: ContainerStatus | undefined;
  #cleaned = false;

  constructor(id: string, container: Docker.Container, onCleanup: () => void) {
    this.id = id;
    this.dockerId = container.id;
    this.#container = container;
    this.#onCleanup = onCleanup;
  }

  async status(): Promise<ContainerStatus> {
    if (this.#done) return this.#done;
    let state: { Status?: string; ExitCode?: number };
    try {
      state = (await this.#container.inspect()).State;
    } catch (e) {
      throw this.#gone(e, "status");
    }
    if (state.Status === "exited" || state.Status === "dead") {
      this.#done = { isDone: true, exitCode: state.ExitCode ?? 0 };
      return this.#done;
    }
    return { isDone: false };
  }

  async logs(stdout: LogSink, stderr: LogSink, options: LogOptions = {}): Promise<void> {
    if (this.#cleaned) throw new JetwayError("DRIVER_FAILED", `docker driver: container ${JSON.stringify(this.id)} was cleaned up; its logs are gone`);
    const demux = new LogDemuxer(stdout, stderr);
    try {
      if (!options.follow) {
        demux.push(await this.#container.logs({ stdout: true, stderr: true, follow: false }));
        demux.end();
        return;
      }
      const stream = await this.#container.logs({ stdout: true, stderr: true, follow: true });
      await new Promise<void>((resolve, reject) => {
        stream.on("data", (chunk: Buffer) => {
          try {
            demux.push(chunk);
          } catch (e) {
            (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
            reject(e);
          }
        });
        stream.on("error", reject);
        stream.on("end", () => {
          try {
            demux.end();
            resolve();
          } catch (e) {
            reject(e);
          }
        });
      });
    } catch (e) {
      throw this.#gone(e, "logs");
    }
  }

  /** Removes the container (killing it if it runs). Idempotent. */
  async cleanup(): Promise<void> {
    if (!this.#cleaned) {
      this.#cleaned = true;
      this.#onCleanup();
    }
    try {
      await this.#container.remove({ force: true });
    } catch (e) {
      // 404: gone already; 409: removal already in progress
      const code = statusCode(e);
      if (code !== 404 && code !== 409) throw new JetwayError("DRIVER_FAILED", `docker driver: cannot remove container ${JSON.stringify(this.id)}: ${engineMessage(e)}`);
    }
  }

  #gone(e: unknown, what: string): JetwayError {
    if (e instanceof JetwayError) return e;
    if (statusCode(e) === 404) return new JetwayError("DRIVER_FAILED", `docker driver: container ${JSON.stringify(this.id)} no longer exists`);
    return new JetwayError("DRIVER_FAILED", `docker driver: ${what} of container ${JSON.stringify(this.id)}: ${engineMessage(e)}`);
  }
}
