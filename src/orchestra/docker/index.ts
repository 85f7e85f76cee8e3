/** The Docker driver's factory: `docker`, `docker?host=unix:///var/run/docker.sock`, `docker?volumes=host&root=/dir`. */
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import * as z from "zod";
import { JetwayError } from "../../protocol/errors.ts";
import { validateNamespace } from "../names.ts";
import { noTarget, parseParams } from "../params.ts";
import type { DriverFactory } from "../types.ts";
import { dockerClient, ping } from "./client.ts";
import { DockerDriver } from "./driver.ts";

export { DockerDriver, type VolumeMode } from "./driver.ts";
export { DockerContainer } from "./container.ts";
export { LogDemuxer } from "./demux.ts";

const paramsSchema = z.object({
  /** the engine: unix:///path, tcp://host:port or http://host:port; default DOCKER_HOST or the local socket */
  host: z
    .string()
    .regex(/^(unix:\/\/\/.+|(tcp|http):\/\/[^/]+)$/, "must be unix:///path, tcp://host:port or http://host:port")
    .optional(),
  /** named: Docker volumes; host: folders on this host bind-mounted (hostPath set, for in-process delivery) */
  volumes: z.enum(["named", "host"]).optional(),
  /** where host volumes live, one folder per namespace; default $TMPDIR/jetway-docker */
  root: z.string().refine(isAbsolute, "must be an absolute path").optional(),
});

export function defaultDockerRoot(): string {
  return join(tmpdir(), "jetway-docker");
}

export const dockerDriver: DriverFactory = {
  name: "docker",
  async create(options) {
    noTarget("docker", options.target);
    const params = parseParams("docker", paramsSchema, options.params);
    if (params.root !== undefined && params.volumes !== "host") {
      throw new JetwayError("INVALID_CONFIG", "docker driver: parameter root only applies with volumes=host");
    }
    const namespace = validateNamespace(options.namespace);
    const docker = dockerClient(params.host);
    const engine = params.host ?? process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
    await ping(docker, engine);
    return new DockerDriver({
      namespace,
      docker,
      volumes: params.volumes ?? "named",
      hostDir: join(params.root ?? defaultDockerRoot(), namespace),
      // an engine over tcp may sit on another machine, where this host's folders do not exist
      localEngine: engine.startsWith("unix://"),
    });
  },
};
