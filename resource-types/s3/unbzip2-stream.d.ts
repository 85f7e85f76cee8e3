declare module "unbzip2-stream" {
  import type { Duplex } from "node:stream";
  /** A transform from bzip2 data to its decompressed bytes. */
  export default function unbzip2(): Duplex;
}
