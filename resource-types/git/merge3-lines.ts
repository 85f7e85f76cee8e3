/**
 * A line-level three-way merge (diff3) of one file, for rebase and merge.
 *
 * Like git's xdiff merge, two changes conflict when their base ranges overlap
 * or merely touch (no unchanged line between them), and identical changes on
 * both sides merge cleanly. The strategy options git accepts as `-X` map to
 * `favor` (ours/theirs settle conflicting hunks) and `ignore` (whitespace-only
 * differences count as unchanged; where only whitespace differs, our line is
 * kept). A file with a NUL in its first 8000 bytes is binary: never line-merged.
 */

export interface LineMergeOptions {
  favor?: "ours" | "theirs" | undefined;
  ignore?: WhitespaceRule[] | undefined;
}

export type WhitespaceRule = "space-change" | "all-space" | "space-at-eol" | "cr-at-eol";

export type LineMergeResult = { clean: true; content: Buffer } | { clean: false; binary: boolean };

export interface Hunk {
  /** base range [a0, a1) replaced by side range [b0, b1) */
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/** Past this many edits a file pair is treated as wholly rewritten: diffing it exactly costs too much. */
const MAX_EDITS = 4000;

export function isBinary(data: Uint8Array): boolean {
  return data.subarray(0, 8000).includes(0);
}

export function mergeLines(base: Uint8Array, ours: Uint8Array, theirs: Uint8Array, options: LineMergeOptions = {}): LineMergeResult {
  if (isBinary(base) || isBinary(ours) || isBinary(theirs)) {
    if (options.favor === "ours") return { clean: true, content: Buffer.from(ours) };
    if (options.favor === "theirs") return { clean: true, content: Buffer.from(theirs) };
    return { clean: false, binary: true };
  }
  if (options.favor === undefined && (options.ignore ?? []).length === 0) {
    if (Buffer.compare(ours, base) === 0 || Buffer.compare(ours, theirs) === 0) return { clean: true, content: Buffer.from(theirs) };
    if (Buffer.compare(theirs, base) === 0) return { clean: true, content: Buffer.from(ours) };
    return { clean: false, binary: false };
  }
  const [b, o, t] = [splitLines(base), splitLines(ours), splitLines(theirs)];
  const key = keyFunction(options.ignore ?? []);
  const ids = new Interner();
  const [kb, ko, kt] = [b, o, t].map((lines) => lines.map((l) => ids.id(key(l))));
  const hunksO = diffHunks(kb!, ko!).map((h) => ({ ...h, side: 0 as const }));
  const hunksT = diffHunks(kb!, kt!).map((h) => ({ ...h, side: 1 as const }));
  const all = [...hunksO, ...hunksT].sort((x, y) => x.a0 - y.a0 || x.a1 - y.a1);

  const out: string[] = [];
  let i = 0; // base position
  let io = 0; // ours position
  let it = 0; // theirs position
  let g = 0;
  while (g < all.length) {
    const lo = all[g]!.a0;
    let hi = all[g]!.a1;
    let growO = 0;
    let growT = 0;
    let hasO = false;
    let hasT = false;
    // a hunk joins the group when it overlaps or merely touches it: git counts both as a conflict
    while (g < all.length && all[g]!.a0 <= hi) {
      const h = all[g]!;
      hi = Math.max(hi, h.a1);
      const grow = h.b1 - h.b0 - (h.a1 - h.a0);
      if (h.side === 0) {
        growO += grow;
        hasO = true;
      } else {
        growT += grow;
        hasT = true;
      }
      g++;
    }
    const gap = lo - i;
    for (let k = 0; k < gap; k++) out.push(o[io + k]!);
    io += gap;
    it += gap;
    const lenO = hi - lo + growO;
    const lenT = hi - lo + growT;
    const sideO = o.slice(io, io + lenO);
    const sideT = t.slice(it, it + lenT);
    if (hasO && !hasT) out.push(...sideO);
    else if (hasT && !hasO) out.push(...sideT);
    else if (sameLines(sideO, sideT, key)) out.push(...sideO);
    else if (options.favor === "ours") out.push(...sideO);
    else if (options.favor === "theirs") out.push(...sideT);
    else return { clean: false, binary: false };
    io += lenO;
    it += lenT;
    i = hi;
  }
  out.push(...o.slice(io));
  return { clean: true, content: Buffer.from(out.join(""), "latin1") };
}

function sameLines(a: string[], b: string[], key: (l: string) => string): boolean {
  return a.length === b.length && a.every((l, k) => key(l) === key(b[k]!));
}

/** Lines with their terminators, as latin1 strings so any byte survives the round trip. */
export function splitLines(data: Uint8Array): string[] {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) break;
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function keyFunction(rules: WhitespaceRule[]): (line: string) => string {
  if (rules.length === 0) return (l) => l;
  const all = rules.includes("all-space");
  const change = rules.includes("space-change");
  const eol = rules.includes("space-at-eol");
  const cr = rules.includes("cr-at-eol");
  return (line) => {
    let l = line.endsWith("\n") ? line.slice(0, -1) : line;
    if (all) return l.replace(/[ \t\r\f\v]+/g, "");
    if (change) return l.replace(/[ \t\r\f\v]+$/, "").replace(/[ \t\r\f\v]+/g, " ");
    if (eol) return l.replace(/[ \t\r\f\v]+$/, "");
    if (cr) l = l.replace(/\r$/, "");
    return l;
  };
}

class Interner {
  private readonly map = new Map<string, number>();
  id(s: string): number {
    let n = this.map.get(s);
    if (n === undefined) {
      n = this.map.size;
      this.map.set(s, n);
    }
    return n;
  }
}

/** The ranges where `b` differs from `a`, in order (Myers' O(ND) diff after trimming common ends). */
export function diffHunks(a: readonly number[], b: readonly number[]): Hunk[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  if (A.length === 0 && B.length === 0) return [];
  const matches = myersMatches(A, B);
  const hunks: Hunk[] = [];
  let x = 0;
  let y = 0;
  for (const [mx, my] of [...matches, [A.length, B.length] as [number, number]]) {
    if (mx > x || my > y) hunks.push({ a0: pre + x, a1: pre + mx, b0: pre + y, b1: pre + my });
    x = mx + 1;
    y = my + 1;
  }
  return hunks;
}

/** Matched index pairs of a shortest edit script; none when the edit distance exceeds MAX_EDITS. */
function myersMatches(A: readonly number[], B: readonly number[]): Array<[number, number]> {
  const N = A.length;
  const M = B.length;
  const max = Math.min(N + M, MAX_EDITS);
  const off = max + 1;
  const V = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && V[off + k - 1]! < V[off + k + 1]!) ? V[off + k + 1]! : V[off + k - 1]! + 1;
      let y = x - k;
      while (x < N && y < M && A[x] === B[y]) {
        x++;
        y++;
      }
      V[off + k] = x;
      if (x >= N && y >= M) found = d;
    }
    trace.push(V.slice(off - d, off + d + 1));
  }
  if (found < 0) return [];
  const matches: Array<[number, number]> = [];
  let x = N;
  let y = M;
  for (let d = found; d > 0; d--) {
    const prev = trace[d - 1]!;
    const at = (k: number) => prev[k + d - 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    // the snake after the edit step
    const stepX = prevK === k + 1 ? prevX : prevX + 1;
    const stepY = stepX - k;
    while (x > stepX && y > stepY) {
      matches.push([x - 1, y - 1]);
      x--;
      y--;
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    matches.push([x - 1, y - 1]);
    x--;
    y--;
  }
  return matches.reverse();
}
