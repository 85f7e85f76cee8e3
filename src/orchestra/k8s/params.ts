/** The k8s driver's parameters: `k8s://NAMESPACE?key=value&...`. */
import * as z from "zod";
import { parseParams } from "../params.ts";

const seconds = z
  .string()
  .regex(/^[1-9][0-9]*$/, "must be a whole number of seconds")
  .transform(Number);

/** A Kubernetes quantity as storage requests take it: 512Mi, 10Gi, 1000000000. */
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/, "must be a quantity such as 1Gi");

const schema = z.object({
  /** path of a kubeconfig file; without it: $KUBECONFIG, ~/.kube/config, then the in-cluster service account */
  kubeconfig: z.string().min(1).optional(),
  /** a context of the kubeconfig other than its current one */
  context: z.string().min(1).optional(),
  /**
   * `pvc`: one PersistentVolumeClaim per volume, shared by the tasks that mount it.
   * `emptyDir`: for clusters without storage; a volume lives and dies with one pod, so
   * tasks cannot hand files to each other.
   */
  storage: z.enum(["pvc", "emptyDir"]).default("pvc"),
  storageClass: z.string().min(1).optional(),
  /** ReadWriteOnce lets tasks share a claim one node at a time; ReadWriteMany across nodes */
  accessMode: z.enum(["ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod"]).default("ReadWriteOnce"),
  /** claim size when createVolume is given none */
  volumeSize: quantity.default("1Gi"),
  /**
   * `split`: stdout and stderr read apart through the log endpoint's `stream` selector
   * (Kubernetes >= 1.32 with the PodLogsQuerySplitStreams feature gate).
   * `merged`: one log, all of it to stdout, for clusters without that gate.
   */
  streams: z.enum(["split", "merged"]).default("split"),
  /** how long a pod may take to start its container (scheduling, image pull) */
  startTimeout: seconds.default(300),
  /** how long close() waits for the namespace's pods and claims to be gone */
  closeTimeout: seconds.default(120),
});

export type K8sParams = z.output<typeof schema>;

export function parseK8sParams(params: Record<string, string>): K8sParams {
  return parseParams("k8s", schema, params);
}
