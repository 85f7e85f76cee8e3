/**
 * A read-only object database over a repository's packs and loose objects,
 * using node's zlib. isomorphic-git's reader costs about a millisecond per
 * object; a history walk over thousands of commits and trees needs far less.
 * Deltas (by offset or by id) are resolved with a small cache of inflated
 * bases, since delta chains share them.
 */
import type * as fsModule from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { YoungGarbage } from "./young-garbage.ts";
import { ShortInput, ZlibStreams } from "./zlib-streams.ts";

export interface RawObject {
  type: "commit" | "tree" | "blob" | "tag";
  content: Buffer;
}

const TYPES = ["", "commit", "tree", "blob", "tag", "", "ofs_delta", "ref_delta"] as const;
/**
 * Inflated objects kept for reuse as delta bases, bounded in count and in
 * bytes: `in`'s peak memory is held to a small multiple of the pack, not of
 * the repository's inflated size.
 */
const BASE_CACHE_ENTRIES = 512;
const BASE_CACHE_BYTES = 16 << 20;
/**
 * Packs up to this size are read into memory whole once a walk is under way:
 * one read instead of one per object. Larger ones stay on disk and are read
 * through a larger window, so memory does not grow with the pack.
 */
const WHOLE_PACK_LIMIT = 16 << 20;
const LARGE_PACK_WINDOW = 1 << 20;
/**
 * Until then, reads go through one window of this size: a check of an
 * unchanged remote reads a commit or two, not the whole pack.
 */
const WINDOW = 64 << 10;
const WINDOW_READS_BEFORE_WHOLE = 8;
/** longest entry header: type and size varint, then an ofs-delta offset or a 20-byte base id */
const MAX_HEADER = 32;

class Pack {
  readonly path: string;
  readonly count: number;
  private readonly idx: Buffer;
  private readonly namesAt: number;
  private readonly offsetsAt: number;
  private readonly largeAt: number;
  private window?: { start: number; buf: Buffer };
  private windowReads = 0;
  private readonly packSize: number;
  private readonly fs: typeof fsModule;
  private whole?: Buffer;

  constructor(fs: typeof fsModule, idxPath: string, packPath: string) {
    this.fs = fs;
    this.idx = fs.readFileSync(idxPath);
    if (this.idx.readUInt32BE(0) !== 0xff744f63 || this.idx.readUInt32BE(4) !== 2) throw new Error(`unsupported pack index ${idxPath}`);
    this.count = this.idx.readUInt32BE(8 + 255 * 4);
    this.namesAt = 8 + 256 * 4;
    this.offsetsAt = this.namesAt + this.count * 20 + this.count * 4;
    this.largeAt = this.offsetsAt + this.count * 4;
    this.path = packPath;
    this.packSize = fs.statSync(packPath).size;
  }

  /** Index of the object in the sorted name table, or -1. */
  find(oid: Buffer): number {
    const first = oid[0]!;
    let lo = first === 0 ? 0 : this.idx.readUInt32BE(8 + (first - 1) * 4);
    let hi = this.idx.readUInt32BE(8 + first * 4);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.idx.compare(oid, 0, 20, this.namesAt + mid * 20, this.namesAt + mid * 20 + 20);
      if (c === 0) return mid;
      if (c > 0) hi = mid;
      else lo = mid + 1;
    }
    return -1;
  }

  name(i: number): string {
    return this.idx.toString("hex", this.namesAt + i * 20, this.namesAt + i * 20 + 20);
  }

  /** Names starting with a hex prefix (at most `limit`). */
  withPrefix(prefix: string, limit: number): string[] {
    const first = parseInt(prefix.slice(0, 2).padEnd(2, "0"), 16);
    const lo = first === 0 ? 0 : this.idx.readUInt32BE(8 + (first - 1) * 4);
    const hi = this.idx.readUInt32BE(8 + first * 4);
    const out: string[] = [];
    // the prefix has at least two digits here, so one fan-out bucket holds every candidate
    for (let i = lo; i < hi && out.length < limit; i++) if (this.name(i).startsWith(prefix)) out.push(this.name(i));
    return out;
  }

  offset(i: number): number {
    const v = this.idx.readUInt32BE(this.offsetsAt + i * 4);
    if (!(v & 0x80000000)) return v;
    const at = this.largeAt + (v & 0x7fffffff) * 8;
    return this.idx.readUInt32BE(at) * 2 ** 32 + this.idx.readUInt32BE(at + 4);
  }

  /**
   * Pack bytes from `offset`, at least `min` of them unless the pack ends
   * first: `buf[at..end)`. A zlib stream ends itself, so entries need no
   * table of where each one stops.
   */
  view(offset: number, min: number): { buf: Buffer; at: number; end: number } {
    const limit = this.packSize - 20;
    const want = Math.min(limit, offset + min);
    if (this.whole) return { buf: this.whole, at: offset, end: limit };
    const w = this.window;
    if (w && offset >= w.start && want <= w.start + w.buf.length) return { buf: w.buf, at: offset - w.start, end: w.buf.length };
    const walking = ++this.windowReads > WINDOW_READS_BEFORE_WHOLE;
    if (walking && this.packSize <= WHOLE_PACK_LIMIT) {
      this.whole = this.fs.readFileSync(this.path);
      return { buf: this.whole, at: offset, end: limit };
    }
    const window = walking ? LARGE_PACK_WINDOW : WINDOW;
    const buf = Buffer.allocUnsafe(Math.min(limit, Math.max(want, offset + window)) - offset);
    // no descriptor is kept open: a repository object may simply be dropped
    const fd = this.fs.openSync(this.path, "r");
    try {
      let got = 0;
      while (got < buf.length) {
        const n = this.fs.readSync(fd, buf, got, buf.length - got, offset + got);
        if (n === 0) throw new Error(`${this.path} is truncated`);
        got += n;
      }
    } finally {
      this.fs.closeSync(fd);
    }
    this.window = { start: offset, buf };
    return { buf, at: 0, end: buf.length };
  }
}

export class ObjectDb {
  private readonly fs: typeof fsModule;
  private readonly objects: string;
  private packs?: Pack[];
  private packNames: string[] = [];
  private readonly bases = new Map<string, RawObject>();
  private basesBytes = 0;
  /** inflateSync costs ~13 us of set-up per call; a history walk inflates thousands of objects */
  private readonly zlib = new ZlibStreams();
  /** a checkout reads each object once and drops it */
  private readonly garbage = new YoungGarbage();

  constructor(fs: typeof fsModule, gitdir: string) {
    this.fs = fs;
    this.objects = join(gitdir, "objects");
  }

  private packIndexes(): string[] {
    let names: string[] = [];
    try {
      names = this.fs.readdirSync(join(this.objects, "pack"));
    } catch {
      // no pack directory: loose objects only
    }
    return names.filter((n) => n.endsWith(".idx") && names.includes(n.slice(0, -4) + ".pack")).sort();
  }

  private loadPacks(): Pack[] {
    if (!this.packs) {
      const dir = join(this.objects, "pack");
      this.packNames = this.packIndexes();
      this.packs = this.packNames.map((n) => new Pack(this.fs, join(dir, n), join(dir, n.slice(0, -4) + ".pack")));
    }
    return this.packs;
  }

  /** Picks up packs added since they were listed (a fetch); says whether there were any. */
  rescan(): boolean {
    const now = this.packIndexes();
    if (this.packs && now.join("\n") === this.packNames.join("\n")) return false;
    this.packs = undefined;
    return true;
  }

  read(oid: string): RawObject | undefined {
    const cached = this.bases.get(oid);
    if (cached) return cached;
    const bin = Buffer.from(oid, "hex");
    for (const pack of this.loadPacks()) {
      const i = pack.find(bin);
      if (i >= 0) return this.readPacked(pack, pack.offset(i), oid);
    }
    return this.readLoose(oid);
  }

  private readLoose(oid: string): RawObject | undefined {
    let raw: Buffer;
    try {
      raw = inflateSync(this.fs.readFileSync(join(this.objects, oid.slice(0, 2), oid.slice(2))));
    } catch {
      return undefined;
    }
    const nul = raw.indexOf(0);
    const type = raw.toString("latin1", 0, raw.indexOf(0x20)) as RawObject["type"];
    return { type, content: raw.subarray(nul + 1) };
  }

  private readPacked(pack: Pack, offset: number, oid?: string): RawObject {
    const key = `${pack.path}:${offset}`;
    const hit = this.bases.get(key);
    if (hit) return hit;
    const head = pack.view(offset, MAX_HEADER);
    const entry = head.buf;
    let p = head.at;
    let c = entry[p++]!;
    const type = TYPES[(c >> 4) & 7];
    let size = c & 15;
    let shift = 4;
    while (c & 0x80) {
      c = entry[p++]!;
      size += (c & 0x7f) * 2 ** shift;
      shift += 7;
    }
    const inflate = (from: number): Buffer => {
      const skip = from - head.at;
      // deflate's worst case is a little over its input; a stream that runs longer is read again whole
      for (const min of [skip + size + (size >> 3) + 64, Infinity]) {
        const v = pack.view(offset, min);
        try {
          return this.zlib.inflate(v.buf, v.at + skip, v.end, size).data;
        } catch (e) {
          if (!(e instanceof ShortInput) || min === Infinity) throw e;
        }
      }
      throw new Error("unreachable");
    };
    let result: RawObject;
    if (type === "ofs_delta") {
      c = entry[p++]!;
      let back = c & 0x7f;
      while (c & 0x80) {
        c = entry[p++]!;
        back = (back + 1) * 128 + (c & 0x7f);
      }
      const dataAt = p;
      const base = this.readPacked(pack, offset - back);
      result = { type: base.type, content: applyDelta(base.content, inflate(dataAt)) };
    } else if (type === "ref_delta") {
      const baseOid = entry.toString("hex", p, p + 20);
      const dataAt = p + 20;
      const base = this.read(baseOid);
      if (!base) throw new Error(`missing delta base ${baseOid}`);
      result = { type: base.type, content: applyDelta(base.content, inflate(dataAt)) };
    } else if (type === "commit" || type === "tree" || type === "blob" || type === "tag") {
      result = { type, content: inflate(p) };
    } else throw new Error(`bad pack entry at ${offset}`);
    this.remember(key, result);
    if (oid) this.remember(oid, result);
    this.garbage.add(result.content.length);
    return result;
  }

  private remember(key: string, o: RawObject): void {
    if (o.type === "blob" && o.content.length > 1 << 20) return;
    if (this.bases.has(key)) return;
    while (this.bases.size > 0 && (this.bases.size >= BASE_CACHE_ENTRIES || this.basesBytes + o.content.length > BASE_CACHE_BYTES)) {
      const [oldest, evicted] = this.bases.entries().next().value!;
      this.bases.delete(oldest);
      this.basesBytes -= evicted.content.length;
    }
    this.bases.set(key, o);
    this.basesBytes += o.content.length;
  }

  /** Up to `limit` object ids starting with `prefix` (4+ hex digits). */
  withPrefix(prefix: string, limit = 2): string[] {
    const found = new Set<string>();
    for (const pack of this.loadPacks()) for (const n of pack.withPrefix(prefix, limit)) found.add(n);
    try {
      for (const f of this.fs.readdirSync(join(this.objects, prefix.slice(0, 2)))) {
        const oid = prefix.slice(0, 2) + f;
        if (/^[0-9a-f]{40}$/.test(oid) && oid.startsWith(prefix)) found.add(oid);
      }
    } catch {
      // no loose objects under this prefix
    }
    return [...found].slice(0, limit);
  }
}

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let c: number;
  do {
    c = buf[at++]!;
    value += (c & 0x7f) * 2 ** shift;
    shift += 7;
  } while (c & 0x80);
  return [value, at];
}

/** git's delta format: source and target sizes, then copy-from-base and insert instructions. */
function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let [, p] = readVarint(delta, 0);
  let size: number;
  [size, p] = readVarint(delta, p);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  while (p < delta.length) {
    const op = delta[p++]!;
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) off += delta[p++]! * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) len += delta[p++]! * 2 ** (8 * bit);
      if (len === 0) len = 0x10000;
      base.copy(out, o, off, off + len);
      o += len;
    } else if (op > 0) {
      delta.copy(out, o, p, p + op);
      o += op;
      p += op;
    } else throw new Error("bad delta instruction");
  }
  if (o !== size) throw new Error("delta size mismatch");
  return out;
}
