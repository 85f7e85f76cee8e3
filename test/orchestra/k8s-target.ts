/**
 * The k8s driver's conformance targets: the API fake (always), and a real
 * cluster from KUBECONFIG (k8s-cluster.test.ts, opt-in).
 */
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { NAMESPACE_LABEL } from "../../src/orchestra/index.ts";
import { startK8sFake } from "./k8s-fake/index.ts";
import type { DriverTarget, TargetEnv } from "./targets.ts";

/** The fake runs commands on the host: this name stands for an image with sh, echo, cat, env and sleep. */
export const FAKE_SHELL_IMAGE = "busybox:1.36";
export const MISSING_IMAGE = "jetway/orchestra-test-missing:none";

export const k8sFakeTarget: DriverTarget = {
  name: "k8s (API fake)",
  driver: "k8s",
  async setup(): Promise<TargetEnv> {
    const fake = await startK8sFake({ namespaces: ["jetway-test"], images: [FAKE_SHELL_IMAGE] });
    return {
      spec: `k8s://jetway-test?kubeconfig=${encodeURIComponent(fake.kubeconfigPath)}`,
      shellImage: FAKE_SHELL_IMAGE,
      missingImage: MISSING_IMAGE,
      leftovers: async (namespace) => fake.leftovers(namespace, NAMESPACE_LABEL),
      async teardown() {
        const unexpected = [...fake.unexpected];
        await fake.close();
        // the driver's API use is pinned: a call the fake was not written for fails the suite
        if (unexpected.length > 0) throw new Error(`the k8s fake got requests it does not serve: ${unexpected.join("; ")}`);
      },
    };
  },
};

/**
 * A real cluster: the kubeconfig from KUBECONFIG, the Kubernetes namespace from
 * JETWAY_K8S_NAMESPACE (default "default"), an image with a POSIX shell from
 * JETWAY_K8S_SHELL_IMAGE (default busybox:1.36), extra driver parameters from
 * JETWAY_K8S_PARAMS (e.g. "storageClass=standard").
 */
export const k8sClusterTarget: DriverTarget = {
  name: "k8s (cluster from KUBECONFIG)",
  driver: "k8s",
  async setup(): Promise<TargetEnv> {
    const k8sNamespace = process.env.JETWAY_K8S_NAMESPACE || "default";
    const params = process.env.JETWAY_K8S_PARAMS;
    const kc = new KubeConfig();
    kc.loadFromDefault();
    const core = kc.makeApiClient(CoreV1Api);
    return {
      spec: `k8s://${k8sNamespace}${params ? `?${params}` : ""}`,
      shellImage: process.env.JETWAY_K8S_SHELL_IMAGE || "busybox:1.36",
      missingImage: MISSING_IMAGE,
      async leftovers(namespace) {
        const labelSelector = `${NAMESPACE_LABEL}=${namespace}`;
        const pods = await core.listNamespacedPod({ namespace: k8sNamespace, labelSelector });
        const claims = await core.listNamespacedPersistentVolumeClaim({ namespace: k8sNamespace, labelSelector });
        return [...pods.items.map((p) => `pod ${p.metadata?.name}`), ...claims.items.map((c) => `claim ${c.metadata?.name}`)];
      },
    };
  },
};
