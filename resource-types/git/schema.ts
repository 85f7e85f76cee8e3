import * as z from "zod";

/**
 * The git resource's configuration (reference §1), keyed exactly as
 * upstream's assets/{source,in,out}_schema.json. Upstream reads every field
 * with `jq -r`, so a YAML `branch: 2024` (a JSON number) or `depth: "1"` works
 * there: scalars are accepted in any JSON kind and every field may be null
 * (jq's `// default` treats null as absent). Upstream only rejects unknown
 * keys, in source for check and in params for get/put; decode.ts reproduces
 * that, and these schemas then vouch for the shapes.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const text = scalar.nullish();
const flag = z.union([z.boolean(), z.string()]).nullish();
const list = z.array(scalar).nullish();

export const gitConfigEntrySchema = z.object({ name: scalar, value: scalar.nullish() });

export const submoduleCredentialSchema = z.object({
  host: text,
  username: text,
  password: text,
  url: text,
  private_key: text,
  private_key_passphrase: text,
});

export const httpsTunnelSchema = z.object({
  proxy_host: text,
  proxy_port: text,
  proxy_user: text,
  proxy_password: text,
});

export const commitFilterSchema = z.object({
  include: list,
  include_all_match: flag,
  exclude: list,
  exclude_all_match: flag,
});

/** Keys of source_schema.json (the newest upstream versions, see SOURCE_KEYS). */
export const sourceSchema = z.strictObject({
  uri: text.describe("the repository: https://, http://, ssh://, user@host:path, file:// or a local path"),
  branch: text.describe("the branch to track; default: the remote HEAD"),
  private_key: text.describe("SSH private key (PEM/OpenSSH)"),
  private_key_user: text.describe("SSH user, overriding the URI's"),
  private_key_passphrase: text.describe("passphrase of private_key"),
  forward_agent: flag.describe("SSH agent forwarding (ssh config ForwardAgent)"),
  username: text.describe("HTTP(S) username"),
  password: text.describe("HTTP(S) password"),
  paths: list.describe("pathspec globs: only commits touching these count"),
  sparse_paths: list.describe("in: sparse checkout of these paths"),
  ignore_paths: list.describe("pathspec globs: commits touching only these are skipped"),
  skip_ssl_verification: flag.describe("skip TLS verification for http(s)"),
  tag_filter: text.describe("track tags matching this glob (git tag --list)"),
  tag_regex: text.describe("track tags matching this extended regex (grep -Ex)"),
  tag_behaviour: text.describe("match_tagged (default) or match_tag_ancestors"),
  fetch_tags: flag.describe("in: fetch all tags"),
  submodule_credentials: z.array(submoduleCredentialSchema).nullish().describe("credentials per submodule host or URL"),
  git_config: z.array(gitConfigEntrySchema).nullish().describe("git config entries {name, value}"),
  disable_ci_skip: flag.describe("keep commits marked [ci skip] / [skip ci]"),
  commit_verification_keys: list.describe("GPG public keys a commit must be signed by (not supported natively)"),
  commit_verification_key_ids: list.describe("GPG key ids fetched from gpg_keyserver (not supported natively)"),
  gpg_keyserver: text.describe("keyserver for commit_verification_key_ids"),
  git_crypt_key: text.describe("base64 git-crypt key (not supported natively)"),
  https_tunnel: httpsTunnelSchema.nullish().describe("HTTP proxy tunnel for SSH (not supported natively)"),
  commit_filter: commitFilterSchema.nullish().describe("commit message filters (git rev-list --grep)"),
  version_depth: z.union([z.number(), z.string()]).nullish().describe("versions emitted without a cursor; default 1"),
  search_remote_refs: flag.describe("in: look a missing ref up with ls-remote"),
  debug: flag.describe("trace the scripts"),
  github_app_id: text.describe("GitHub App authentication (not supported natively)"),
  github_app_installation_id: text.describe("GitHub App authentication (not supported natively)"),
  github_app_private_key: text.describe("GitHub App authentication (not supported natively)"),
  version_type: text.describe("not supported natively"),
  credential_hosts: z.unknown().optional().describe("not supported natively"),
  branch_filters: z.unknown().optional().describe("not supported natively"),
  branch_regex: text.describe("not supported natively"),
  tag_filters: z.unknown().optional().describe("not supported natively"),
  tag_sort: text.describe("not supported natively"),
});

/** Keys of in_schema.json. */
export const getParamsSchema = z.strictObject({
  depth: z.union([z.number(), z.string()]).nullish().describe("shallow clone depth, deepened until the ref is found"),
  fetch: list.describe("extra branches to fetch as local branches"),
  fetch_tags: flag.describe("fetch all tags; default: source.fetch_tags"),
  submodules: z.union([z.string(), z.array(scalar)]).nullish().describe("all (default), none, or a list of paths"),
  submodule_recursive: flag.describe("default true"),
  submodule_remote: flag.describe("update submodules to their remote branch"),
  disable_git_lfs: flag.describe("skip LFS objects"),
  clean_tags: flag.describe("delete tags after computing metadata"),
  short_ref_format: text.describe("printf format for .git/short_ref; default %s"),
  timestamp_format: text.describe("git --date format for .git/commit_timestamp; default iso8601"),
  describe_ref_options: text.describe("options for .git/describe_ref; default --always --dirty --broken"),
  all_branches: flag.describe("fetch all branches"),
  debug: flag.describe("trace the scripts"),
});

/** Keys of out_schema.json. */
export const putParamsSchema = z.strictObject({
  repository: text.describe("the directory to push, under the put's inputs"),
  rebase: flag.describe("rebase and retry when the push is rejected"),
  merge: flag.describe("merge and retry when the push is rejected"),
  returning: text.describe("with merge: merged (default) or unmerged"),
  rebase_strategy: text.describe("git pull --strategy for rebase"),
  rebase_strategy_option: z.union([scalar, z.array(scalar)]).nullish().describe("-X options for rebase"),
  tag: text.describe("a file holding the tag name"),
  only_tag: flag.describe("push tags only"),
  tag_prefix: text.describe("prepended to the tag name"),
  force: flag.describe("force-push"),
  force_with_lease: flag.describe("force-push with lease"),
  annotate: text.describe("a file holding the tag annotation"),
  notes: text.describe("a file holding notes for HEAD"),
  branch: text.describe("push to this branch; the version becomes {branch, ref}"),
  refs_prefix: text.describe("ref namespace to push to; default refs/heads"),
  push_options: list.describe("git push -o options"),
});

/** check and get versions: a commit sha, or in tag mode a tag name with its commit. */
export const versionSchema = z.object({
  ref: z.string(),
  commit: z.string().optional(),
  branch: z.string().optional(),
});

/** put's version when params.branch is set. */
export const putVersionSchema = z.object({ branch: z.string(), ref: z.string() });

export const SOURCE_KEYS: readonly string[] = Object.keys(sourceSchema.shape);
export const GET_PARAMS_KEYS: readonly string[] = Object.keys(getParamsSchema.shape);
export const PUT_PARAMS_KEYS: readonly string[] = Object.keys(putParamsSchema.shape);

export type GitSource = z.infer<typeof sourceSchema>;
export type GitGetParams = z.infer<typeof getParamsSchema>;
export type GitPutParams = z.infer<typeof putParamsSchema>;
export type GitVersion = z.infer<typeof versionSchema>;
export type GitPutVersion = z.infer<typeof putVersionSchema>;
