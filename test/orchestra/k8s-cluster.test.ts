/**
 * The conformance suite against a real cluster, opt-in: it runs when KUBECONFIG
 * is set (see k8s-target.ts for the other JETWAY_K8S_* settings). No cluster can
 * be had on this machine or in CI (../shared/reference/test-services.md), so
 * the skip is expected there and does not fail CI: the API fake stands in for
 * the cluster in drivers.test.ts.
 */
import { describe, it } from "vitest";
import { defineConformanceSuite } from "./conformance.ts";
import { k8sClusterTarget } from "./k8s-target.ts";

const NAME = "orchestra conformance: k8s (cluster from KUBECONFIG)";

if (process.env.KUBECONFIG) {
  describe(NAME, () => defineConformanceSuite(k8sClusterTarget));
} else {
  const reason =
    "KUBECONFIG is not set; no Kubernetes cluster exists on this machine or in CI, so this opt-in suite is skipped there " +
    "(the k8s API fake runs the same suite in drivers.test.ts)";
  console.warn(`[skip] ${NAME}: ${reason}`);
  describe.skip(`${NAME} [skipped: ${reason}]`, () => {
    it("runs the conformance suite on the cluster", () => undefined);
  });
}
