/**
 * A fake Kubernetes API server for the k8s driver's tests: the calls the driver
 * makes (server.ts), pods that really run as host processes (fake-pod.ts), and
 * claims as folders (cluster.ts). Every request is recorded, so tests can
 * assert the pod and claim specs the driver sent; requests the fake was not
 * written for are answered 400 and listed in `unexpected`.
 */
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeCluster } from "./cluster.ts";
import { createHandlers, type Fault, type RecordedRequest } from "./server.ts";

export type { Fault, RecordedRequest } from "./server.ts";
export type { FakeCluster } from "./cluster.ts";

/** What Docker gives images that set no PATH; the fake's images run host programs through it. */
export const IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface K8sFakeOptions {
  /** namespaces that exist (creating in another one is a 404, as on a cluster) */
  namespaces?: readonly string[];
  /** images the fake "has": name -> the image's environment; default: a PATH only */
  images?: Record<string, Record<string, string>> | readonly string[];
  /** what GET /version reports; default 1.33 */
  version?: { major: number; minor: number };
  /** the PodLogsQuerySplitStreams feature gate; default on */
  splitStreams?: boolean;
}

export interface K8sFake {
  url: string;
  token: string;
  /** a kubeconfig file pointing at the fake, its context on the first namespace */
  kubeconfigPath: string;
  requests: RecordedRequest[];
  unexpected: string[];
  cluster: FakeCluster;
  /** the next request matching the fault's method and path gets its failure instead */
  fail(fault: Fault): void;
  /** what of a jetway namespace still exists: pods, claims, processes */
  leftovers(namespace: string, label: string): string[];
  close(): Promise<void>;
}

export async function startK8sFake(options: K8sFakeOptions = {}): Promise<K8sFake> {
  const root = await mkdtemp(join(tmpdir(), "jetway-k8s-fake-"));
  const namespaces = options.namespaces ?? ["jetway-test"];
  const images = Array.isArray(options.images)
    ? Object.fromEntries(options.images.map((name) => [name, { PATH: IMAGE_PATH }]))
    : ((options.images as Record<string, Record<string, string>> | undefined) ?? {});
  const cluster = new FakeCluster({ root, images });
  const token = `fake-token-${Math.random().toString(36).slice(2)}`;
  const recorder = { requests: [] as RecordedRequest[], unexpected: [] as string[], faults: [] as Fault[] };
  const { onRequest, onUpgrade } = createHandlers(
    cluster,
    { token, namespaces, version: options.version ?? { major: 1, minor: 33 }, splitStreams: options.splitStreams ?? true },
    recorder,
  );
  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      recorder.unexpected.push(`fake failed on ${req.method} ${req.url}: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on("upgrade", onUpgrade);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigPath = join(root, "kubeconfig");
  // JSON is YAML: client-node reads it as a kubeconfig
  await writeFile(
    kubeconfigPath,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "fake", cluster: { server: url, "insecure-skip-tls-verify": true } }],
      users: [{ name: "fake", user: { token } }],
      contexts: [{ name: "fake", context: { cluster: "fake", user: "fake", namespace: namespaces[0] } }],
      "current-context": "fake",
    }),
  );
  return {
    url,
    token,
    kubeconfigPath,
    requests: recorder.requests,
    unexpected: recorder.unexpected,
    cluster,
    fail(fault) {
      recorder.faults.push({ ...fault });
    },
    leftovers(namespace, label) {
      const found: string[] = [];
      for (const pod of cluster.pods.values()) {
        if (pod.body.metadata.labels?.[label] !== namespace) continue;
        found.push(`pod ${pod.namespace}/${pod.name}`);
        if (pod.pid !== undefined) found.push(`process ${pod.pid} of pod ${pod.name}`);
      }
      for (const claim of cluster.claims.values()) {
        if (claim.body.metadata.labels?.[label] === namespace) found.push(`claim ${claim.namespace}/${claim.body.metadata.name}`);
      }
      return found;
    },
    async close() {
      await cluster.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
