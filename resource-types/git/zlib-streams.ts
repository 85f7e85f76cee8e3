/**
 * Inflates the many small zlib streams of a pack, each of a size known in
 * advance, and says where each one ends (the pack records no lengths).
 *
 * Why not `zlib.inflateSync`: every call builds a stream object and a fresh
 * zlib state, about 13 us, which on a pack of 25,000 objects is 330 ms of
 * set-up for 40 ms of inflating. Here one Inflate's native handle is driven
 * directly with the call `inflateSync` itself makes (`_handle.writeSync`),
 * and reset between streams. The handle is internal to Node, so its shape is
 * checked once and `inflateSync` is the fallback wherever it differs; errors
 * are always re-read through `inflateSync` for its wording.
 */
import zlib from "node:zlib";

export interface Inflated {
  /** `prefix` bytes left for the caller, then the stream's `size` bytes */
  data: Buffer;
  /** bytes of input the stream took, trailer included */
  used: number;
}

interface NativeHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
}

interface Engine {
  stream: zlib.Inflate;
  handle: NativeHandle;
  /** [avail_out, avail_in] after each write */
  state: Uint32Array;
}

/** Thrown when the input given ends before the stream does: the caller may retry with more. */
export class ShortInput extends Error {}

export class ZlibStreams {
  private engine: Engine | undefined;
  /** false once the native handle turned out not to have the expected shape */
  private native: boolean;

  constructor(options: { native?: boolean } = {}) {
    this.native = options.native ?? true;
  }

  /**
   * Inflates the stream starting at `input[start]`, which must produce exactly
   * `size` bytes; `input[start..end)` must hold the whole stream (more is fine).
   * The output is preceded by `prefix` unwritten bytes (room for a header).
   */
  inflate(input: Buffer, start: number, end: number, size: number, prefix = 0): Inflated {
    // one spare byte: a stream longer than `size` fills it and is caught
    const out = Buffer.allocUnsafe(prefix + size + 1);
    const used = this.inflateInto(input, start, end, size, out, prefix);
    return { data: out.subarray(0, prefix + size), used };
  }

  /**
   * The same into `out` from `at`, which must have room for `size + 1`
   * bytes (the spare one catches a stream longer than `size`); returns the
   * input bytes used. Lets a caller reuse one buffer for many objects.
   */
  inflateInto(input: Buffer, start: number, end: number, size: number, out: Buffer, at: number): number {
    if (out.length < at + size + 1) throw new RangeError("inflateInto: no room for size + 1 bytes");
    if (this.native) {
      const engine = this.engine ?? this.open();
      if (engine) {
        engine.handle.writeSync(zlib.constants.Z_FINISH, input, start, end - start, out, at, size + 1);
        // a zlib error destroys the stream synchronously (its onerror handler)
        if (!engine.stream.destroyed) {
          const produced = size + 1 - (engine.state[0] ?? 0);
          const used = end - start - (engine.state[1] ?? 0);
          engine.handle.reset();
          if (produced === size) return used;
        } else this.engine = undefined;
      }
    }
    const slow = this.slow(input, start, end, size);
    slow.data.copy(out, at);
    return slow.used;
  }

  private open(): Engine | undefined {
    const stream = zlib.createInflate();
    // errors are read from `destroyed`; the event would otherwise be unhandled
    stream.on("error", () => undefined);
    const internals = stream as unknown as { _handle?: Partial<NativeHandle>; _writeState?: unknown };
    const handle = internals._handle;
    const state = internals._writeState;
    if (typeof handle?.writeSync !== "function" || typeof handle.reset !== "function" || !(state instanceof Uint32Array) || state.length < 2) {
      this.native = false;
      stream.destroy();
      return undefined;
    }
    this.engine = { stream, handle: handle as NativeHandle, state };
    return this.engine;
  }

  /** Whether inflation goes through the reused native state (false after a fallback). */
  usesNativeState(): boolean {
    return this.native;
  }

  /** The documented path: also what turns any failure into an error with zlib's own words. */
  private slow(input: Buffer, start: number, end: number, size: number): Inflated {
    let result: { buffer: Buffer; engine: zlib.Inflate };
    try {
      result = zlib.inflateSync(input.subarray(start, end), { info: true, chunkSize: Math.max(64, size + 1) }) as unknown as typeof result;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "Z_BUF_ERROR") throw new ShortInput("zlib stream runs past the input");
      throw e;
    }
    if (result.buffer.length !== size) {
      throw new Error(`zlib stream inflates to ${result.buffer.length} bytes, the pack says ${size}`);
    }
    return { data: result.buffer, used: result.engine.bytesWritten };
  }

  close(): void {
    this.engine?.stream.destroy();
    this.engine = undefined;
  }
}
