/**
 * in: clone the branch at the requested ref into the destination, check it
 * out, and write upstream's metadata files under .git/ (reference §1 in).
 * Clones go through the same transports as check, with no git binary: our
 * own fetch (clone.ts, fetch-pack.ts), pack indexing (pack-indexer.ts) and
 * checkout (checkout.ts); isomorphic-git writes config entries and does
 * sparse checkouts.
 */
import fs from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { DirectoryContext, InOutResponse } from "../../src/protocol/types.ts";
import { checkoutTree } from "./checkout.ts";
import { cloneBranch, deepenBranch, fetchExtraBranch } from "./clone.ts";
import type { GitInRequest } from "./decode.ts";
import { deleteTags, writeLooseRef } from "./git-dir.ts";
import { inFiles } from "./in-files.ts";
import { treeUsesLfs } from "./lfs.ts";
import { gitMetadata, onelineSummary, type GitMetadataField } from "./metadata.ts";
import { remoteOptions } from "./remote-options.ts";
import { GitRepo } from "./repo.ts";
import { openRemote, type Remote } from "./transport/index.ts";
import { ObjectStore, type GitObject } from "./transport/object-store.ts";
import { updateSubmodules } from "./submodules.ts";
import { unsupportedLfs } from "./unsupported.ts";

/** Upstream's deepening helper gives up doubling at this total depth and unshallows. */
const DEEPEN_LIMIT = 127;
/** "deepen" to this depth is a whole history (what isomorphic-git sent for an unshallow) */
const UNSHALLOW_DEPTH = 2 ** 30;

export async function get(request: GitInRequest, ctx: DirectoryContext): Promise<InOutResponse> {
  const { config } = request;
  const dir = ctx.dir;
  const remote = await openRemote(config.uri, remoteOptions(request.source, ctx));
  try {
    const gitdir = join(dir, ".git");
    // git clone follows the tags that point into what it fetched; jetway fetches
    // every tag of the remote, which only `git tag` shows (docs/architecture.md)
    const { branch } = await cloneBranch(remote, dir, {
      branch: config.versionBranch || config.branch,
      depth: config.depth,
      tags: config.tags !== "no-tags",
      signal: ctx.signal,
    });
    for (const entry of config.gitConfig) await git.setConfig({ fs, dir, path: entry.name, value: entry.value });

    const head = await resolveWanted(remote, dir, branch, config.ref, config.depth, ctx);
    const repo = new GitRepo(gitdir);
    const commit = await repo.readCommit(head);
    if (!config.disableGitLfs && (await treeUsesLfs(repo, commit.tree))) throw unsupportedLfs();
    if (config.sparsePaths !== null) {
      await git.checkout({ fs, dir, ref: head, force: true, filepaths: config.sparsePaths });
    } else {
      const store = new ObjectStore(join(gitdir, "objects"));
      try {
        checkoutTree((oid) => readOrUndefined(store, oid), commit.tree, dir, gitdir);
      } finally {
        store.close();
      }
      // `git checkout -f <ref>` leaves HEAD detached at the commit
      writeLooseRef(gitdir, "HEAD", head);
    }
    await updateSubmodules(request, ctx);

    ctx.logger.log(await onelineSummary(repo, head));
    for (const extra of config.fetch) await fetchExtraBranch(remote, dir, extra, ctx.signal);

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

    if (config.cleanTags) deleteTags(gitdir);
    return { version: { ref: returnRef }, metadata };
  } finally {
    await remote.close();
  }
}

/**
 * The commit to check out: HEAD, a sha or a tag name. A shallow clone is
 * deepened, doubling each time, until the ref turns up, as upstream's helper does.
 */
async function resolveWanted(remote: Remote, dir: string, branch: string, ref: string, depth: number, ctx: DirectoryContext): Promise<string> {
  // a fresh GitRepo each time: a deepening fetch adds packs and shallow boundaries
  const resolve = async () => {
    const repo = new GitRepo(join(dir, ".git"));
    let oid = await repo.resolveRef(ref);
    if (oid === undefined && /^[0-9a-fA-F]{4,40}$/.test(ref)) oid = await repo.expandOid(ref);
    // an annotated tag names a tag object: the commit is what it peels to
    return oid === undefined ? undefined : await repo.peelToCommit(oid);
  };
  let found = await resolve();
  let total = depth;
  while (found === undefined && depth > 0) {
    if (total >= DEEPEN_LIMIT) {
      ctx.logger.log("Reached max depth of the shallow clone, unshallowing...");
      await deepenBranch(remote, dir, branch, UNSHALLOW_DEPTH, false, ctx.signal);
      found = await resolve();
      break;
    }
    ctx.logger.log(`Could not find ref ${ref} in a shallow clone of depth ${total}, deepening by ${total}...`);
    await deepenBranch(remote, dir, branch, total, true, ctx.signal);
    total *= 2;
    found = await resolve();
  }
  if (found === undefined) {
    throw new JetwayError("OPERATION_FAILED", `fatal: reference is not a tree: ${ref}`, { exitCode: 128 });
  }
  return found;
}

function readOrUndefined(store: ObjectStore, oid: string): GitObject | undefined {
  try {
    return store.read(oid);
  } catch (e) {
    if ((e as { code?: unknown }).code === "NotFoundError") return undefined;
    throw e;
  }
}
