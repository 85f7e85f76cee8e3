/**
 * `in`'s submodules (reference §1 get params), natively: what upstream's
 * assets/in does with `git submodule update --init --no-fetch [--depth N]
 * [--remote] [--recursive] -- PATH` for each selected .gitmodules section,
 * leaving what that command leaves:
 *
 * - `submodule.<name>.active` and `.url` in the superproject's config (a
 *   relative URL resolved against the superproject's remote, as git does);
 * - the submodule's repository in `<gitdir>/modules/<name>` with
 *   `core.worktree` pointing back, and a `.git` file in the submodule's path
 *   naming it, both relative;
 * - the gitlink's commit checked out there, detached (with `--remote`, the
 *   tip of the submodule remote's branch instead).
 *
 * With depth, upstream installs its deepening helper as the update command of
 * the sections it selected: the clone is shallow and deepened until the
 * gitlink's commit appears; nested submodules get the depth but no helper.
 * Secrets: URLs are written and printed without credentials; the ones used to
 * fetch (a relative URL under an https://user:pass@ superproject) stay in memory.
 */
import fs from "node:fs";
import { mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { DirectoryContext, Logger } from "../../src/protocol/types.ts";
import { checkoutTree } from "./checkout.ts";
import { cloneBranch, deepenBranch, fetchExtraBranch } from "./clone.ts";
import type { GitInRequest } from "./decode.ts";
import type { GitConfigEntry } from "./git-config-entries.ts";
import { configValue, writeLooseRef } from "./git-dir.ts";
import { fetchRefAdvertisement } from "./ref-advertisement.ts";
import { remoteOptions } from "./remote-options.ts";
import { GitRepo } from "./repo.ts";
import type { GitSource } from "./schema.ts";
import { openRemote, parseRemote, redactUri, type Remote, type RemoteOptions } from "./transport/index.ts";
import { ObjectStore, type GitObject } from "./transport/object-store.ts";
import { parseGitConfig, selectSubmoduleNames, submoduleTable, type GitConfigFile, type SubmoduleSpec } from "./submodules-gitmodules.ts";
import { isRelativeUrl, resolveSubmoduleUrl, submoduleRemoteOptions } from "./submodules-url.ts";

/** Where upstream's image keeps the helper its update command names. */
const HELPER = "/opt/resource/deepen_shallow_clone_until_ref_is_found_then_check_out";
/** The helper gives up doubling at this total depth and unshallows. */
const DEEPEN_LIMIT = 127;
/** a deepening to this depth fetches the whole history (`git fetch --unshallow`) */
const UNSHALLOW_DEPTH = 2 ** 30;
const RED = "\x1b[31m";
const RESET = "\x1b[0m";

/** One repository whose gitlinks are being updated: the superproject, or a submodule when recursing. */
interface Superproject {
  workdir: string;
  gitdir: string;
  /** what relative URLs resolve against: the URL it was fetched from, credentials included */
  remoteUrl: string;
  /** prefix of display paths ("" at the top, "vendor/lib/" one level down) */
  prefix: string;
  gitmodules: GitConfigFile | undefined;
}

interface UpdateOptions {
  depth: number;
  remote: boolean;
  recursive: boolean;
  /** the top-level sections upstream points at its deepening helper */
  helper: boolean;
}

interface Session {
  source: GitSource;
  base: RemoteOptions;
  logger: Logger;
  signal: AbortSignal;
  /** source.git_config allows the file transport for submodules (git's protocol.file.allow) */
  fileAllowed: boolean;
}

/** Runs upstream's submodule loop for `in` in ctx.dir, after the superproject's checkout. */
export async function updateSubmodules(request: GitInRequest, ctx: DirectoryContext): Promise<void> {
  const { config } = request;
  if (config.submodules === "none") return;
  const workdir = ctx.dir;
  const text = await readFile(join(workdir, ".gitmodules"), "utf8").catch(() => undefined);
  if (text === undefined) return;
  const gitmodules = parseGitConfig(text);
  const session: Session = {
    source: request.source,
    base: remoteOptions(request.source, ctx),
    logger: ctx.logger,
    signal: ctx.signal,
    fileAllowed: fileTransportAllowed(config.gitConfig),
  };
  const top: Superproject = { workdir, gitdir: join(workdir, ".git"), remoteUrl: superprojectUrl(config.uri), prefix: "", gitmodules };

  // `jq -r 'map(. + "$") | join("|")'`: each listed path anchored at its end only
  const pattern = config.submodules === "all" ? "." : config.submodules.map((p) => `${p}$`).join("|");
  const selected = selectSubmoduleNames(gitmodules, pattern);
  for (const line of selected.stderr) ctx.logger.log(line);
  const links = await gitlinks(top);
  for (const name of selected.names) {
    const path = gitmodules.get("submodule", name, "path") ?? "";
    if (path === "" || !(await exists(resolve(workdir, path)))) {
      ctx.logger.log(`${RED}warning: skipping missing submodule: ${path}${RESET}`);
      continue;
    }
    const matched = matchPathspec(links, workdir, path);
    if (matched.length === 0) {
      throw new JetwayError("OPERATION_FAILED", `error: pathspec '${path}' did not match any file(s) known to git`, { exitCode: 1 });
    }
    await update(session, top, matched, {
      depth: config.depth,
      remote: config.submoduleRemote,
      recursive: config.submoduleRecursive,
      helper: config.depth > 0,
    });
  }
}

/**
 * Since git 2.38.1 (CVE-2022-39253) a submodule may not be cloned from a local
 * path or file:// URL unless protocol.file.allow (or protocol.allow) is
 * `always`; upstream's scripts apply source.git_config with `git config
 * --global`, so that is where a pipeline allows it. The last entry wins.
 */
function fileTransportAllowed(entries: readonly GitConfigEntry[]): boolean {
  const last = (key: string) => entries.filter((e) => e.name.toLowerCase() === key).at(-1)?.value;
  const file = last("protocol.file.allow");
  return (file ?? last("protocol.allow")) === "always";
}

/** git resolves relative submodule URLs against remote.origin.url, which a local clone records as an absolute path. */
function superprojectUrl(uri: string): string {
  const parsed = parseRemote(uri);
  return parsed.kind === "local" && !/^file:/i.test(uri) ? parsed.path : uri;
}

interface Gitlink {
  path: string;
  oid: string;
}

/** The gitlinks of the checked-out commit, in git's index order. */
async function gitlinks(repo: Superproject): Promise<Gitlink[]> {
  const odb = new GitRepo(repo.gitdir);
  const head = await odb.resolveRef("HEAD");
  if (head === undefined) return [];
  const out: Gitlink[] = [];
  const walk = async (tree: string, prefix: string): Promise<void> => {
    for (const e of await odb.readTree(tree)) {
      if (e.type === "tree") await walk(e.oid, `${prefix}${e.path}/`);
      else if (e.type === "commit") out.push({ path: `${prefix}${e.path}`, oid: e.oid });
    }
  };
  await walk((await odb.readCommit(head)).tree, "");
  return out.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

/** A pathspec names a gitlink itself or a directory above it; anything outside the work tree names nothing. */
function matchPathspec(links: readonly Gitlink[], workdir: string, path: string): Gitlink[] {
  const rel = relative(workdir, resolve(workdir, path)).split("\\").join("/");
  if (rel === "") return [...links];
  if (rel.startsWith("..") || isAbsolute(rel)) return [];
  return links.filter((l) => l.path === rel || l.path.startsWith(`${rel}/`));
}

interface Planned {
  link: Gitlink;
  spec: SubmoduleSpec;
  /** the URL to fetch from (credentials kept) and the one .gitmodules wrote */
  url: string;
  gitmodulesUrl: string;
  display: string;
  workdir: string;
  gitdir: string;
  skip: boolean;
  /** the commit to check out, once the clone has fetched what it could */
  target?: string;
}

/** `git submodule update --init` for some gitlinks of one repository: init all, clone all, then check out each. */
async function update(session: Session, repo: Superproject, links: readonly Gitlink[], o: UpdateOptions): Promise<void> {
  const table = repo.gitmodules ? submoduleTable(repo.gitmodules) : undefined;
  for (const w of table?.warnings ?? []) session.logger.log(w);
  const planned: Planned[] = [];
  for (const link of links) planned.push(await init(session, repo, table?.byPath.get(link.path), link, o));

  for (const p of planned) {
    if (p.skip) continue;
    // a path two sections name is updated once: the second time git finds it at its commit
    if (await exists(join(p.workdir, ".git"))) {
      p.skip = true;
      continue;
    }
    await cloneSubmodule(session, repo, p, o);
  }

  for (const p of planned) {
    if (p.skip) continue;
    await checkoutSubmodule(session, p, o);
    if (!o.recursive) continue;
    const text = await readFile(join(p.workdir, ".gitmodules"), "utf8").catch(() => undefined);
    const child: Superproject = {
      workdir: p.workdir,
      gitdir: p.gitdir,
      remoteUrl: p.url,
      prefix: `${p.display}/`,
      gitmodules: text === undefined ? undefined : parseGitConfig(text, ".gitmodules"),
    };
    const nested = await gitlinks(child);
    if (nested.length > 0) await update(session, child, nested, { ...o, helper: false });
  }
}

/** `git submodule init` for one gitlink: registers its URL (and suggested update mode) in the repository's config. */
async function init(session: Session, repo: Superproject, spec: SubmoduleSpec | undefined, link: Gitlink, o: UpdateOptions): Promise<Planned> {
  const display = `${repo.prefix}${link.path}`;
  if (spec === undefined || spec.url === undefined) {
    throw new JetwayError("OPERATION_FAILED", `fatal: No url found for submodule path '${display}' in .gitmodules`, { exitCode: 128 });
  }
  const name = spec.name;
  const get = (key: string) => git.getConfig({ fs, gitdir: repo.gitdir, path: `submodule.${name}.${key}` }) as Promise<unknown>;
  const url = isRelativeUrl(spec.url) ? resolveSubmoduleUrl(repo.remoteUrl, spec.url) : spec.url;
  if ((await get("active")) === undefined) await setConfig(repo.gitdir, `submodule.${name}.active`, "true");
  if ((await get("url")) === undefined) {
    await setConfig(repo.gitdir, `submodule.${name}.url`, redactUri(url));
    session.logger.log(`Submodule '${name}' (${redactUri(url)}) registered for path '${display}'`);
  }
  let mode = (await get("update")) as string | undefined;
  // with depth, upstream has already put its helper there, so nothing is copied
  if (mode === undefined && spec.update !== undefined && !o.helper) {
    if (spec.update.startsWith("!")) {
      session.logger.log(`warning: command update mode suggested for submodule '${name}'`);
      mode = "none";
    } else mode = spec.update;
    await setConfig(repo.gitdir, `submodule.${name}.update`, mode);
  }
  const skip = !o.helper && mode === "none";
  if (skip) session.logger.log(`Skipping submodule '${display}'`);
  return {
    link,
    spec,
    url,
    gitmodulesUrl: spec.url,
    display,
    workdir: join(repo.workdir, link.path),
    gitdir: join(repo.gitdir, "modules", name),
    skip,
  };
}

/**
 * Adds a key the config does not have yet where `git config` puts it: at the
 * end of its section, or in a new section at the end of the file (isomorphic-git
 * would put it first in the section). Only `section.key` and
 * `section.subsection.key` with a known last dot are written this way.
 */
async function setConfig(gitdir: string, path: string, value: string): Promise<void> {
  const dot = path.lastIndexOf(".");
  const first = path.indexOf(".");
  const section = path.slice(0, first);
  const subsection = first === dot ? undefined : path.slice(first + 1, dot);
  const key = path.slice(dot + 1);
  const header = subsection === undefined ? `[${section}]` : `[${section} "${subsection.replace(/["\\]/g, (c) => `\\${c}`)}"]`;
  const file = join(gitdir, "config");
  const lines = (await readFile(file, "utf8")).split("\n");
  if (lines.at(-1) === "") lines.pop();
  const entry = `\t${key} = ${configValue(value)}`;
  const start = lines.indexOf(header);
  if (start === -1) {
    lines.push(header, entry);
  } else {
    let end = start + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith("[")) end++;
    lines.splice(end, 0, entry);
  }
  await writeFile(file, lines.join("\n") + "\n");
}

/** git's local clones ignore --depth (git says so): only file:// and network URLs are shallow. */
function cloneDepth(url: string, depth: number, logger: Logger): number {
  if (depth <= 0) return 0;
  if (parseRemote(url).kind === "local" && !/^file:/i.test(url)) {
    logger.log("warning: --depth is ignored in local clones; use file:// instead.");
    return 0;
  }
  return depth;
}

/**
 * `git submodule--helper clone`, then whatever fetching the update needs, all
 * in one session with the remote: in's own clone of the default branch
 * (clone.ts) into the submodule's path, the helper's deepening with depth, a
 * look at the remote's other branches when the commit is not on the default
 * one (git's submodule clone has them all), and finally the git dir moved to
 * modules/<name> behind a `.git` file, as `git submodule absorbgitdirs` leaves it.
 */
async function cloneSubmodule(session: Session, repo: Superproject, p: Planned, o: UpdateOptions): Promise<void> {
  session.logger.log(`Cloning into '${p.workdir}'...`);
  if (parseRemote(p.url).kind === "local" && !session.fileAllowed) {
    throw new JetwayError(
      "OPERATION_FAILED",
      `fatal: clone of '${redactUri(p.url)}' into submodule path '${p.workdir}' failed: transport 'file' not allowed (git refuses local submodules unless source.git_config sets protocol.file.allow to always)`,
    );
  }
  const depth = cloneDepth(p.url, o.depth, session.logger);
  const remote = await openRemote(p.url, submoduleRemoteOptions(session.base, session.source, p.gitmodulesUrl, p.url));
  try {
    let clone: { branch: string; tip: string };
    try {
      await mkdir(p.workdir, { recursive: true });
      clone = await cloneBranch(remote, p.workdir, { branch: "", depth, tags: true, signal: session.signal });
    } catch (e) {
      const cause = e instanceof Error ? e.message : String(e);
      throw new JetwayError("OPERATION_FAILED", `fatal: clone of '${redactUri(p.url)}' into submodule path '${p.workdir}' failed: ${cause}`, { cause: e });
    }
    const local = join(p.workdir, ".git");
    if (o.depth <= 0) {
      // not a single-branch clone: later fetches in the submodule see every branch, as after git's clone
      await git.setConfig({ fs, gitdir: local, path: "remote.origin.fetch", value: "+refs/heads/*:refs/remotes/origin/*" });
    }
    p.target = await target(session, repo, p, o, remote, clone);
    const has = async () => p.target !== undefined && (await new GitRepo(local).objectType(p.target)) === "commit";
    if (o.helper && !(await has())) await deepen(session, remote, p, clone.branch, o.depth);
    if (!o.helper && o.depth <= 0 && !(await has())) await fetchOtherBranches(session, remote, p, clone.branch, has);

    await mkdir(dirname(p.gitdir), { recursive: true });
    await rename(local, p.gitdir);
    await setConfig(p.gitdir, "core.worktree", relative(p.gitdir, p.workdir));
    await writeFile(local, `gitdir: ${relative(p.workdir, p.gitdir)}\n`);
  } finally {
    await remote.close();
  }
}

/** The commit to check out: the gitlink's, or with --remote the tip of origin/<branch> (the remote's HEAD by default). */
async function target(session: Session, repo: Superproject, p: Planned, o: UpdateOptions, remote: Remote, clone: { branch: string; tip: string }): Promise<string> {
  if (!o.remote) return p.link.oid;
  let branch = ((await git.getConfig({ fs, gitdir: repo.gitdir, path: `submodule.${p.spec.name}.branch` })) as string | undefined) ?? p.spec.branch ?? "HEAD";
  if (branch === ".") {
    const current = await git.currentBranch({ fs, gitdir: repo.gitdir, fullname: false });
    if (!current) {
      throw new JetwayError(
        "OPERATION_FAILED",
        `fatal: Submodule (${p.spec.name}) branch configured to inherit branch from superproject, but the superproject is not on any branch`,
        { exitCode: 128 },
      );
    }
    branch = current;
  }
  if (branch === "HEAD" || branch === clone.branch) return clone.tip;
  const local = join(p.workdir, ".git");
  const tracking = `refs/remotes/origin/${branch}`;
  if ((await new GitRepo(local).resolveRef(tracking)) === undefined) {
    // git's clone has every branch; ours has the default one: fetch the configured one now
    const ad = await fetchRefAdvertisement(remote, session.signal);
    if (ad.refs.has(`refs/heads/${branch}`)) await fetchBranchOnly(remote, p, branch, clone.branch, session.signal);
  }
  const oid = await new GitRepo(local).resolveRef(tracking);
  if (oid === undefined) {
    throw new JetwayError("OPERATION_FAILED", `fatal: Unable to find current origin/${branch} revision in submodule path '${p.display}'`, { exitCode: 128 });
  }
  return oid;
}

/** Another branch as a remote-tracking ref only: fetchExtraBranch also makes a local branch, which git's clone would not have. */
async function fetchBranchOnly(remote: Remote, p: Planned, branch: string, defaultBranch: string, signal: AbortSignal): Promise<void> {
  await fetchExtraBranch(remote, p.workdir, branch, signal);
  if (branch !== defaultBranch) await unlink(join(p.workdir, ".git", "refs", "heads", branch)).catch(() => undefined);
}

/** The commit is not on the default branch: try the remote's other branches, stopping once it is here. */
async function fetchOtherBranches(session: Session, remote: Remote, p: Planned, defaultBranch: string, has: () => Promise<boolean>): Promise<void> {
  const ad = await fetchRefAdvertisement(remote, session.signal);
  for (const name of ad.refs.keys()) {
    if (!name.startsWith("refs/heads/") || name === `refs/heads/${defaultBranch}`) continue;
    await fetchBranchOnly(remote, p, name.slice("refs/heads/".length), defaultBranch, session.signal);
    if (await has()) return;
  }
}

/** Upstream's helper: double the depth until the commit turns up, unshallow once the total reaches the limit. */
async function deepen(session: Session, remote: Remote, p: Planned, branch: string, depth: number): Promise<void> {
  const local = join(p.workdir, ".git");
  const found = async () => (await new GitRepo(local).objectType(p.target!)) === "commit";
  const shallow = () => exists(join(local, "shallow"));
  let total = depth;
  while (!(await found()) && (await shallow())) {
    if (total >= DEEPEN_LIMIT) {
      session.logger.log("Reached max depth of the shallow clone, unshallowing...");
      await deepenBranch(remote, p.workdir, branch, UNSHALLOW_DEPTH, false, session.signal);
      return;
    }
    session.logger.log(`Could not find ref ${p.target} in a shallow clone of depth ${total}, deepening by ${total}...`);
    await deepenBranch(remote, p.workdir, branch, total, true, session.signal);
    total *= 2;
  }
}

async function checkoutSubmodule(session: Session, p: Planned, o: UpdateOptions): Promise<void> {
  const oid = p.target ?? p.link.oid;
  const present = (await new GitRepo(p.gitdir).objectType(oid)) === "commit";
  if (o.helper) {
    const command = `${HELPER} ${o.depth}`;
    if (!present) {
      session.logger.log(`fatal: reference is not a tree: ${oid}`);
      throw new JetwayError("OPERATION_FAILED", `fatal: Execution of '${command} ${oid}' failed in submodule path '${p.display}'`, { exitCode: 128 });
    }
    checkout(p, oid);
    session.logger.log(`Submodule path '${p.display}': '${command} ${oid}'`);
    return;
  }
  if (!present) {
    const lines = [`fatal: reference is not a tree: ${oid}`, `fatal: Unable to checkout '${oid}' in submodule path '${p.display}'`];
    throw new JetwayError("OPERATION_FAILED", lines[1]!, { exitCode: 128, stderr: lines.join("\n") + "\n" });
  }
  checkout(p, oid);
  session.logger.log(`Submodule path '${p.display}': checked out '${oid}'`);
}

/** `git checkout -f <sha>` in the fresh clone: the tree, its index, HEAD detached. */
function checkout(p: Planned, oid: string): void {
  const store = new ObjectStore(join(p.gitdir, "objects"));
  try {
    const read = (id: string): GitObject | undefined => {
      try {
        return store.read(id);
      } catch (e) {
        if ((e as { code?: unknown }).code === "NotFoundError") return undefined;
        throw e;
      }
    };
    const commit = read(oid);
    const tree = commit === undefined ? undefined : /^tree ([0-9a-f]{40})/.exec(commit.data.toString("latin1"))?.[1];
    if (tree === undefined) throw new JetwayError("OPERATION_FAILED", `fatal: reference is not a tree: ${oid}`, { exitCode: 128 });
    checkoutTree(read, tree, p.workdir, p.gitdir);
  } finally {
    store.close();
  }
  writeLooseRef(p.gitdir, "HEAD", oid);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
