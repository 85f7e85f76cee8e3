/**
 * Options upstream supports that jetway does not implement natively (issue 4
 * §5). Each fails with one line naming the option and the upstream image, and
 * only where upstream would act on it: a git_crypt_key costs a get, not a
 * check, so the same source keeps checking natively.
 */
import { JetwayError } from "../../src/protocol/errors.ts";
import { alt, iterate, path } from "./jq/eval.ts";
import type { JqPayload } from "./jq/payload.ts";
import { dumpCompact, rawText, truthy } from "./jq/value.ts";

export const UPSTREAM_IMAGE = "concourse/git-resource";

export function unsupported(option: string): JetwayError {
  return new JetwayError(
    "UNSUPPORTED",
    `${option} is not supported natively by jetway's git resource; use the upstream image ${UPSTREAM_IMAGE} for this resource`,
  );
}

/** For `in` once it meets a Git LFS pointer it cannot resolve. */
export function unsupportedLfs(): JetwayError {
  return unsupported("Git LFS content (set params.disable_git_lfs: true to get the pointer files)");
}

/** Does git reach this URI over SSH (where https_tunnel applies)? */
export function usesSsh(uri: string): boolean {
  if (/^(ssh|git\+ssh|ssh\+git):\/\//i.test(uri)) return true;
  if (uri.includes("://")) return false;
  // scp-like user@host:path; a colon after the first slash is a local path
  const colon = uri.indexOf(":");
  return colon > 0 && !uri.slice(0, colon).includes("/");
}

type Op = "check" | "in" | "out";

/** Throws for the first option this operation would need and cannot do. */
export function rejectUnsupported(payload: JqPayload, op: Op, uri: string): void {
  const text = (...keys: string[]) => payload.text((v) => alt(path(v, ...keys), ""));
  const listed = (key: string) => payload.lines((v) => iterate(alt(path(v, "source", key), [])));

  if (op === "in") {
    if (text("source", "git_crypt_key") !== "") throw unsupported("source.git_crypt_key");
    if (listed("commit_verification_keys") !== "") throw unsupported("source.commit_verification_keys");
    if (listed("commit_verification_key_ids") !== "") throw unsupported("source.commit_verification_key_ids");
  }

  const tunnel = payload.eval((v) => path(v, "source", "https_tunnel"));
  if (truthy(tunnel) && usesSsh(uri)) {
    const field = (k: string) => payload.eval(() => rawText(alt(path(tunnel, k), "")));
    if (field("proxy_host") !== "" && field("proxy_port") !== "") throw unsupported("source.https_tunnel");
  }

  if (text("source", "github_app_id") !== "" && text("source", "github_app_private_key") !== "" && text("source", "github_app_installation_id") !== "") {
    throw unsupported("source.github_app_id (GitHub App authentication)");
  }

  // keys some upstream schema versions list, whose behaviour jetway does not know
  for (const key of ["version_type", "credential_hosts", "branch_filters", "branch_regex", "tag_filters", "tag_sort"]) {
    const v = payload.eval((x) => path(x, "source", key));
    if (truthy(v) && dumpCompact(v) !== '""' && dumpCompact(v) !== "[]" && dumpCompact(v) !== "{}") throw unsupported(`source.${key}`);
  }
}
