/**
 * `git index-pack` for a pack file on disk: names every object (SHA-1 of
 * "<type> <size>\0<content>"), checks the pack's trailing checksum and writes
 * a version 2 .idx, which git, isomorphic-git and our readers all use.
 *
 * Memory stays near a few dozen bytes per object plus one read window:
 * - pass 1 reads the pack front to back through a window, inflating each
 *   entry once to find where it ends (a pack records no lengths), naming the
 *   whole objects and noting each delta's base;
 * - pass 2 resolves deltas as git does, base first: a base is inflated once,
 *   then each delta on it is inflated again, applied and named, depth first,
 *   so only the chain being resolved is held in memory.
 */
import { createHash, hash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from "node:fs";
import zlib from "node:zlib";
import { applyDeltaInto, deltaTarget } from "./transport/git-delta.ts";
import { ShortInput, ZlibStreams } from "./zlib-streams.ts";

const OFS_DELTA = 6;
const REF_DELTA = 7;
const TYPE_NAMES = ["", "commit", "tree", "blob", "tag"] as const;
/** bytes read at a time in pass 1 (more when one entry needs it) */
const WINDOW = 8 << 20;
/** longest entry header: type and size varint, then an ofs-delta offset or a 20-byte base id */
const MAX_HEADER = 32;

export interface ExternalObject {
  type: "commit" | "tree" | "blob" | "tag";
  data: Buffer;
}

export interface IndexPackOptions {
  /** objects outside the pack that ref-deltas may use as bases (a thin pack); none by default */
  externalBase?: (oid: string) => ExternalObject | undefined;
  /** bytes read at a time in pass 1; default 8 MiB (tests make it tiny to move the window often) */
  window?: number;
}

export interface IndexedPack {
  /** the pack's trailing SHA-1, hex: its name is pack-<checksum>.pack */
  checksum: string;
  objects: number;
}

export class PackFormatError extends Error {}

/** Indexes `packPath` and writes the index to `idxPath`. */
export function indexPack(packPath: string, idxPath: string, options: IndexPackOptions = {}): IndexedPack {
  const file = new PackFile(packPath, options.window ?? WINDOW);
  const zs = new ZlibStreams();
  try {
    const pack = readEntries(file, zs);
    try {
      resolveDeltas(file, zs, pack, options);
    } catch (e) {
      // a delta naming the wrong base size or copying out of range: the pack is bad, not our code
      if (e instanceof PackFormatError) throw e;
      throw new PackFormatError(`a delta does not apply: ${e instanceof Error ? e.message : String(e)}`);
    }
    writeFileSync(idxPath, idxBytes(pack));
    return { checksum: pack.checksum.toString("hex"), objects: pack.count };
  } finally {
    zs.close();
    file.close();
  }
}

/** What pass 1 learns, one slot per entry in pack order. */
interface Entries {
  count: number;
  offsets: Float64Array;
  /** where each entry's zlib data starts, relative to its offset */
  headerLength: Uint8Array;
  /** inflated size (of the delta itself for deltas) */
  sizes: Float64Array;
  /** 1-4 object types; deltas get theirs once resolved (0 until then) */
  types: Uint8Array;
  kinds: Uint8Array;
  crcs: Uint32Array;
  oids: Buffer;
  /** for ofs-deltas, the entry index of the base; -1 otherwise */
  ofsBase: Int32Array;
  /** for ref-deltas, the base's id */
  refBase: Map<number, string>;
  /** where the entries end: the trailer */
  end: number;
  checksum: Buffer;
}

/** Pass 1. */
function readEntries(file: PackFile, zs: ZlibStreams): Entries {
  if (file.size < 32) throw new PackFormatError("pack is too short");
  const head = file.view(0, 12);
  if (head.buf.toString("latin1", head.at, head.at + 4) !== "PACK") throw new PackFormatError("not a pack (no PACK signature)");
  const version = head.buf.readUInt32BE(head.at + 4);
  if (version !== 2 && version !== 3) throw new PackFormatError(`unsupported pack version ${version}`);
  const count = head.buf.readUInt32BE(head.at + 8);
  const end = file.size - 20;
  const e: Entries = {
    count,
    offsets: new Float64Array(count),
    headerLength: new Uint8Array(count),
    sizes: new Float64Array(count),
    types: new Uint8Array(count),
    kinds: new Uint8Array(count),
    crcs: new Uint32Array(count),
    oids: Buffer.alloc(count * 20),
    ofsBase: new Int32Array(count).fill(-1),
    refBase: new Map(),
    end,
    checksum: Buffer.alloc(20),
  };
  const packHash = createHash("sha1");
  packHash.update(head.buf.subarray(head.at, head.at + 12));
  // whole objects are only hashed here: one buffer serves them all
  const scratch = new Scratch();
  let offset = 12;
  for (let i = 0; i < count; i++) {
    if (offset >= end) throw new PackFormatError(`pack ends after ${i} of ${count} objects`);
    const h = file.view(offset, Math.min(end, offset + MAX_HEADER));
    let p = h.at;
    let c = h.buf[p++]!;
    const kind = (c >> 4) & 7;
    let size = c & 15;
    let shift = 4;
    while (c & 0x80) {
      c = h.buf[p++]!;
      size += (c & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (kind === OFS_DELTA) {
      c = h.buf[p++]!;
      let back = c & 0x7f;
      while (c & 0x80) {
        c = h.buf[p++]!;
        back = (back + 1) * 128 + (c & 0x7f);
      }
      const baseAt = offset - back;
      const base = baseAt >= 12 ? findOffset(e.offsets, i, baseAt) : -1;
      if (base < 0) throw new PackFormatError(`delta at ${offset} names no entry as its base`);
      e.ofsBase[i] = base;
    } else if (kind === REF_DELTA) {
      e.refBase.set(i, h.buf.toString("hex", p, p + 20));
      p += 20;
    } else if (kind < 1 || kind > 4) throw new PackFormatError(`bad object type ${kind} at ${offset}`);
    const headerLength = p - h.at;
    const dataStart = offset + headerLength;
    const header = kind <= 4 ? objectHeader(kind, size) : "";
    const out = scratch.get(header.length + size + 1);
    const used = inflateAt(file, zs, dataStart, end, size, out, header.length);
    const entryEnd = dataStart + used;
    const raw = file.view(offset, entryEnd);
    const rawBytes = raw.buf.subarray(raw.at, raw.at + (entryEnd - offset));
    e.crcs[i] = zlib.crc32(rawBytes);
    packHash.update(rawBytes);
    e.offsets[i] = offset;
    e.headerLength[i] = headerLength;
    e.sizes[i] = size;
    e.kinds[i] = kind;
    if (kind <= 4) {
      e.types[i] = kind;
      out.write(header, 0, "latin1");
      nameObject(out.subarray(0, header.length + size), e.oids, i);
    }
    offset = entryEnd;
  }
  if (offset !== end) throw new PackFormatError(`pack has ${end - offset} bytes of garbage after its ${count} objects`);
  const trailer = file.view(end, file.size);
  e.checksum = Buffer.from(trailer.buf.subarray(trailer.at, trailer.at + 20));
  if (!packHash.digest().equals(e.checksum)) throw new PackFormatError("pack checksum mismatch (the pack is corrupt)");
  return e;
}

/** Inflates the entry data at `start`, widening the window if the stream runs past it. */
function inflateAt(file: PackFile, zs: ZlibStreams, start: number, end: number, size: number, out: Buffer, at: number): number {
  // deflate's worst case is a little over its input; most streams are far shorter
  let want = Math.min(end, start + size + (size >> 3) + 64);
  for (;;) {
    const v = file.view(start, want);
    try {
      return zs.inflateInto(v.buf, v.at, v.at + (want - start), size, out, at);
    } catch (err) {
      if (!(err instanceof ShortInput) || want >= end) {
        throw new PackFormatError(`object at ${start} does not inflate: ${err instanceof Error ? err.message : String(err)}`);
      }
      want = Math.min(end, start + (want - start) * 2);
    }
  }
}

/** Pass 2: every delta, base first. */
function resolveDeltas(file: PackFile, zs: ZlibStreams, e: Entries, options: IndexPackOptions): void {
  // children of each base, as compressed adjacency lists (CSR)
  const childCount = new Uint32Array(e.count + 1);
  for (let i = 0; i < e.count; i++) if (e.ofsBase[i]! >= 0) childCount[e.ofsBase[i]!]!++;
  const firstChild = new Uint32Array(e.count + 1);
  for (let i = 0; i < e.count; i++) firstChild[i + 1] = firstChild[i]! + childCount[i]!;
  const children = new Uint32Array(firstChild[e.count]!);
  const fill = firstChild.slice(0, e.count);
  for (let i = 0; i < e.count; i++) if (e.ofsBase[i]! >= 0) children[fill[e.ofsBase[i]!]!++] = i;
  const byRef = new Map<string, number[]>();
  for (const [i, oid] of e.refBase) {
    const list = byRef.get(oid);
    if (list) list.push(i);
    else byRef.set(oid, [i]);
  }
  let resolved = 0;
  const deltaCount = e.count - countWhole(e);

  // nothing is allocated per object: deltas inflate into one buffer, and each level of
  // a delta chain has its own, reused by the next sibling once a subtree is done
  const deltaScratch = new Scratch();
  const levels: Scratch[] = [];
  const inflateEntry = (i: number, out: Buffer, at: number): void => {
    const start = e.offsets[i]! + e.headerLength[i]!;
    const stop = i + 1 < e.count ? e.offsets[i + 1]! : e.end;
    const v = file.read(start, stop);
    zs.inflateInto(v.buf, v.at, v.at + (stop - start), e.sizes[i]!, out, at);
  };

  /** Resolves every delta on `data` (the content of entry `self`, or of external object `oidHex`), held at `depth`. */
  const descend = (type: number, data: Buffer, oidHex: string | undefined, self: number, depth: number): void => {
    const apply = (child: number): void => {
      const deltaSize = e.sizes[child]!;
      const deltaBuf = deltaScratch.get(deltaSize + 1);
      inflateEntry(child, deltaBuf, 0);
      const delta = deltaBuf.subarray(0, deltaSize);
      const target = deltaTarget(delta, data);
      const header = objectHeader(type, target.size);
      const out = (levels[depth + 1] ??= new Scratch()).get(header.length + target.size);
      out.write(header, 0, "latin1");
      applyDeltaInto(delta, data, out, header.length, target);
      e.types[child] = type;
      nameObject(out.subarray(0, header.length + target.size), e.oids, child);
      resolved++;
      descend(type, out.subarray(header.length, header.length + target.size), undefined, child, depth + 1);
    };
    if (self >= 0) for (let k = firstChild[self]!; k < firstChild[self + 1]!; k++) apply(children[k]!);
    const id = oidHex ?? (byRef.size > 0 ? e.oids.toString("hex", self * 20, self * 20 + 20) : undefined);
    const refs = id !== undefined ? byRef.get(id) : undefined;
    if (refs) {
      byRef.delete(id!);
      for (const child of refs) apply(child);
    }
  };

  for (let i = 0; i < e.count; i++) {
    if (e.kinds[i]! > 4) continue;
    const refChildren = byRef.size > 0 && byRef.has(e.oids.toString("hex", i * 20, i * 20 + 20));
    if (childCount[i] === 0 && !refChildren) continue;
    const size = e.sizes[i]!;
    const base = (levels[0] ??= new Scratch()).get(size + 1);
    inflateEntry(i, base, 0);
    descend(e.types[i]!, base.subarray(0, size), undefined, i, 0);
  }
  // a thin pack: bases the pack leaves out
  for (const oid of [...byRef.keys()]) {
    const base = options.externalBase?.(oid);
    if (base) descend(TYPE_NAMES.indexOf(base.type), base.data, oid, -1, 0);
  }
  if (resolved !== deltaCount) throw new PackFormatError(`pack has ${deltaCount - resolved} unresolved deltas`);
}

function countWhole(e: Entries): number {
  let n = 0;
  for (let i = 0; i < e.count; i++) if (e.kinds[i]! <= 4) n++;
  return n;
}

function objectHeader(type: number, size: number): string {
  return `${TYPE_NAMES[type]} ${size}\0`;
}

/** The id of "<type> <size>\0<content>", already laid out in `object`. */
function nameObject(object: Buffer, oids: Buffer, i: number): void {
  // the one-shot hash with a hex result is the cheapest form in node (no Hash object, no Buffer)
  oids.write(hash("sha1", object, "hex"), i * 20, 20, "hex");
}

/** Entry index whose offset is `offset`, among the first `n` (pack order is offset order). */
function findOffset(offsets: Float64Array, n: number, offset: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = offsets[mid]!;
    if (v === offset) return mid;
    if (v < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The version 2 index: fan-out, sorted ids, CRC-32s, offsets (large ones apart), checksums. */
function idxBytes(e: Entries): Buffer {
  const n = e.count;
  const order = sortedById(e.oids, n);
  let large = 0;
  for (let i = 0; i < n; i++) if (e.offsets[i]! >= 0x80000000) large++;
  const out = Buffer.alloc(8 + 1024 + n * 28 + large * 8 + 40);
  out.writeUInt32BE(0xff744f63, 0);
  out.writeUInt32BE(2, 4);
  const fanout = new Uint32Array(256);
  for (let i = 0; i < n; i++) fanout[e.oids[i * 20]!]!++;
  let running = 0;
  for (let b = 0; b < 256; b++) {
    running += fanout[b]!;
    out.writeUInt32BE(running, 8 + b * 4);
  }
  const idsAt = 8 + 1024;
  const crcAt = idsAt + n * 20;
  const offAt = crcAt + n * 4;
  const largeAt = offAt + n * 4;
  let nextLarge = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    e.oids.copy(out, idsAt + k * 20, i * 20, i * 20 + 20);
    out.writeUInt32BE(e.crcs[i]!, crcAt + k * 4);
    const off = e.offsets[i]!;
    if (off < 0x80000000) out.writeUInt32BE(off, offAt + k * 4);
    else {
      out.writeUInt32BE((0x80000000 | nextLarge) >>> 0, offAt + k * 4);
      out.writeBigUInt64BE(BigInt(off), largeAt + nextLarge * 8);
      nextLarge++;
    }
  }
  const sumAt = largeAt + large * 8;
  e.checksum.copy(out, sumAt);
  createHash("sha1").update(out.subarray(0, sumAt + 20)).digest().copy(out, sumAt + 20);
  return out;
}

/** Entry indexes ordered by object id: on the first six bytes, then the rest for ties. */
function sortedById(oids: Buffer, n: number): Uint32Array {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = oids.readUIntBE(i * 20, 6);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const d = keys[a]! - keys[b]!;
    return d !== 0 ? d : oids.compare(oids, b * 20 + 6, b * 20 + 20, a * 20 + 6, a * 20 + 20);
  });
  return order;
}

/** A buffer reused for many objects, grown when one needs more. */
class Scratch {
  private buf = Buffer.alloc(0);

  get(size: number): Buffer {
    if (this.buf.length < size) this.buf = Buffer.allocUnsafe(Math.max(size, Math.min(this.buf.length * 2, size + (1 << 20))));
    return this.buf;
  }
}

/** The pack on disk: a sliding window for the front-to-back pass, exact reads otherwise. */
class PackFile {
  readonly size: number;
  private readonly fd: number;
  /** the window's storage; only its first `windowLength` bytes are the pack's */
  private window = Buffer.alloc(0);
  private windowStart = 0;
  private windowLength = 0;
  private scratch = Buffer.alloc(0);
  private readonly windowBytes: number;

  constructor(path: string, windowBytes: number) {
    this.windowBytes = windowBytes;
    this.fd = openSync(path, "r");
    this.size = fstatSync(this.fd).size;
  }

  /** Bytes [start, end) through the window, moving it forward when needed. */
  view(start: number, end: number): { buf: Buffer; at: number } {
    if (start < this.windowStart || end > this.windowStart + this.windowLength) {
      const length = Math.min(this.size - start, Math.max(this.windowBytes, end - start));
      if (this.window.length < length) this.window = Buffer.allocUnsafe(length);
      this.fill(this.window, start, length);
      this.windowStart = start;
      this.windowLength = length;
    }
    return { buf: this.window, at: start - this.windowStart };
  }

  /** Bytes [start, end), from the window when it holds them, else read into a scratch buffer. */
  read(start: number, end: number): { buf: Buffer; at: number } {
    if (start >= this.windowStart && end <= this.windowStart + this.windowLength) return { buf: this.window, at: start - this.windowStart };
    if (this.scratch.length < end - start) this.scratch = Buffer.allocUnsafe(Math.max(end - start, 64 << 10));
    this.fill(this.scratch, start, end - start);
    return { buf: this.scratch, at: 0 };
  }

  private fill(into: Buffer, position: number, length: number): void {
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, into, got, length - got, position + got);
      if (n === 0) throw new PackFormatError("pack is truncated");
      got += n;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
