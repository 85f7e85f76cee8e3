/**
 * A repository's objects read straight from disk: packs through their .idx,
 * loose objects, and alternates. isomorphic-git's reader re-lists the pack
 * directory and inflates with a JS zlib on every call (about 15 ms per object
 * on a packed 1000-commit repository); this one keeps indexes and file handles
 * open, inflates with node:zlib (one reused zlib state, zlib-streams.ts),
 * caches delta bases, and exposes raw pack entries so upload-pack can copy
 * them into its own pack without recompressing.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { inflateSync } from "node:zlib";
import { YoungGarbage } from "../young-garbage.ts";
import { ZlibStreams } from "../zlib-streams.ts";
import { applyDelta } from "./git-delta.ts";
import { PackIndex } from "./pack-index.ts";

export const TYPE_NAMES = ["", "commit", "tree", "blob", "tag", "", "ofs-delta", "ref-delta"] as const;
export const OFS_DELTA = 6;
export const REF_DELTA = 7;

export interface GitObject {
  type: string;
  data: Buffer;
}

export interface PackEntry {
  pack: Pack;
  offset: number;
  /** 1-4 whole object, 6 ofs-delta, 7 ref-delta */
  kind: number;
  /** inflated size of the entry's data (the delta itself for deltas) */
  size: number;
  /** raw bytes of the whole entry: header, delta base reference, zlib data */
  raw: Buffer;
  /** where the zlib data starts within `raw` */
  dataStart: number;
  baseOffset?: number;
  baseOid?: string;
}

/** packs up to this size are read whole on first use */
const WHOLE_PACK_BYTES = 4 << 20;
/** larger ones through windows of this size, the last few kept: one read serves neighbouring entries */
const WINDOW_BYTES = 256 << 10;
const WINDOWS = 16;

export class Pack {
  readonly path: string;
  readonly index: PackIndex;
  readonly size: number;
  private fd: number | undefined;
  private whole: Buffer | undefined;
  /** most recently used last; never written after being filled, so entries may keep subarrays */
  private windows: { start: number; buf: Buffer }[] = [];

  constructor(path: string) {
    this.path = path;
    this.index = PackIndex.read(path.replace(/\.pack$/, ".idx"));
    this.size = statSync(path).size;
  }

  /** Bytes [start, end) of the pack, without a read when a window already holds them. */
  private bytes(start: number, end: number): Buffer {
    if (this.size <= WHOLE_PACK_BYTES) {
      this.whole ??= this.readAt(0, this.size);
      return this.whole.subarray(start, end);
    }
    for (let k = this.windows.length - 1; k >= 0; k--) {
      const w = this.windows[k]!;
      if (start >= w.start && end <= w.start + w.buf.length) {
        if (k !== this.windows.length - 1) this.windows.push(...this.windows.splice(k, 1));
        return w.buf.subarray(start - w.start, end - w.start);
      }
    }
    const length = Math.min(this.size - start, Math.max(WINDOW_BYTES, end - start));
    const buf = this.readAt(start, length);
    // one large object is read for itself, not kept as a window
    if (length <= WINDOW_BYTES) {
      this.windows.push({ start, buf });
      if (this.windows.length > WINDOWS) this.windows.shift();
    }
    return buf.subarray(0, end - start);
  }

  private readAt(position: number, length: number): Buffer {
    this.fd ??= openSync(this.path, "r");
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buf, got, length - got, position + got);
      if (n === 0) throw new Error(`${this.path} is truncated`);
      got += n;
    }
    return buf;
  }

  entry(offset: number): PackEntry {
    const end = this.index.endOf(offset, this.size);
    const raw = this.bytes(offset, end);
    let i = 0;
    let byte = raw[i++] ?? 0;
    const kind = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      byte = raw[i++] ?? 0;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    const e: PackEntry = { pack: this, offset, kind, size, raw, dataStart: i };
    if (kind === OFS_DELTA) {
      byte = raw[i++] ?? 0;
      let back = byte & 0x7f;
      while (byte & 0x80) {
        byte = raw[i++] ?? 0;
        back = (back + 1) * 128 + (byte & 0x7f);
      }
      e.baseOffset = offset - back;
      e.dataStart = i;
    } else if (kind === REF_DELTA) {
      e.baseOid = raw.toString("hex", i, i + 20);
      e.dataStart = i + 20;
    }
    return e;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.whole = undefined;
    this.windows = [];
  }
}

const CACHE_BYTES = 32 * 1024 * 1024;

export interface ObjectStoreOptions {
  /** resolved objects kept for reuse as delta bases; default 32 MiB */
  cacheBytes?: number;
}

export class ObjectStore {
  private readonly dir: string;
  private packs: Pack[] = [];
  private packNames = new Set<string>();
  private readonly alternates: ObjectStore[] = [];
  /** delta bases by "packpath:offset", evicted oldest first */
  private readonly cache = new Map<string, GitObject>();
  private readonly garbage = new YoungGarbage();
  private cacheBytes = 0;
  private readonly cacheLimit: number;
  private readonly zlib = new ZlibStreams();

  constructor(objectsDir: string, options: ObjectStoreOptions = {}, depth = 0) {
    this.dir = objectsDir;
    this.cacheLimit = options.cacheBytes ?? CACHE_BYTES;
    this.scanPacks();
    const alt = join(objectsDir, "info", "alternates");
    if (depth < 5 && existsSync(alt)) {
      for (const line of readFileSync(alt, "utf8").split("\n")) {
        const p = line.trim();
        if (p === "" || p.startsWith("#")) continue;
        this.alternates.push(new ObjectStore(isAbsolute(p) ? p : resolve(objectsDir, p), options, depth + 1));
      }
    }
  }

  /** Picks up packs written since the last look (a push, a repack by someone else). */
  scanPacks(): void {
    let names: string[];
    try {
      names = readdirSync(join(this.dir, "pack"));
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.endsWith(".idx") || this.packNames.has(name)) continue;
      const packPath = join(this.dir, "pack", name.replace(/\.idx$/, ".pack"));
      if (!existsSync(packPath)) continue;
      this.packs.unshift(new Pack(packPath));
      this.packNames.add(name);
    }
  }

  /** The pack entry holding `oid`, if it is packed (in this store, not alternates). */
  locate(oid: string): PackEntry | undefined {
    const key = Buffer.from(oid, "hex");
    for (const pack of this.packs) {
      const pos = pack.index.find(key);
      if (pos !== -1) return pack.entry(pack.index.offsetAt(pos));
    }
    return undefined;
  }

  read(oid: string): GitObject {
    return this.readFor(oid, false);
  }

  private readFor(oid: string, asBase: boolean): GitObject {
    const found = this.tryRead(oid, asBase) ?? (this.scanPacks(), this.tryRead(oid, asBase));
    if (!found) throw Object.assign(new Error(`object ${oid} not found`), { code: "NotFoundError" });
    return found;
  }

  has(oid: string): boolean {
    try {
      this.read(oid);
      return true;
    } catch {
      return false;
    }
  }

  private tryRead(oid: string, asBase: boolean): GitObject | undefined {
    const e = this.locate(oid);
    if (e) return this.resolveEntry(e, asBase);
    const loose = this.readLoose(oid);
    if (loose) return loose;
    for (const alt of this.alternates) {
      const o = alt.tryRead(oid, asBase);
      if (o) return o;
    }
    return undefined;
  }

  private readLoose(oid: string): GitObject | undefined {
    let file: Buffer;
    try {
      file = readFileSync(join(this.dir, oid.slice(0, 2), oid.slice(2)));
    } catch {
      return undefined;
    }
    const all = inflateSync(file);
    const nul = all.indexOf(0);
    const type = all.toString("latin1", 0, nul).split(" ")[0] ?? "";
    return { type, data: all.subarray(nul + 1) };
  }

  /**
   * The object an entry stands for, following delta chains. Delta bases are
   * kept for the next delta on them, and so are trees and commits, which walks
   * come back to; any other blob is read once by a checkout and not kept, so
   * the cache holds what saves work rather than the last 32 MiB of files.
   */
  resolveEntry(e: PackEntry, asBase = false): GitObject {
    const key = `${e.pack.path}:${e.offset}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const body = this.zlib.inflate(e.raw, e.dataStart, e.raw.length, e.size).data;
    let result: GitObject;
    if (e.kind === OFS_DELTA) {
      const base = this.resolveEntry(e.pack.entry(e.baseOffset as number), true);
      result = { type: base.type, data: applyDelta(body, base.data) };
    } else if (e.kind === REF_DELTA) {
      const base = this.readFor(e.baseOid as string, true);
      result = { type: base.type, data: applyDelta(body, base.data) };
    } else {
      result = { type: TYPE_NAMES[e.kind] ?? "", data: body };
    }
    this.garbage.add(body.length + (result.data === body ? 0 : result.data.length));
    // a few huge blobs would flush every tree and commit the walk keeps coming back to
    if ((asBase || result.type !== "blob") && result.data.length < this.cacheLimit / 8) this.remember(key, result);
    return result;
  }

  private remember(key: string, o: GitObject): void {
    this.cache.set(key, o);
    this.cacheBytes += o.data.length;
    for (const [k, v] of this.cache) {
      if (this.cacheBytes <= this.cacheLimit) break;
      this.cache.delete(k);
      this.cacheBytes -= v.data.length;
    }
  }

  close(): void {
    for (const p of this.packs) p.close();
    for (const a of this.alternates) a.close();
    this.cache.clear();
    this.cacheBytes = 0;
    this.zlib.close();
  }
}
