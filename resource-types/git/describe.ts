/**
 * `git describe` for `.git/describe_ref` (default options `--always --dirty
 * --broken`): names from refs (annotated tags; --tags adds lightweight ones,
 * --all every ref), an exact match printed as is, else a date-ordered walk
 * from the commit keeping up to --candidates names and the depth of each,
 * the best printed as `<name>-<depth>-g<abbrev>`. --contains (name-rev) is not
 * native.
 */
import { uniqueAbbrev } from "./abbrev.ts";
import type { GitRepo } from "./repo.ts";
import { wildmatch } from "./wildmatch.ts";

export interface DescribeResult {
  /** what git prints on stdout (one line per commit-ish, without the newline); "" on failure */
  stdout: string;
  /** what git prints on stderr */
  stderr: string[];
  /** git's exit status */
  status: number;
}

interface Options {
  all: boolean;
  tags: boolean;
  long: boolean;
  always: boolean;
  firstParent: boolean;
  exactMatch: boolean;
  abbrev?: number;
  candidates: number;
  match: string[];
  exclude: string[];
  dirty?: string;
  broken?: string;
  contains: boolean;
  revs: string[];
}

interface Name {
  /** refname without refs/ (--all) or refs/tags/ */
  path: string;
  prio: number;
  /** the annotated tag object, when there is one */
  tagOid?: string;
  tagName?: string;
  tagDate?: number;
}

class DescribeFailure extends Error {
  readonly lines: string[];
  readonly status: number;

  constructor(lines: string[], status: number) {
    super(lines.join("\n"));
    this.lines = lines;
    this.status = status;
  }
}

const die = (message: string): never => {
  throw new DescribeFailure(message.split("\n").map((l, i) => (i === 0 ? `fatal: ${l}` : l)), 128);
};

function parseOptions(words: readonly string[]): Options {
  const o: Options = { all: false, tags: false, long: false, always: false, firstParent: false, exactMatch: false, candidates: 10, match: [], exclude: [], contains: false, revs: [] };
  let onlyRevs = false;
  for (const w of words) {
    if (onlyRevs || !w.startsWith("--") || w === "--") {
      if (w === "--") onlyRevs = true;
      else if (w.startsWith("-") && !onlyRevs) throw new DescribeFailure([`error: unknown switch \`${w.slice(1, 2)}'`], 129);
      else o.revs.push(w);
      continue;
    }
    const [flag, value] = w.includes("=") ? [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)] : [w, undefined];
    const int = () => {
      if (value === undefined || !/^-?\d+$/.test(value)) throw new DescribeFailure([`error: option \`${flag.slice(2)}' expects a numerical value`], 129);
      return Number(value);
    };
    switch (flag) {
      case "--all":
        o.all = true;
        break;
      case "--tags":
        o.tags = true;
        break;
      case "--long":
        o.long = true;
        break;
      case "--always":
        o.always = true;
        break;
      case "--first-parent":
        o.firstParent = true;
        break;
      case "--exact-match":
        o.exactMatch = true;
        break;
      case "--contains":
        o.contains = true;
        break;
      case "--debug":
        break;
      case "--abbrev":
        o.abbrev = value === undefined ? undefined : int();
        break;
      case "--candidates":
        o.candidates = int();
        break;
      case "--match":
        if (value === undefined) throw new DescribeFailure(["error: option `match' requires a value"], 129);
        o.match.push(value);
        break;
      case "--exclude":
        if (value === undefined) throw new DescribeFailure(["error: option `exclude' requires a value"], 129);
        o.exclude.push(value);
        break;
      case "--dirty":
        o.dirty = value ?? "-dirty";
        break;
      case "--broken":
        o.broken = value ?? "-broken";
        break;
      case "--no-abbrev":
        o.abbrev = 0;
        break;
      default:
        throw new DescribeFailure([`error: unknown option \`${w.slice(2)}'`], 129);
    }
  }
  if (o.exactMatch) o.candidates = 0;
  // git keeps one object flag bit per candidate
  o.candidates = Math.min(Math.max(o.candidates, 0), 27);
  return o;
}

/** Runs describe over the words of describe_ref_options; `dirty` says whether the work tree differs from HEAD. */
export async function describe(repo: GitRepo, words: readonly string[], dirty: boolean): Promise<DescribeResult> {
  const stderr: string[] = [];
  try {
    const o = parseOptions(words);
    if (o.contains) throw new DescribeUnsupported();
    if (o.long && o.abbrev === 0) die("options '--long' and '--abbrev=0' cannot be used together");
    let suffix: string | undefined;
    if (o.revs.length === 0) {
      if (o.broken !== undefined) suffix = dirty ? (o.dirty ?? "-dirty") : undefined;
      else if (o.dirty !== undefined) suffix = dirty ? o.dirty : undefined;
    } else if (o.dirty !== undefined) die("option '--dirty' and commit-ishes cannot be used together");
    else if (o.broken !== undefined) die("option '--broken' and commit-ishes cannot be used together");

    const names = await collectNames(repo, o);
    if (names.size === 0 && !o.always) die("No names found, cannot describe anything.");
    const out: string[] = [];
    for (const rev of o.revs.length > 0 ? o.revs : ["HEAD"]) {
      const oid = await repo.revParse(rev);
      const commit = oid && (await repo.peelToCommit(oid));
      if (!commit) die(`Not a valid object name ${rev}`);
      out.push(await describeCommit(repo, commit!, names, o, stderr, suffix));
    }
    return { stdout: out.join("\n"), stderr, status: 0 };
  } catch (e) {
    if (e instanceof DescribeFailure) return { stdout: "", stderr: [...stderr, ...e.lines], status: e.status };
    throw e;
  }
}

export class DescribeUnsupported extends Error {
  constructor() {
    super("describe_ref_options --contains");
    this.name = "DescribeUnsupported";
  }
}

/** The best name per commit: annotated over lightweight over other refs; among annotated tags the newest. */
async function collectNames(repo: GitRepo, o: Options): Promise<Map<string, Name>> {
  const names = new Map<string, Name>();
  for (const ref of await repo.listRefs("refs")) {
    let toMatch: string;
    const isTag = ref.name.startsWith("refs/tags/");
    if (isTag) toMatch = ref.name.slice("refs/tags/".length);
    else if (o.all) {
      const m = /^refs\/(heads|remotes)\/(.*)$/.exec(ref.name);
      if (!m && (o.exclude.length > 0 || o.match.length > 0)) continue;
      toMatch = m ? m[2]! : ref.name;
    } else continue;
    if (o.exclude.some((p) => wildmatch(p, toMatch))) continue;
    if (o.match.length > 0 && !o.match.some((p) => wildmatch(p, toMatch))) continue;

    const commit = await repo.peelToCommit(ref.oid);
    if (!commit) continue;
    const annotated = (await repo.objectType(ref.oid)) === "tag";
    const prio = annotated ? 2 : isTag ? 1 : 0;
    const path = o.all ? ref.name.slice("refs/".length) : ref.name.slice("refs/tags/".length);
    const existing = names.get(commit);
    let replace = !existing || existing.prio < prio;
    let tag: { tag: string; tagger?: { timestamp: number } } | undefined;
    if (annotated) tag = await repo.readTag(ref.oid);
    if (!replace && existing && existing.prio === 2 && prio === 2) replace = (existing.tagDate ?? 0) < (tag?.tagger?.timestamp ?? 0);
    if (!replace) continue;
    names.set(commit, {
      path,
      prio,
      ...(annotated && tag && { tagOid: ref.oid, tagName: tag.tag, tagDate: tag.tagger?.timestamp ?? 0 }),
    });
  }
  return names;
}

/** How a name prints: an annotated tag by the name inside it (warning when the ref says otherwise). */
function nameOf(n: Name, o: Options, stderr: string[]): { text: string; misnamed: boolean } {
  if (n.tagName === undefined) return { text: n.path, misnamed: false };
  const refName = o.all ? n.path.slice("tags/".length) : n.path;
  const misnamed = n.tagName !== refName;
  if (misnamed && !stderr.some((l) => l.includes(`'${n.path}'`))) stderr.push(`warning: tag '${n.path}' is externally known as '${n.tagName}'`);
  return { text: (o.all ? "tags/" : "") + n.tagName, misnamed };
}

interface Node {
  oid: string;
  date: number;
  parents: string[];
  flags: number;
}

const SEEN = 1;

async function describeCommit(repo: GitRepo, head: string, names: Map<string, Name>, o: Options, stderr: string[], suffix: string | undefined): Promise<string> {
  const abbrev = (oid: string) => uniqueAbbrev(repo, oid, o.abbrev);
  const exact = names.get(head);
  if (exact && (o.tags || o.all || exact.prio === 2)) {
    const { text, misnamed } = nameOf(exact, o, stderr);
    const tail = misnamed || o.long ? `-0-g${await abbrev(head)}` : "";
    return text + tail + (suffix ?? "");
  }
  if (o.candidates === 0) die(`no tag exactly matches '${head}'`);
  // nothing to find: the walk below would read every commit (the whole history, in `in`) and end here too
  if (names.size === 0 && o.always) return (await abbrev(head)) + (suffix ?? "");

  const nodes = new Map<string, Node>();
  const node = async (oid: string): Promise<Node> => {
    let n = nodes.get(oid);
    if (!n) {
      const c = await repo.readCommit(oid);
      n = { oid, date: c.committer.timestamp, parents: c.parents, flags: 0 };
      nodes.set(oid, n);
    }
    return n;
  };
  const list: Node[] = [];
  const insertByDate = (n: Node) => {
    let at = list.findIndex((x) => x.date < n.date);
    if (at < 0) at = list.length;
    list.splice(at, 0, n);
  };

  interface Candidate {
    name: Name;
    depth: number;
    flag: number;
    order: number;
  }
  const matches: Candidate[] = [];
  let annotated = 0;
  let unannotated = 0;
  let seen = 0;
  let gaveUpOn: Node | undefined;
  const start = await node(head);
  start.flags = SEEN;
  list.push(start);
  while (list.length > 0) {
    const c = list.shift()!;
    seen++;
    const n = names.get(c.oid);
    if (n) {
      if (!o.tags && !o.all && n.prio < 2) unannotated++;
      else if (matches.length < o.candidates) {
        const flag = 2 ** (matches.length + 1);
        matches.push({ name: n, depth: seen - 1, flag, order: matches.length + 1 });
        c.flags |= flag;
        if (n.prio === 2) annotated++;
      } else {
        gaveUpOn = c;
        break;
      }
    }
    for (const m of matches) if (!(c.flags & m.flag)) m.depth++;
    if (annotated > 0 && list.length === 0) {
      const best = Math.min(...matches.map((m) => m.depth));
      const within = matches.filter((m) => m.depth === best).reduce((acc, m) => acc | m.flag, 0);
      if ((c.flags & within) === within) break;
    }
    for (const [i, p] of c.parents.entries()) {
      if (o.firstParent && i > 0) break;
      const pn = await node(p);
      if (!(pn.flags & SEEN)) insertByDate(pn);
      pn.flags |= c.flags;
    }
  }

  if (matches.length === 0) {
    if (o.always) return (await abbrev(head)) + (suffix ?? "");
    if (unannotated > 0) die(`No annotated tags can describe '${head}'.\nHowever, there were unannotated tags: try --tags.`);
    die(`No tags can describe '${head}'.\nTry --always, or create some tags.`);
  }

  matches.sort((a, b) => a.depth - b.depth || a.order - b.order);
  const best = matches[0]!;
  if (gaveUpOn) insertByDate(gaveUpOn);
  // finish the best candidate's depth: count what it does not reach until only its own remain
  while (list.length > 0) {
    const c = list.shift()!;
    if (c.flags & best.flag) {
      if (list.every((x) => x.flags & best.flag)) break;
    } else best.depth++;
    for (const p of c.parents) {
      const pn = await node(p);
      if (!(pn.flags & SEEN)) insertByDate(pn);
      pn.flags |= c.flags;
    }
  }

  const { text, misnamed } = nameOf(best.name, o, stderr);
  const tail = misnamed || o.abbrev !== 0 ? `-${best.depth}-g${await abbrev(head)}` : "";
  return text + tail + (suffix ?? "");
}
