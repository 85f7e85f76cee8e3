/**
 * Docker's multiplexed log stream (containers without a TTY): frames of an
 * 8-byte header (stream type, 3 zero bytes, big-endian payload length) and the
 * payload. Type 1 is stdout, 2 stderr; 3 is an engine error about the stream.
 */
import { JetwayError } from "../../protocol/errors.ts";
import type { LogSink } from "../types.ts";

const HEADER = 8;

export class LogDemuxer {
  readonly #stdout: LogSink;
  readonly #stderr: LogSink;
  #pending: Buffer = Buffer.alloc(0);

  constructor(stdout: LogSink, stderr: LogSink) {
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  push(chunk: Uint8Array): void {
    let buffer = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    while (buffer.length >= HEADER) {
      const size = buffer.readUInt32BE(4);
      if (buffer.length < HEADER + size) break;
      const type = buffer[0];
      const payload = buffer.subarray(HEADER, HEADER + size);
      buffer = buffer.subarray(HEADER + size);
      if (type === 2) this.#stderr(payload);
      else if (type === 3) throw new JetwayError("DRIVER_FAILED", `docker driver: log stream error: ${payload.toString("utf8")}`);
      else if (size > 0) this.#stdout(payload);
    }
    this.#pending = buffer;
  }

  /** The stream ended: a frame cut in the middle means bytes were lost. */
  end(): void {
    if (this.#pending.length > 0) {
      throw new JetwayError("DRIVER_FAILED", `docker driver: log stream ended inside a frame (${this.#pending.length} bytes left)`);
    }
  }
}
