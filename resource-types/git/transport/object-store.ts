/**
 * A repository's objects read straight from disk: packs through their .idx,
 * loose objects, and alternates. isomorphic-git's reader re-lists the pack
 * directory and inflates with a JS zlib on every call (about 15 ms per object
 * on a packed 1000-commit repository); this one keeps indexes and file handles
 * open, inflates with node:zlib, caches delta bases, and exposes raw pack
 * entries so upload-pack can copy them into its own pack without recompressing.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { inflateSync } from "node:zlib";
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
  /** raw bytes of the whole entry: header, delta base reference, zlib data */
  raw: Buffer;
  /** where the zlib data starts within `raw` */
  dataStart: number;
  baseOffset?: number;
  baseOid?: string;
}

export class Pack {
  readonly path: string;
  readonly index: PackIndex;
  readonly size: number;
  private fd: number | undefined;

  constructor(path: string) {
    this.path = path;
    this.index = PackIndex.read(path.replace(/\.pack$/, ".idx"));
    this.size = statSync(path).size;
  }

  entry(offset: number): PackEntry {
    const end = this.index.endOf(offset, this.size);
    this.fd ??= openSync(this.path, "r");
    const raw = Buffer.allocUnsafe(end - offset);
    let got = 0;
    while (got < raw.length) {
      const n = readSync(this.fd, raw, got, raw.length - got, offset + got);
      if (n === 0) throw new Error(`${this.path} is truncated`);
      got += n;
    }
    let i = 0;
    let byte = raw[i++] ?? 0;
    const kind = (byte >> 4) & 7;
    while (byte & 0x80) byte = raw[i++] ?? 0;
    const e: PackEntry = { pack: this, offset, kind, raw, dataStart: i };
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
  }
}

const CACHE_BYTES = 32 * 1024 * 1024;

export class ObjectStore {
  private readonly dir: string;
  private packs: Pack[] = [];
  private packNames = new Set<string>();
  private readonly alternates: ObjectStore[] = [];
  /** delta bases by "packpath:offset", evicted oldest first */
  private readonly cache = new Map<string, GitObject>();
  private cacheBytes = 0;

  constructor(objectsDir: string, depth = 0) {
    this.dir = objectsDir;
    this.scanPacks();
    const alt = join(objectsDir, "info", "alternates");
    if (depth < 5 && existsSync(alt)) {
      for (const line of readFileSync(alt, "utf8").split("\n")) {
        const p = line.trim();
        if (p === "" || p.startsWith("#")) continue;
        this.alternates.push(new ObjectStore(isAbsolute(p) ? p : resolve(objectsDir, p), depth + 1));
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
    const found = this.tryRead(oid) ?? (this.scanPacks(), this.tryRead(oid));
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

  private tryRead(oid: string): GitObject | undefined {
    const e = this.locate(oid);
    if (e) return this.resolveEntry(e);
    const loose = this.readLoose(oid);
    if (loose) return loose;
    for (const alt of this.alternates) {
      const o = alt.tryRead(oid);
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

  /** The object an entry stands for, following delta chains. */
  resolveEntry(e: PackEntry): GitObject {
    const key = `${e.pack.path}:${e.offset}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const body = inflateSync(e.raw.subarray(e.dataStart));
    let result: GitObject;
    if (e.kind === OFS_DELTA) {
      const base = this.resolveEntry(e.pack.entry(e.baseOffset as number));
      result = { type: base.type, data: applyDelta(body, base.data) };
    } else if (e.kind === REF_DELTA) {
      const base = this.read(e.baseOid as string);
      result = { type: base.type, data: applyDelta(body, base.data) };
    } else {
      result = { type: TYPE_NAMES[e.kind] ?? "", data: body };
    }
    // a few huge blobs would flush every tree and commit the walk keeps coming back to
    if (result.data.length < CACHE_BYTES / 8) this.remember(key, result);
    return result;
  }

  private remember(key: string, o: GitObject): void {
    this.cache.set(key, o);
    this.cacheBytes += o.data.length;
    for (const [k, v] of this.cache) {
      if (this.cacheBytes <= CACHE_BYTES) break;
      this.cache.delete(k);
      this.cacheBytes -= v.data.length;
    }
  }

  close(): void {
    for (const p of this.packs) p.close();
    for (const a of this.alternates) a.close();
    this.cache.clear();
    this.cacheBytes = 0;
  }
}
