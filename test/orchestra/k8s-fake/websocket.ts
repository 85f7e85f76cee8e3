/**
 * The server side of RFC 6455, as much as the attach subresource needs: the
 * handshake with a subprotocol, masked client frames (fragmented or not),
 * ping/pong and the close handshake, unmasked binary frames out. No extensions:
 * the fake does not answer permessage-deflate, so clients send plain frames.
 */
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export interface WebSocketConnection extends EventEmitter {
  on(event: "message", listener: (data: Buffer, binary: boolean) => void): this;
  on(event: "close", listener: () => void): this;
  send(data: Buffer): void;
  close(): void;
}

/** Completes the upgrade with `protocol` and returns the connection. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): WebSocketConnection {
  const key = req.headers["sec-websocket-key"];
  const accept = createHash("sha1").update(`${key}${GUID}`).digest("base64");
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
  return new Connection(socket, head);
}

/** Refuses an upgrade with a plain HTTP answer, as the API server does for a bad attach. */
export function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

class Connection extends EventEmitter implements WebSocketConnection {
  readonly #socket: Duplex;
  #buffer: Buffer;
  #fragments: Buffer[] = [];
  #fragmentBinary = false;
  #closed = false;

  constructor(socket: Duplex, head: Buffer) {
    super();
    this.#socket = socket;
    this.#buffer = Buffer.from(head);
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    socket.on("close", () => this.#finish());
    socket.on("error", () => this.#finish());
    if (this.#buffer.length > 0) queueMicrotask(() => this.#parse());
  }

  send(data: Buffer): void {
    this.#frame(OP_BINARY, data);
  }

  close(): void {
    if (this.#closed) return;
    this.#frame(OP_CLOSE, Buffer.from([0x03, 0xe8]));
    this.#socket.end();
    this.#finish();
  }

  #frame(opcode: number, payload: Buffer): void {
    if (this.#socket.destroyed || this.#socket.writableEnded) return;
    let header: Buffer;
    if (payload.length < 126) header = Buffer.from([0x80 | opcode, payload.length]);
    else if (payload.length < 65536) {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode;
      header[1] = 126;
      header.writeUInt16BE(payload.length, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    this.#socket.write(Buffer.concat([header, payload]));
  }

  #parse(): void {
    for (;;) {
      const buf = this.#buffer;
      if (buf.length < 2) return;
      const fin = (buf[0]! & 0x80) !== 0;
      const opcode = buf[0]! & 0x0f;
      const masked = (buf[1]! & 0x80) !== 0;
      let length = buf[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buf.length < 4) return;
        length = buf.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buf.length < 10) return;
        length = Number(buf.readBigUInt64BE(2));
        offset = 10;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (buf.length < offset + length) return;
      const payload = Buffer.from(buf.subarray(offset, offset + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buf[maskOffset + (i % 4)]!;
      this.#buffer = buf.subarray(offset + length);
      this.#handle(fin, opcode, payload);
    }
  }

  #handle(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_PING:
        this.#frame(OP_PONG, payload);
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        this.close();
        return;
      case OP_TEXT:
      case OP_BINARY:
        this.#fragments = [payload];
        this.#fragmentBinary = opcode === OP_BINARY;
        break;
      case OP_CONTINUATION:
        this.#fragments.push(payload);
        break;
      default:
        this.#socket.destroy();
        return;
    }
    if (fin) {
      const message = Buffer.concat(this.#fragments);
      this.#fragments = [];
      this.emit("message", message, this.#fragmentBinary);
    }
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit("close");
  }
}
