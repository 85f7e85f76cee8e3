/** What a k8s driver shares with its containers and volumes. */
import type { KubeConfig } from "@kubernetes/client-node";
import type { OnceWarner } from "../warnings.ts";
import type { K8sApi } from "./api.ts";
import type { K8sParams } from "./params.ts";

export interface K8sContext {
  /** the jetway namespace */
  readonly namespace: string;
  readonly kubeConfig: KubeConfig;
  readonly api: K8sApi;
  readonly params: K8sParams;
  readonly warn: OnceWarner;
  /** resolves once the server is known to keep stdout and stderr apart (streams=split) */
  splitStreamsSupported(): Promise<void>;
}
