/**
 * git pathspecs as `git rev-list -- <paths> :!<ignored>` reads them: magic
 * prefixes (`:!`, `:^`, `:/`, `:(exclude,glob,icase,literal,top)`), a
 * literal part matching itself or anything below it, and wildmatch without
 * WM_PATHNAME (so `*` crosses `/`) unless `:(glob)` asks for it. A path is
 * selected when some positive item matches and no exclude item does; only
 * excludes mean "everything but".
 */
import { WM_CASEFOLD, WM_PATHNAME, wildmatch } from "./wildmatch.ts";

interface Item {
  /** normalised, relative to the top of the repository; "" matches everything */
  match: string;
  exclude: boolean;
  glob: boolean;
  icase: boolean;
  /** length of the leading part without wildcard characters */
  literalLength: number;
}

export class PathspecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathspecError";
  }
}

export class Pathspec {
  private readonly positive: Item[];
  private readonly negative: Item[];

  constructor(words: readonly string[]) {
    const items = words.map(parseItem);
    this.positive = items.filter((i) => !i.exclude);
    this.negative = items.filter((i) => i.exclude);
    if (this.positive.length === 0) this.positive.push(parseItem(":/"));
  }

  matches(path: string): boolean {
    return this.positive.some((i) => itemMatches(i, path)) && !this.negative.some((i) => itemMatches(i, path));
  }

  /** Could anything below this directory be selected? (Prunes the tree walk; may say yes too often, never no wrongly.) */
  mayMatchBelow(dir: string): boolean {
    const prefix = dir + "/";
    return this.positive.some((i) => {
      const lit = i.match.slice(0, i.literalLength);
      const a = i.icase ? lit.toLowerCase() : lit;
      const b = i.icase ? prefix.toLowerCase() : prefix;
      return a.startsWith(b) || b.startsWith(a) || (i.literalLength === i.match.length && a === b.slice(0, -1));
    });
  }
}

function parseItem(word: string): Item {
  let rest = word;
  let exclude = false;
  let glob = false;
  let icase = false;
  let literal = false;
  if (rest.startsWith(":(")) {
    const close = rest.indexOf(")");
    if (close < 0) throw new PathspecError(`Missing ')' at the end of pathspec magic in '${word}'`);
    for (const name of rest.slice(2, close).split(",")) {
      if (name === "exclude") exclude = true;
      else if (name === "glob") glob = true;
      else if (name === "icase") icase = true;
      else if (name === "literal") literal = true;
      else if (name === "top" || name === "") continue;
      else throw new PathspecError(`Invalid pathspec magic '${name}' in '${word}'`);
    }
    rest = rest.slice(close + 1);
  } else if (rest.startsWith(":")) {
    let i = 1;
    for (; i < rest.length && rest[i] !== ":"; i++) {
      const c = rest[i]!;
      if (c === "!" || c === "^") exclude = true;
      else if (c === "/") continue;
      else if (/[A-Za-z0-9*?[\\]/.test(c) || c.charCodeAt(0) >= 0x80) break;
      else throw new PathspecError(`Unimplemented pathspec magic '${c}' in '${word}'`);
    }
    if (rest[i] === ":") i++;
    rest = rest.slice(i);
  }
  if (glob && literal) throw new PathspecError(`'literal' and 'glob' are incompatible`);
  const match = normalise(rest, word);
  const wild = literal ? -1 : match.search(/[*?[\\]/);
  return { match, exclude, glob, icase, literalLength: wild < 0 ? match.length : wild };
}

/** git's normalize_path_copy: no "." components, ".." resolved, nothing above the top. */
function normalise(path: string, word: string): string {
  if (path.startsWith("/")) throw new PathspecError(`${word}: '${path}' is outside repository`);
  const out: string[] = [];
  const parts = path.split("/");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    if (part === "." || (part === "" && !last)) continue;
    if (part === "..") {
      if (out.length === 0) throw new PathspecError(`${word}: '${path}' is outside repository`);
      out.pop();
      continue;
    }
    out.push(part);
  }
  // a trailing slash survives ("dir/" matches only a directory's contents)
  return out.join("/");
}

function itemMatches(item: Item, path: string): boolean {
  const { match } = item;
  if (match === "") return true;
  const name = item.icase ? path.toLowerCase() : path;
  const pat = item.icase ? match.toLowerCase() : match;
  if (item.literalLength === match.length) {
    if (!name.startsWith(pat)) return false;
    return name.length === pat.length || pat.endsWith("/") || name[pat.length] === "/";
  }
  if (!name.startsWith(pat.slice(0, item.literalLength))) return false;
  // like git_fnmatch, match the wildcard part against what follows the literal prefix:
  // so in ":(glob)a**/x" the "**/" starts a component
  const flags = (item.glob ? WM_PATHNAME : 0) | (item.icase ? WM_CASEFOLD : 0);
  return wildmatch(item.match.slice(item.literalLength), path.slice(item.literalLength), flags);
}
