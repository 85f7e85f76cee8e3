/**
 * Local paths and file:// URIs, with no git binary.
 *
 * Design: the server side of the git protocol runs in process. GET info/refs
 * answers with an advertisement built from the repository's refs; POST
 * git-upload-pack walks history (commit-walk.ts) and streams a pack of whole
 * objects (pack-writer.ts); POST git-receive-pack stores the pushed pack and
 * updates refs under git's lock files (receive-pack.ts). The bytes on the
 * wire are ordinary protocol v1, so isomorphic-git's clone, fetch (including
 * depth, since, exclude and relative deepening) and push run unchanged, and
 * check/in/out treat a local remote exactly like an HTTP one.
 *
 * Rejected alternatives: copying objects directory to directory (git's
 * --local hardlinking) bypasses isomorphic-git's fetch, so refs, shallow files
 * and tag handling would need a second implementation per command; and
 * pointing isomorphic-git at the source as if it were the destination cannot
 * express push at all.
 */
import { advertise } from "./advertise.ts";
import { abortedError } from "./guard.ts";
import { LocalRepo } from "./local-repo.ts";
import { bodyStream } from "./pktline.ts";
import { serveReceivePack } from "./receive-pack.ts";
import { decodeSmartCall, okResponse, once, servicePreamble, syntheticUrl } from "./synthetic.ts";
import type { GitHttpRequest, GitHttpResponse, HttpClient } from "./types.ts";
import { parseUploadPackRequest, serveUploadPack } from "./upload-pack.ts";

export interface LocalTransport {
  url: string;
  http: HttpClient;
  close(): Promise<void>;
}

export function createLocalTransport(path: string, options: { signal?: AbortSignal | undefined } = {}): LocalTransport {
  let repo: Promise<LocalRepo> | undefined;
  const openRepo = (): Promise<LocalRepo> => {
    repo ??= LocalRepo.open(path);
    // a failed open (path missing) is retried next time: the repository may appear
    repo.catch(() => (repo = undefined));
    return repo;
  };

  async function request(req: GitHttpRequest): Promise<GitHttpResponse> {
    const signal = req.signal ?? options.signal;
    if (signal?.aborted) throw abortedError();
    const { service, phase } = decodeSmartCall(req.url, req.method);
    const r = await openRepo();
    if (phase === "advertise") {
      const ad = await advertise(r, service);
      return okResponse(req.url, "GET", `application/x-${service}-advertisement`, once(servicePreamble(service), ad));
    }
    const body =
      service === "git-upload-pack"
        ? await serveUploadPack(r, await parseUploadPackRequest(bodyStream(req.body)), signal)
        : await serveReceivePack(r, bodyStream(req.body));
    return okResponse(req.url, "POST", `application/x-${service}-result`, abortable(body, signal));
  }

  return {
    url: syntheticUrl("local", path),
    http: { request },
    async close() {
      const r = await repo?.catch(() => undefined);
      repo = undefined;
      r?.close();
    },
  };
}

async function* abortable(source: AsyncGenerator<Uint8Array>, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (signal?.aborted) throw abortedError();
    yield chunk;
  }
}
