/**
 * pkt-line framing (gitprotocol-common): a 4-hex-digit length that counts
 * itself, "0000" as flush. The SSH and local transports speak it directly.
 */

export const FLUSH = Buffer.from("0000");
/** Largest side-band-64k payload: 65520-byte packets minus length and band byte. */
export const SIDEBAND_MAX = 65515;

export function pkt(line: string | Uint8Array): Buffer {
  const data = typeof line === "string" ? Buffer.from(line, "utf8") : Buffer.from(line);
  const len = data.length + 4;
  if (len > 65520) throw new RangeError(`pkt-line too long (${len} bytes)`);
  return Buffer.concat([Buffer.from(len.toString(16).padStart(4, "0")), data]);
}

/** Wraps bytes for side-band-64k band 1 (data), 2 (progress) or 3 (fatal error). */
export function* sideband(band: 1 | 2 | 3, data: Uint8Array): Generator<Buffer> {
  for (let i = 0; i < data.length; i += SIDEBAND_MAX) {
    const chunk = data.subarray(i, i + SIDEBAND_MAX);
    const out = Buffer.allocUnsafe(chunk.length + 5);
    out.write((chunk.length + 5).toString(16).padStart(4, "0"), 0, "latin1");
    out[4] = band;
    out.set(chunk, 5);
    yield out;
  }
}

/**
 * Pulls pkt-lines from a byte stream, keeping whatever follows the last one
 * read so the caller can go on with raw bytes (a pack follows the commands).
 */
export class PktReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Uint8Array>;
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.it =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : toAsync(source as Iterable<Uint8Array>);
  }

  private async fill(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.ended) {
      const { value, done } = await this.it.next();
      if (done) this.ended = true;
      else if (value.length > 0) this.buf = this.buf.length === 0 ? Buffer.from(value) : Buffer.concat([this.buf, value]);
    }
    return this.buf.length >= n;
  }

  /** A line's payload, null for a flush (or delim), undefined at a clean end of stream. */
  async read(): Promise<Buffer | null | undefined> {
    if (!(await this.fill(4))) {
      if (this.buf.length === 0) return undefined;
      throw new Error("stream ended inside a pkt-line header");
    }
    const hex = this.buf.subarray(0, 4).toString("latin1");
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`malformed pkt-line header ${JSON.stringify(hex)}`);
    const len = parseInt(hex, 16);
    if (len < 4) {
      this.buf = this.buf.subarray(4);
      return null;
    }
    if (!(await this.fill(len))) throw new Error("stream ended inside a pkt-line");
    const line = this.buf.subarray(4, len);
    this.buf = this.buf.subarray(len);
    return line;
  }

  /** Reads lines through the next flush, returning the raw bytes consumed (flush included). */
  async readThroughFlush(): Promise<{ raw: Buffer; lines: Buffer[] }> {
    const raw: Buffer[] = [];
    const lines: Buffer[] = [];
    for (;;) {
      const line = await this.read();
      if (line === undefined) throw new Error("stream ended before a flush-pkt");
      if (line === null) {
        raw.push(FLUSH);
        return { raw: Buffer.concat(raw), lines };
      }
      raw.push(pkt(line));
      lines.push(line);
    }
  }

  /** Everything not yet consumed, as a stream. */
  async *rest(): AsyncGenerator<Buffer> {
    if (this.buf.length > 0) {
      const b = this.buf;
      this.buf = Buffer.alloc(0);
      yield b;
    }
    while (!this.ended) {
      const { value, done } = await this.it.next();
      if (done) this.ended = true;
      else if (value.length > 0) yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
}

async function* toAsync(source: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* source;
}

/** Turns whatever isomorphic-git passes as a body (array or async iterator) into one async iterable. */
export function bodyStream(body: unknown): AsyncIterable<Uint8Array> {
  if (body == null) return toAsync([]);
  // before the iterable test: a Uint8Array iterates numbers, not chunks
  if (body instanceof Uint8Array) return toAsync([body]);
  if (typeof body === "object" && Symbol.asyncIterator in body) return body as AsyncIterable<Uint8Array>;
  if (typeof body === "object" && Symbol.iterator in body) return toAsync(body as Iterable<Uint8Array>);
  throw new TypeError("unsupported request body");
}

export async function collectBytes(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of source) parts.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  return Buffer.concat(parts);
}
