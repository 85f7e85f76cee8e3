/**
 * One ListObjectsV2 page, read by list-xml.ts rather than by the SDK. The
 * SDK still builds, signs, sends and retries the request and words every
 * failure; only a successful ListBucketResult body is taken from it, read
 * lean, and replaced by an empty result so its own reader has nothing to do.
 */
import { ListObjectsV2Command, type ListObjectsV2CommandInput, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import type { S3Access } from "./client.ts";
import { readListBucketResult, type ListPage } from "./list-xml.ts";
import { send } from "./send.ts";

export type { ListPage } from "./list-xml.ts";

const EMPTY_RESULT = new TextEncoder().encode("<ListBucketResult></ListBucketResult>");

interface RawResponse {
  statusCode: number;
  body?: Readable | Uint8Array;
}

async function bytesOf(body: Readable | Uint8Array): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(b);
    length += b.length;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

export async function listObjectsPage(access: S3Access, input: ListObjectsV2CommandInput, signal: AbortSignal): Promise<ListPage> {
  const command = new ListObjectsV2Command(input);
  let lean: ListPage | null = null;
  command.middlewareStack.addRelativeTo(
    ((next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
      lean = null; // each attempt starts over
      const result = await next(args);
      const response = result.response as RawResponse;
      if (response.statusCode >= 200 && response.statusCode < 300 && response.body !== undefined) {
        const bytes = await bytesOf(response.body);
        lean = readListBucketResult(bytes);
        response.body = lean !== null ? EMPTY_RESULT : bytes;
      }
      return result;
    }) as never,
    // innermost: before the SDK's check for errors sent with a 200 and before its reader
    { relation: "after", toMiddleware: "throw200ExceptionsMiddleware", name: "jetwayLeanListing", override: true } as never,
  );
  const output = await send<ListObjectsV2CommandOutput>(access, "ListObjectsV2", command, signal);
  const page = lean as ListPage | null;
  if (page !== null) return page;
  return {
    keys: (output.Contents ?? []).map((o) => o.Key ?? ""),
    prefixes: (output.CommonPrefixes ?? []).map((p) => p.Prefix ?? ""),
    isTruncated: output.IsTruncated === true,
    nextContinuationToken: output.NextContinuationToken,
  };
}
