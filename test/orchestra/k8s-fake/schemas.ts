/**
 * The pod and claim bodies the fake accepts. Strict on purpose: a field the fake
 * does not understand would be silently ignored, and a test would pass while
 * the driver relied on something the fake never did. A real API server would
 * take more; growing these schemas means teaching the fake the field too.
 */
import * as z from "zod";

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);
const labelValue = z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/).max(63);
const labelKey = z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/);
const absolutePath = z.string().startsWith("/");

const metadata = z.strictObject({
  name: dnsLabel,
  labels: z.record(labelKey, labelValue).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const container = z.strictObject({
  name: dnsLabel,
  image: z.string().min(1),
  command: z.array(z.string()).min(1),
  env: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).optional(),
  workingDir: absolutePath.optional(),
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  securityContext: z
    .strictObject({
      runAsUser: z.number().int().nonnegative().optional(),
      runAsGroup: z.number().int().nonnegative().optional(),
      privileged: z.boolean().optional(),
    })
    .optional(),
  resources: z.strictObject({ limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }) }).optional(),
  volumeMounts: z.array(z.strictObject({ name: dnsLabel, mountPath: absolutePath, readOnly: z.boolean().optional() })).optional(),
});

const volume = z.union([
  z.strictObject({ name: dnsLabel, persistentVolumeClaim: z.strictObject({ claimName: dnsLabel }) }),
  z.strictObject({ name: dnsLabel, emptyDir: z.strictObject({}) }),
]);

export const podBody = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Pod"),
  metadata,
  spec: z.strictObject({
    restartPolicy: z.literal("Never"),
    automountServiceAccountToken: z.boolean().optional(),
    enableServiceLinks: z.boolean().optional(),
    initContainers: z.array(container).optional(),
    containers: z.array(container).length(1),
    volumes: z.array(volume).optional(),
  }),
});

export const claimBody = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("PersistentVolumeClaim"),
  metadata,
  spec: z.strictObject({
    accessModes: z.array(z.enum(["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"])).min(1),
    resources: z.strictObject({ requests: z.strictObject({ storage: quantity }) }),
    storageClassName: z.string().min(1).optional(),
  }),
});

export type PodBody = z.infer<typeof podBody>;
export type ClaimBody = z.infer<typeof claimBody>;

/** One line naming where a body breaks the schema, as the API server's 422 messages do. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  if (issue.code === "unrecognized_keys") {
    const at = issue.path.join(".");
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(at ? `${at}.${k}` : k)).join(", ")}`;
  }
  return `${issue.path.join(".") || "body"}: ${issue.message}`;
}
