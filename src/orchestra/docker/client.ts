/** The Docker engine client for a `host` parameter, and the engine's error messages in one line. */
import Docker from "dockerode";
import { JetwayError } from "../../protocol/errors.ts";

/** `unix:///path`, `tcp://host:port` or `http://host:port`; none = DOCKER_HOST or the default socket. */
export function dockerClient(host: string | undefined): Docker {
  if (host === undefined) return new Docker();
  const url = new URL(host);
  if (url.protocol === "unix:") return new Docker({ socketPath: url.pathname });
  return new Docker({ protocol: "http", host: url.hostname, port: Number(url.port || 2375) });
}

export async function ping(docker: Docker, where: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("no answer within 5 s")), 5000);
      }),
    ]);
  } catch (e) {
    throw new JetwayError("DRIVER_FAILED", `docker driver: engine at ${where} not reachable: ${engineMessage(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

export function statusCode(e: unknown): number | undefined {
  const code = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === "number" ? code : undefined;
}

/** The engine's own message, without dockerode's "(HTTP code N) ... -" prefix. */
export function engineMessage(e: unknown): string {
  const json = (e as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === "string") return json.message.trim();
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^\(HTTP code \d+\)[^-]*-\s*/, "").trim();
}
