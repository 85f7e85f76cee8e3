/**
 * Sidecar and init on a real cluster, opt-in: runs when KUBECONFIG and
 * JETWAY_K8S_JETWAY_IMAGE are set. The jetway image must hold node >= 22 and
 * jetway's CLI (dist/cli/ whole) with its entry at JETWAY_K8S_JETWAY_CLI (default
 * /usr/local/lib/jetway/jetway.js): `npm run images` builds jetway/jetway so, to
 * be pushed where the cluster pulls from; the init strategy's step container is
 * JETWAY_K8S_NODE_IMAGE (default node:24-slim). The namespace and driver
 * parameters are the orchestra suite's (JETWAY_K8S_NAMESPACE, JETWAY_K8S_PARAMS).
 * No cluster exists on this machine or in CI, so the skip is expected there:
 * the API fake runs the same strategies in k8s-pods.test.ts and conformance.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../resource-types/index.ts";
import { DEFAULT_JETWAY_CLI, NativeFirstExecutor, type DeliveryChoice } from "../../src/executor/index.ts";
import { createDriver } from "../../src/orchestra/index.ts";
import type { Driver } from "../../src/orchestra/types.ts";
import { uniqueNamespace } from "./drivers.ts";

const NAME = "executor: sidecar and init on a cluster from KUBECONFIG";
const jetwayImage = process.env.JETWAY_K8S_JETWAY_IMAGE;

if (process.env.KUBECONFIG && jetwayImage) {
  describe(NAME, () => {
    let driver: Driver;
    beforeAll(async () => {
      const params = process.env.JETWAY_K8S_PARAMS;
      driver = await createDriver(`k8s://${process.env.JETWAY_K8S_NAMESPACE || "default"}${params ? `?${params}` : ""}`, { namespace: uniqueNamespace("exec") });
    });
    afterAll(async () => {
      await driver?.close();
    });

    for (const delivery of ["sidecar", "init"] satisfies DeliveryChoice[]) {
      it(`${delivery}: a mock get answers as in-process does`, { timeout: 600_000 }, async () => {
        const executor = new NativeFirstExecutor({
          registry: createDefaultRegistry(),
          delivery,
          jetwayImage,
          jetwayCli: process.env.JETWAY_K8S_JETWAY_CLI || DEFAULT_JETWAY_CLI,
          nodeImage: process.env.JETWAY_K8S_NODE_IMAGE || "node:24-slim",
        });
        const volume = await driver.createVolume(`get-${delivery}`);
        const result = await executor.run(
          { op: "in", resourceName: "m", type: "mock", request: { source: {}, version: { version: "5" } }, volume, env: {}, stderr: () => undefined },
          driver,
        );
        expect(result.response).toEqual({ version: { version: "5" }, metadata: null });
        expect(result.how).toMatch(delivery === "sidecar" ? /^native, jetway container / : /^native, copied by an init container /);
      });
    }
  });
} else {
  const reason = "KUBECONFIG and JETWAY_K8S_JETWAY_IMAGE are not both set; no cluster exists on this machine or in CI (the API fake runs these strategies)";
  console.warn(`[skip] ${NAME}: ${reason}`);
  describe.skip(`${NAME} [skipped: ${reason}]`, () => {
    it("runs sidecar and init on the cluster", () => undefined);
  });
}
