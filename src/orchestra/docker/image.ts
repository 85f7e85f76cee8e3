/** Images are pulled only when the engine does not have them. */
import type Docker from "dockerode";
import { JetwayError } from "../../protocol/errors.ts";
import { engineMessage, statusCode } from "./client.ts";

export async function ensureImage(docker: Docker, ref: string): Promise<void> {
  try {
    await docker.getImage(ref).inspect();
    return;
  } catch (e) {
    if (statusCode(e) !== 404) throw new JetwayError("DRIVER_FAILED", `docker driver: cannot inspect image ${JSON.stringify(ref)}: ${engineMessage(e)}`);
  }
  try {
    const stream = await docker.pull(ref);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { error?: string }) => {
          if (event.error) reject(new Error(event.error));
        },
      );
    });
  } catch (e) {
    throw new JetwayError("DRIVER_FAILED", `docker driver: image ${JSON.stringify(ref)} is not present and could not be pulled: ${engineMessage(e)}`);
  }
}
