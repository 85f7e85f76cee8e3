/**
 * Where the image of a type jetway runs as a container comes from, following
 * resource_types as Concourse does:
 * - declared with type registry-image or docker-image: `source.repository` at
 *   `source.tag` (default latest). jetway hands the reference to the driver,
 *   which uses a local image or pulls it; nothing is fetched through a
 *   registry-image resource first.
 * - declared with another type T (a custom type, or a native one): T's check
 *   runs with the declaration's source, T's own image resolved the same way
 *   (recursively), and its newest version names the image: `repository@digest`
 *   when it has a digest, else `repository:tag`. jetway does not run T's `in`
 *   to fetch a root filesystem: drivers run images by reference.
 * - not declared: a native type's own image (jetway/<type>-resource:latest).
 */
import * as z from "zod";
import type { ResourceTypeConfig } from "../pipeline/types.ts";
import { JetwayError } from "../protocol/errors.ts";

/** Base types whose source names an image directly. */
const IMAGE_TYPES = new Set(["registry-image", "docker-image"]);

const imageSourceSchema = z.looseObject({
  repository: z.string().min(1, "must not be empty"),
  tag: z.union([z.string().min(1), z.number()]).optional(),
});

export interface ResolvedImage {
  ref: string;
  privileged: boolean;
  /** where the reference came from, for the run log: "resource_types build-tool (registry-image)" */
  origin: string;
}

/** Runs a check of `type` for the resolver (through the executor, so the type's own chain applies). */
export type CheckRunner = (type: string, source: Record<string, unknown>, seen: readonly string[]) => Promise<unknown>;

export interface ResolveContext {
  declarations: readonly ResourceTypeConfig[];
  /** the image of a native type that no declaration redefines */
  nativeImage: (type: string) => string | undefined;
  check: CheckRunner;
  /** the chain so far, outermost first: a type met twice is a cycle */
  seen: readonly string[];
}

export async function resolveImage(type: string, ctx: ResolveContext): Promise<ResolvedImage> {
  const declaration = ctx.declarations.find((d) => d.name === type);
  if (declaration === undefined) {
    const ref = ctx.nativeImage(type);
    if (ref === undefined) throw new JetwayError("INVALID_CONFIG", `type ${JSON.stringify(type)} is neither native nor declared in resource_types`);
    return { ref, privileged: false, origin: `jetway's image for the native ${type} type` };
  }
  if (ctx.seen.includes(type)) {
    throw new JetwayError("INVALID_CONFIG", `resource_types form a cycle: ${[...ctx.seen, type].join(" -> ")}`);
  }
  const seen = [...ctx.seen, type];
  const privileged = declaration.privileged ?? false;
  const source = declaration.source ?? {};
  const imageSource = imageSourceSchema.safeParse(source);
  if (IMAGE_TYPES.has(declaration.type) && !ctx.declarations.some((d) => d.name === declaration.type)) {
    if (!imageSource.success) throw sourceError(type, imageSource.error);
    const tag = imageSource.data.tag ?? "latest";
    return { ref: `${imageSource.data.repository}:${tag}`, privileged, origin: `resource_types ${type} (${declaration.type})` };
  }
  // the image comes from another type: its newest version names it
  if (!imageSource.success) throw sourceError(type, imageSource.error);
  const versions = await ctx.check(declaration.type, source, seen);
  const newest = Array.isArray(versions) ? (versions.at(-1) as Record<string, unknown> | undefined) : undefined;
  if (newest === undefined) {
    throw new JetwayError("OPERATION_FAILED", `resource type ${type}: the check of its type ${declaration.type} found no version of its image`);
  }
  const { repository } = imageSource.data;
  const ref =
    typeof newest.digest === "string" && newest.digest !== ""
      ? `${repository}@${newest.digest}`
      : typeof newest.tag === "string" && newest.tag !== ""
        ? `${repository}:${newest.tag}`
        : undefined;
  if (ref === undefined) {
    throw new JetwayError(
      "OPERATION_FAILED",
      `resource type ${type}: the newest version from its type ${declaration.type} has neither digest nor tag (keys: ${Object.keys(newest).join(", ") || "none"}), so it names no image`,
    );
  }
  return { ref, privileged, origin: `resource_types ${type}, image from a check of ${declaration.type}` };
}

function sourceError(type: string, error: z.ZodError): JetwayError {
  const issue = error.issues[0];
  const key = issue?.path.length ? `source.${issue.path.join(".")}` : "source";
  const message = issue?.code === "invalid_type" && issue.input === undefined ? "is missing" : (issue?.message ?? "is invalid");
  return new JetwayError("INVALID_CONFIG", `resource type ${type}: ${key} ${message}`);
}
