/**
 * The image reference a task runs in. Registry images are not fetched here:
 * their reference (`repository@digest` or `repository:tag`) is what container
 * drivers pull, and the native driver ignores images (it says so once).
 */
import type { TaskConfig, TaskStep } from "../../../pipeline/types.ts";
import { JetwayError } from "../../../protocol/errors.ts";
import type { Version } from "../../../protocol/types.ts";
import type { Scope } from "../scope.ts";

const REGISTRY_TYPES = new Set(["registry-image", "docker-image"]);

export function taskImage(step: TaskStep, config: TaskConfig, scope: Scope, driver: string): string {
  const what = `task ${step.task}`;
  // anything but a registry image means nothing to a driver that runs on the host
  const unusable = (why: string): string => {
    if (driver === "native") return "";
    throw new JetwayError("UNSUPPORTED", `${what}: ${why}; the ${driver} driver needs a registry-image or docker-image`);
  };
  if (step.image !== undefined) {
    const artifact = scope.artifact(step.image);
    if (artifact === undefined) throw new JetwayError("INVALID_CONFIG", `${what}: image artifact ${JSON.stringify(step.image)} not found`);
    const fetched = artifact.fetched;
    if (fetched === undefined || !REGISTRY_TYPES.has(fetched.type)) return unusable(`image artifact ${step.image} was not fetched from a registry image resource`);
    return reference(fetched.source, fetched.version, `${what}: image ${step.image}`);
  }
  const imageResource = config.image_resource;
  if (imageResource !== undefined) {
    if (!REGISTRY_TYPES.has(imageResource.type)) return unusable(`image_resource type ${imageResource.type} is not a registry image`);
    return reference(imageResource.source ?? {}, imageResource.version, `${what}: image_resource`);
  }
  if (config.rootfs_uri !== undefined) {
    const docker = /^docker:\/\/\/(.+)$/.exec(config.rootfs_uri);
    if (docker?.[1]) return docker[1].replace("#", ":");
    return unusable(`rootfs_uri ${config.rootfs_uri} is not docker:///IMAGE`);
  }
  return unusable("it names no image (image_resource, image or rootfs_uri)");
}

function reference(source: Record<string, unknown>, version: Version | undefined, what: string): string {
  const repository = source.repository;
  if (typeof repository !== "string" || repository === "") throw new JetwayError("INVALID_CONFIG", `${what}: source.repository must be set`);
  const digest = version?.digest;
  if (digest !== undefined && digest !== "") return `${repository}@${digest}`;
  const tag = source.tag;
  return `${repository}:${typeof tag === "string" && tag !== "" ? tag : typeof tag === "number" ? String(tag) : "latest"}`;
}
