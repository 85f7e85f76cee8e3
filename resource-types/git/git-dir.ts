/**
 * The files of a clone's .git directory that `in` writes itself, laid out as
 * `git clone --single-branch` lays them out: the skeleton and config, loose
 * and packed refs, and the shallow file.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const SKELETON = ["hooks", "info", "objects/info", "objects/pack", "refs/heads", "refs/tags"];

/** A fresh non-bare repository's .git with HEAD on `branch`, tracking it from `url` as origin. */
export function initGitDir(gitdir: string, branch: string, url: string): void {
  for (const d of SKELETON) mkdirSync(join(gitdir, d), { recursive: true });
  const config = [
    "[core]",
    "\trepositoryformatversion = 0",
    "\tfilemode = true",
    "\tbare = false",
    "\tlogallrefupdates = true",
    '[remote "origin"]',
    `\turl = ${configValue(url)}`,
    `\tfetch = ${configValue(`+refs/heads/${branch}:refs/remotes/origin/${branch}`)}`,
    `[branch "${configSubsection(branch)}"]`,
    "\tremote = origin",
    `\tmerge = ${configValue(`refs/heads/${branch}`)}`,
  ];
  writeFileSync(join(gitdir, "config"), config.map((l) => `${l}\n`).join(""));
  writeFileSync(join(gitdir, "HEAD"), `ref: refs/heads/${branch}\n`);
}

/** A config value as git's writer spells it: quoted when spaces at the ends or ; and # would be lost. */
export function configValue(value: string): string {
  const quote = value.startsWith(" ") || value.endsWith(" ") || /[;#]/.test(value) ? '"' : "";
  const escaped = value.replace(/[\n\t"\\]/g, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : `\\${c}`));
  return `${quote}${escaped}${quote}`;
}

function configSubsection(name: string): string {
  return name.replace(/["\\]/g, (c) => `\\${c}`);
}

/** A loose ref (or HEAD), written whole and renamed into place as git does. */
export function writeLooseRef(gitdir: string, name: string, oid: string): void {
  const path = join(gitdir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.lock`, `${oid}\n`);
  renameSync(`${path}.lock`, path);
}

export interface PackedRef {
  oid: string;
  /** for an annotated tag, what it peels to */
  peeled?: string;
}

/** packed-refs as `git clone` writes it: sorted, with peeled lines for annotated tags. */
export function writePackedRefs(gitdir: string, refs: ReadonlyMap<string, PackedRef>): void {
  const names = [...refs.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  let text = "# pack-refs with: peeled fully-peeled sorted \n";
  for (const name of names) {
    const ref = refs.get(name)!;
    text += `${ref.oid} ${name}\n`;
    if (ref.peeled !== undefined && ref.peeled !== ref.oid) text += `^${ref.peeled}\n`;
  }
  const path = join(gitdir, "packed-refs");
  writeFileSync(`${path}.lock`, text);
  renameSync(`${path}.lock`, path);
}

/** Removes every tag, packed or loose (params.clean_tags). */
export function deleteTags(gitdir: string): void {
  const path = join(gitdir, "packed-refs");
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // no packed refs
  }
  if (text !== undefined) {
    const kept: string[] = [];
    let droppedLast = false;
    for (const line of text.split("\n")) {
      if (line === "") continue;
      // a peel line belongs to the ref above it
      if (line.startsWith("^")) {
        if (!droppedLast) kept.push(line);
        continue;
      }
      droppedLast = / refs\/tags\//.test(line);
      if (!droppedLast) kept.push(line);
    }
    writeFileSync(`${path}.lock`, kept.map((l) => `${l}\n`).join(""));
    renameSync(`${path}.lock`, path);
  }
  const tags = join(gitdir, "refs", "tags");
  for (const name of readdirSync(tags)) rmSync(join(tags, name), { recursive: true, force: true });
}

export function readShallow(gitdir: string): Set<string> {
  try {
    return new Set(readFileSync(join(gitdir, "shallow"), "utf8").split("\n").filter((l) => /^[0-9a-f]{40}$/.test(l)));
  } catch {
    return new Set();
  }
}

/** The shallow file, or none when nothing is cut (git removes it on unshallow). */
export function writeShallow(gitdir: string, oids: ReadonlySet<string>): void {
  const path = join(gitdir, "shallow");
  if (oids.size === 0) {
    rmSync(path, { force: true });
    return;
  }
  writeFileSync(`${path}.lock`, [...oids].sort().map((o) => `${o}\n`).join(""));
  renameSync(`${path}.lock`, path);
}
