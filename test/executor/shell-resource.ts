/**
 * A resource type that jetway does not implement, as a local image: the shell
 * scripts in shell-resource/opt/resource on top of jetway/test-busybox (built
 * by images/test/build-busybox.sh). Its behaviour is picked by the source:
 * - check: `[{"ref":"one"}]`, or from a version `ref` that one and `<ref>-next`;
 *   with `emit_tag` a version `{"tag": ...}` (an image-producing type);
 *   `mode`: `garbage` prints text that is not JSON, `fail` exits 3, `hang` sleeps;
 * - in: writes `ref`, `request.json` and `env` into the destination;
 *   `mode: hang` sleeps;
 * - out: puts the version read from the file `params.file` of the inputs.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { docker } from "../../images/lib.ts";
import { TEST_SHELL_IMAGE, ensureShellImage } from "../orchestra/docker-target.ts";

export const SHELL_RESOURCE_REPOSITORY = "jetway-test/shell-resource";

/** Builds the image under a tag of its own; returns the tag. */
export async function buildShellResource(): Promise<string> {
  await ensureShellImage();
  const tag = `t-${process.pid}-${randomUUID().slice(0, 8)}`;
  const context = join(import.meta.dirname, "shell-resource");
  const dockerfile = `FROM ${TEST_SHELL_IMAGE}\nCOPY opt/ /opt/\n`;
  const build = promisify(execFile)("docker", ["build", "--quiet", "--tag", `${SHELL_RESOURCE_REPOSITORY}:${tag}`, "--file", "-", context], {
    timeout: 120_000,
  });
  build.child.stdin?.end(dockerfile);
  await build;
  return tag;
}

export async function removeShellResource(tag: string): Promise<void> {
  await docker()
    .getImage(`${SHELL_RESOURCE_REPOSITORY}:${tag}`)
    .remove({ force: true })
    .catch(() => undefined);
}
