/**
 * Reads git pack index files (.idx, versions 1 and 2): which objects a pack
 * holds and where each entry starts and ends, looked up by binary search on
 * the sorted id table so a large pack costs no per-object memory.
 */
import { readFileSync } from "node:fs";

const V2_MAGIC = 0xff744f63;

export class PackIndex {
  readonly count: number;
  private readonly fanout: Uint32Array;
  /** count * 20 bytes, sorted */
  private readonly ids: Buffer;
  /** pack offset of the object at each sorted position */
  private readonly offsets: Float64Array;
  private byOffset?: { offsets: Float64Array; positions: Uint32Array };

  private constructor(fanout: Uint32Array, ids: Buffer, offsets: Float64Array) {
    this.fanout = fanout;
    this.ids = ids;
    this.offsets = offsets;
    this.count = offsets.length;
  }

  static read(path: string): PackIndex {
    const buf = readFileSync(path);
    const fanout = new Uint32Array(256);
    if (buf.readUInt32BE(0) === V2_MAGIC) {
      if (buf.readUInt32BE(4) !== 2) throw new Error(`unsupported pack index version in ${path}`);
      for (let i = 0; i < 256; i++) fanout[i] = buf.readUInt32BE(8 + i * 4);
      const n = fanout[255] ?? 0;
      const idStart = 8 + 1024;
      const ids = buf.subarray(idStart, idStart + n * 20);
      const offStart = idStart + n * 20 + n * 4;
      const largeStart = offStart + n * 4;
      const offsets = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = buf.readUInt32BE(offStart + i * 4);
        if (v & 0x80000000) {
          const j = v & 0x7fffffff;
          offsets[i] = Number(buf.readBigUInt64BE(largeStart + j * 8));
        } else offsets[i] = v;
      }
      return new PackIndex(fanout, Buffer.from(ids), offsets);
    }
    // version 1: fanout, then (4-byte offset, 20-byte id) records
    for (let i = 0; i < 256; i++) fanout[i] = buf.readUInt32BE(i * 4);
    const n = fanout[255] ?? 0;
    const ids = Buffer.alloc(n * 20);
    const offsets = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const rec = 1024 + i * 24;
      offsets[i] = buf.readUInt32BE(rec);
      buf.copy(ids, i * 20, rec + 4, rec + 24);
    }
    return new PackIndex(fanout, ids, offsets);
  }

  /** Sorted position of `oid` (20 raw bytes), or -1. */
  find(oid: Buffer): number {
    const first = oid[0] ?? 0;
    let lo = first === 0 ? 0 : (this.fanout[first - 1] ?? 0);
    let hi = (this.fanout[first] ?? 0) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.ids.compare(oid, 0, 20, mid * 20, mid * 20 + 20);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  offsetAt(pos: number): number {
    return this.offsets[pos] ?? -1;
  }

  oidAt(pos: number): string {
    return this.ids.toString("hex", pos * 20, pos * 20 + 20);
  }

  /** Where the entry at `offset` ends: the next entry's start, or the trailer. */
  endOf(offset: number, packSize: number): number {
    const { offsets } = this.offsetOrder();
    const i = upperBound(offsets, offset);
    return i < offsets.length ? (offsets[i] as number) : packSize - 20;
  }

  /** The object whose entry starts at `offset` (for ofs-delta bases), or undefined. */
  oidAtOffset(offset: number): string | undefined {
    const { offsets, positions } = this.offsetOrder();
    const i = upperBound(offsets, offset) - 1;
    return i >= 0 && offsets[i] === offset ? this.oidAt(positions[i] as number) : undefined;
  }

  private offsetOrder(): { offsets: Float64Array; positions: Uint32Array } {
    if (!this.byOffset) {
      const positions = new Uint32Array(this.count);
      for (let i = 0; i < this.count; i++) positions[i] = i;
      positions.sort((a, b) => (this.offsets[a] as number) - (this.offsets[b] as number));
      const offsets = new Float64Array(this.count);
      for (let i = 0; i < this.count; i++) offsets[i] = this.offsets[positions[i] as number] as number;
      this.byOffset = { offsets, positions };
    }
    return this.byOffset;
  }
}

/** First index whose value is greater than `v`. */
function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
