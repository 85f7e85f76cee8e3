/**
 * The k8s driver: `k8s://NAMESPACE?kubeconfig=PATH&...`. NAMESPACE is the
 * Kubernetes namespace (default: the kubeconfig context's, else "default");
 * parameters are described in params.ts and docs/architecture.md.
 */
import { JetwayError } from "../../protocol/errors.ts";
import { validateNamespace } from "../names.ts";
import type { DriverFactory } from "../types.ts";
import { warnOnce } from "../warnings.ts";
import { K8sDriver } from "./driver.ts";
import { loadKubeConfig } from "./kubeconfig.ts";
import { parseK8sParams } from "./params.ts";

export { K8sDriver } from "./driver.ts";
export { cpuMillicores } from "./pod-manifest.ts";
export { claimName, namespaceSelector, podName, CONTAINER_NAME } from "./names.ts";

const K8S_NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const k8sDriver: DriverFactory = {
  name: "k8s",
  async create(options) {
    const namespace = validateNamespace(options.namespace);
    const params = parseK8sParams(options.params);
    const { kubeConfig, contextNamespace } = loadKubeConfig(params.kubeconfig, params.context);
    const k8sNamespace = options.target ?? contextNamespace ?? "default";
    if (k8sNamespace.length > 63 || !K8S_NAMESPACE.test(k8sNamespace)) {
      throw new JetwayError("INVALID_CONFIG", `k8s driver: ${JSON.stringify(k8sNamespace)} is not a Kubernetes namespace name`);
    }
    const warn = warnOnce(options.warn);
    if (params.streams === "merged") {
      warn("streams", "k8s driver: streams=merged: a task's stderr is read as part of its stdout");
    }
    return new K8sDriver({ namespace, k8sNamespace, kubeConfig, params, warn });
  },
};
