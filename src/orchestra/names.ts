/**
 * Names every driver derives from a namespace, a task id or a volume name. They
 * must be valid at once as directory names, Docker object names and Kubernetes
 * label values, so anything else is replaced and a digest of the original keeps
 * distinct ids distinct.
 */
import { createHash } from "node:crypto";
import { JetwayError } from "../protocol/errors.ts";

/** Prefix of the labels drivers put on what they create. */
export const LABEL_PREFIX = "io.jetway";
export const NAMESPACE_LABEL = `${LABEL_PREFIX}.namespace`;
export const TASK_LABEL = `${LABEL_PREFIX}.task`;
export const VOLUME_LABEL = `${LABEL_PREFIX}.volume`;

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A namespace is a DNS label (what Kubernetes allows in names and label values). */
export function validateNamespace(namespace: string): string {
  if (typeof namespace !== "string" || namespace.length > 63 || !NAMESPACE.test(namespace)) {
    throw new JetwayError(
      "INVALID_CONFIG",
      `namespace ${JSON.stringify(namespace)} must be 1-63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit`,
    );
  }
  return namespace;
}

/**
 * `<readable part>-<10 hex digits of sha256>`: at most 51 characters of
 * [a-zA-Z0-9_.-], starting with a letter or digit, distinct for distinct inputs.
 */
export function safeName(raw: string): string {
  const readable = raw
    .replace(/[^a-zA-Z0-9_.-]+/g, "-")
    .replace(/^[^a-zA-Z0-9]+/, "")
    .slice(0, 40)
    .replace(/[^a-zA-Z0-9]+$/, "");
  const digest = createHash("sha256").update(raw).digest("hex").slice(0, 10);
  return readable === "" ? digest : `${readable}-${digest}`;
}
