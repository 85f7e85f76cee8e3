/**
 * Which cluster the driver talks to. client-node's loadFromDefault falls back to
 * http://localhost:8080 when nothing is configured, which would only fail later
 * as a refused connection; here a missing configuration is one clear error.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { JetwayError } from "../../protocol/errors.ts";

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export interface LoadedConfig {
  kubeConfig: KubeConfig;
  /** the namespace the context names, if any */
  contextNamespace: string | undefined;
}

export function loadKubeConfig(path: string | undefined, context: string | undefined): LoadedConfig {
  const kc = new KubeConfig();
  try {
    if (path !== undefined) kc.loadFromFile(path);
    else if (process.env.KUBECONFIG || existsSync(join(homedir(), ".kube", "config"))) kc.loadFromDefault();
    else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) kc.loadFromCluster();
    else {
      throw new JetwayError(
        "INVALID_CONFIG",
        "k8s driver: no cluster configured: give kubeconfig=PATH, set KUBECONFIG, or create ~/.kube/config",
      );
    }
  } catch (e) {
    if (e instanceof JetwayError) throw e;
    const where = path ?? process.env.KUBECONFIG ?? "the default kubeconfig";
    throw new JetwayError("INVALID_CONFIG", `k8s driver: cannot load ${where}: ${reason(e)}`, { cause: e });
  }
  if (context !== undefined) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name).join(", ") || "none";
      throw new JetwayError("INVALID_CONFIG", `k8s driver: kubeconfig has no context ${JSON.stringify(context)} (known: ${known})`);
    }
    kc.setCurrentContext(context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new JetwayError("INVALID_CONFIG", `k8s driver: the kubeconfig's current context names no cluster`);
  }
  const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
  return { kubeConfig: kc, contextNamespace: contextNamespace || undefined };
}

function reason(e: unknown): string {
  if (e && typeof e === "object" && "code" in e && typeof e.code === "string") return e.code;
  return e instanceof Error ? e.message : String(e);
}
