/**
 * in: clone the branch at the requested ref into the destination, check it
 * out, and write upstream's metadata files under .git/ (reference §1 in).
 * Clones go through the same transports as check, with no git binary.
 */
import fs from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { DirectoryContext, InOutResponse } from "../../src/protocol/types.ts";
import type { GitInRequest } from "./decode.ts";
import { inFiles } from "./in-files.ts";
import { treeUsesLfs } from "./lfs.ts";
import { gitMetadata, onelineSummary, type GitMetadataField } from "./metadata.ts";
import { remoteOptions } from "./remote-options.ts";
import { GitRepo } from "./repo.ts";
import { openRemote, type Remote } from "./transport/index.ts";
import { unsupported, unsupportedLfs } from "./unsupported.ts";

/** Upstream's deepening helper gives up doubling at this total depth and unshallows. */
const DEEPEN_LIMIT = 127;

export async function get(request: GitInRequest, ctx: DirectoryContext): Promise<InOutResponse> {
  const { config } = request;
  const dir = ctx.dir;
  const remote = await openRemote(config.uri, remoteOptions(request.source, ctx));
  try {
    const auth = remote.onAuth ? { onAuth: remote.onAuth } : {};
    const branch = config.versionBranch || config.branch;
    await git.clone({
      fs,
      http: remote.http,
      dir,
      url: remote.url,
      ...(branch !== "" && { ref: branch }),
      singleBranch: true,
      noCheckout: true,
      ...(config.depth > 0 && { depth: config.depth }),
      noTags: config.tags === "no-tags",
      ...auth,
    });
    // git clone follows the tags that point into what it fetched. isomorphic-git
    // fetches tags only in a fetch of every branch, so that fetch is made and the
    // other branches' remote refs are dropped again; the clone may then hold tags
    // (and their objects) from outside the branch, which only `git tag` shows
    if (config.tags !== "no-tags") {
      await git.fetch({ fs, http: remote.http, dir, url: remote.url, singleBranch: false, tags: true, ...(config.depth > 0 && { depth: config.depth }), ...auth });
      const tracked = branch !== "" ? branch : await currentBranch(dir);
      for (const name of await git.listBranches({ fs, dir, remote: "origin" })) {
        if (name !== tracked) await git.deleteRef({ fs, dir, ref: `refs/remotes/origin/${name}` });
      }
    }
    // the synthetic transport URL means nothing outside this process
    await git.setConfig({ fs, dir, path: "remote.origin.url", value: remote.uri });
    for (const entry of config.gitConfig) await git.setConfig({ fs, dir, path: entry.name, value: entry.value });

    const head = await resolveWanted(remote, dir, config.ref, config.depth, auth, ctx);
    const repo = new GitRepo(join(dir, ".git"));
    const commit = await repo.readCommit(head);
    if (!config.disableGitLfs && (await treeUsesLfs(repo, commit.tree))) throw unsupportedLfs();
    await git.checkout({
      fs,
      dir,
      ref: head,
      force: true,
      ...(config.sparsePaths !== null && { filepaths: config.sparsePaths }),
    });
    if (config.submodules !== "none" && fs.existsSync(join(dir, ".gitmodules"))) throw unsupported("params.submodules (a repository with submodules)");

    ctx.logger.log(await onelineSummary(repo, head));
    for (const extra of config.fetch) await fetchBranch(remote, dir, extra, auth);

    const returnRef = config.ref === "HEAD" ? head : config.ref;
    const metadata: GitMetadataField[] = await gitMetadata(repo, head, remote.uri);
    const written = await inFiles(repo, head, metadata, {
      returnRef,
      shortRefFormat: config.shortRefFormat,
      timestampFormat: config.timestampFormat,
      describeRefOptions: config.describeRefOptions,
      now: Number(ctx.clock.nowNanos() / 1_000_000_000n),
    });
    for (const line of written.stderr) ctx.logger.log(line);
    for (const [name, content] of written.files) await writeFile(join(dir, ".git", name), content);

    if (config.cleanTags) {
      for (const tag of await git.listTags({ fs, dir })) await git.deleteRef({ fs, dir, ref: `refs/tags/${tag}` });
    }
    return { version: { ref: returnRef }, metadata };
  } finally {
    await remote.close();
  }
}

/**
 * The commit to check out: HEAD, a sha or a tag name. A shallow clone is
 * deepened, doubling each time, until the ref turns up, as upstream's helper does.
 */
async function resolveWanted(remote: Remote, dir: string, ref: string, depth: number, auth: object, ctx: DirectoryContext): Promise<string> {
  // a fresh GitRepo each time: a deepening fetch adds packs and shallow boundaries
  const resolve = async () => {
    const repo = new GitRepo(join(dir, ".git"));
    let oid = await repo.resolveRef(ref);
    if (oid === undefined) oid = await git.expandOid({ fs, dir, oid: ref }).catch(() => undefined);
    // an annotated tag names a tag object: the commit is what it peels to
    return oid === undefined ? undefined : await repo.peelToCommit(oid);
  };
  let found = await resolve();
  let total = depth;
  while (found === undefined && depth > 0) {
    if (total >= DEEPEN_LIMIT) {
      ctx.logger.log("Reached max depth of the shallow clone, unshallowing...");
      await git.fetch({ fs, http: remote.http, dir, url: remote.url, singleBranch: true, depth: 2 ** 30, ...auth });
      found = await resolve();
      break;
    }
    ctx.logger.log(`Could not find ref ${ref} in a shallow clone of depth ${total}, deepening by ${total}...`);
    await git.fetch({ fs, http: remote.http, dir, url: remote.url, singleBranch: true, depth: total, relative: true, ...auth });
    total *= 2;
    found = await resolve();
  }
  if (found === undefined) {
    throw new JetwayError("OPERATION_FAILED", `fatal: reference is not a tree: ${ref}`, { exitCode: 128 });
  }
  return found;
}

/** params.fetch: another branch, kept as a local branch of the same name. */
async function fetchBranch(remote: Remote, dir: string, branch: string, auth: object): Promise<void> {
  const { fetchHead } = await git.fetch({ fs, http: remote.http, dir, url: remote.url, ref: branch, singleBranch: true, ...auth });
  if (fetchHead === null) throw new JetwayError("OPERATION_FAILED", `fatal: couldn't find remote ref ${branch}`, { exitCode: 128 });
  await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: fetchHead, force: true });
}

async function currentBranch(dir: string): Promise<string | undefined> {
  return (await git.currentBranch({ fs, dir, fullname: false })) ?? undefined;
}
