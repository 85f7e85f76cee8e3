/**
 * The k8s driver against the API fake, beyond the conformance suite: the pod and
 * claim specs it sends, the calls it makes for stdin, logs and close, and how
 * failures of the cluster reach the user.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NAMESPACE_LABEL, TASK_LABEL, VOLUME_LABEL, createDriver, safeName, type Driver, type Task } from "../../src/orchestra/index.ts";
import { claimName, cpuMillicores, namespaceSelector, podName } from "../../src/orchestra/k8s/index.ts";
import { isJetwayError } from "../../src/protocol/errors.ts";
import { collectLogs, expectDriverFailure, runToEnd, uniqueNamespace, waitDone } from "./helpers.ts";
import { startK8sFake, type K8sFake, type RecordedRequest } from "./k8s-fake/index.ts";
import { FAKE_SHELL_IMAGE, MISSING_IMAGE } from "./k8s-target.ts";

const K8S_NS = "jetway-test";
let fake: K8sFake;
const open: Driver[] = [];
let warnings: string[] = [];

beforeAll(async () => {
  fake = await startK8sFake({ namespaces: [K8S_NS], images: [FAKE_SHELL_IMAGE] });
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((d) => d.close()));
  warnings = [];
  expect(fake.unexpected).toEqual([]);
});

function specFor(target: K8sFake, params = "", k8sNamespace = K8S_NS): string {
  return `k8s://${k8sNamespace}?kubeconfig=${encodeURIComponent(target.kubeconfigPath)}${params ? `&${params}` : ""}`;
}

async function newDriver(params = "", namespace = uniqueNamespace("k8s"), target = fake): Promise<Driver> {
  const driver = await createDriver(specFor(target, params), { namespace, warn: (line) => warnings.push(line) });
  open.push(driver);
  return driver;
}

const task = (id: string, command: string[], extra: Partial<Task> = {}): Task => ({ id, image: FAKE_SHELL_IMAGE, command, ...extra });

function sent(method: string, pathEnd: RegExp, target = fake): RecordedRequest[] {
  return target.requests.filter((r) => r.method === method && pathEnd.test(r.path));
}

function podBodyOf(namespace: string, id: string): Record<string, any> | undefined {
  const name = podName(namespace, id);
  return sent("POST", /\/pods$/).find((r) => (r.body as any)?.metadata?.name === name)?.body as Record<string, any> | undefined;
}

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  const result = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(result instanceof Error)) throw new Error("expected a rejection");
  return result;
}

describe("k8s driver: the pod it sends", () => {
  it("maps user, privileged, limits, env, working dir, mounts and stdin into one never-restarted pod", async () => {
    const ns = uniqueNamespace("spec");
    const driver = await newDriver("", ns);
    const { status } = await runToEnd(
      driver,
      task("spec", ["sh", "-c", "cat > /dev/null"], {
        user: "1000:1000",
        privileged: true,
        limits: { cpu: 512, memory: 268435456 },
        env: { A: "1", B: "two words" },
        workingDir: "/tmp/build/spec",
        mounts: [
          { volume: "inputs", path: "in" },
          { volume: "cache", path: "/var/cache/x", readOnly: true },
        ],
        stdin: "data",
      }),
    );
    expect(status).toEqual({ isDone: true, exitCode: 0 });
    expect(podBodyOf(ns, "spec")).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: podName(ns, "spec"),
        labels: { "app.kubernetes.io/managed-by": "jetway", [NAMESPACE_LABEL]: ns, [TASK_LABEL]: safeName("spec") },
        annotations: { "io.jetway.task-id": "spec", [NAMESPACE_LABEL]: ns },
      },
      spec: {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        containers: [
          {
            name: "task",
            image: FAKE_SHELL_IMAGE,
            command: ["sh", "-c", "cat > /dev/null"],
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "two words" },
            ],
            workingDir: "/tmp/build/spec",
            stdin: true,
            stdinOnce: true,
            securityContext: { runAsUser: 1000, runAsGroup: 1000, privileged: true },
            resources: { limits: { cpu: "500m", memory: "268435456" } },
            volumeMounts: [
              { name: "volume-0", mountPath: "/tmp/build/spec/in" },
              { name: "volume-1", mountPath: "/var/cache/x", readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: "volume-0", persistentVolumeClaim: { claimName: claimName(ns, "inputs") } },
          { name: "volume-1", persistentVolumeClaim: { claimName: claimName(ns, "cache") } },
        ],
      },
    });
  });

  it("leaves out what the task does not ask for: no stdin, no security context, no limits, no volumes", async () => {
    const ns = uniqueNamespace("plain");
    const driver = await newDriver("", ns);
    await runToEnd(driver, task("plain", ["true"]));
    const container = podBodyOf(ns, "plain")?.spec.containers[0];
    expect(Object.keys(container).sort()).toEqual(["command", "env", "image", "name", "workingDir"]);
    expect(container.env).toEqual([]);
    expect(podBodyOf(ns, "plain")?.spec.volumes).toBeUndefined();
    // no stdin, so no attach either
    expect(sent("UPGRADE", new RegExp(`/pods/${podName(ns, "plain")}/attach$`))).toEqual([]);
  });

  it("user: root is uid 0; a user name is refused before anything is created", async () => {
    const ns = uniqueNamespace("user");
    const driver = await newDriver("", ns);
    await runToEnd(driver, task("root", ["true"], { user: "root" }));
    expect(podBodyOf(ns, "root")?.spec.containers[0].securityContext).toEqual({ runAsUser: 0 });

    const error = await errorOf(driver.runContainer(task("named", ["true"], { user: "concourse" })));
    expect(isJetwayError(error) && error.code).toBe("DRIVER_FAILED");
    expect(error.message).toContain('user "concourse" is not numeric');
    expect(error.message).toContain("runAsUser");
    expect(podBodyOf(ns, "named")).toBeUndefined();
  });

  it("cpu shares become millicores: 1024 shares are one CPU", () => {
    expect([1024, 512, 2048, 100, 1].map(cpuMillicores)).toEqual([1000, 500, 2000, 98, 1]);
  });

  it("pod names are DNS labels, the same for the same id and distinct for ids that differ only in case", () => {
    const ids = ["Build.Step_1", "build.step_1", "x".repeat(200), "ünïcode id", "-"];
    const names = ids.map((id) => podName("some-namespace", id));
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(new Set(names).size).toBe(ids.length);
    expect(podName("some-namespace", "Build.Step_1")).toBe(names[0]);
    expect(podName("x".repeat(63), "y".repeat(63))).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });
});

describe("k8s driver: volumes", () => {
  it("createVolume makes one claim: size in bytes, storage class and access mode from the parameters; again is a no-op", async () => {
    const ns = uniqueNamespace("claim");
    const driver = await newDriver("storageClass=fast-ssd&accessMode=ReadWriteMany", ns);
    const volume = await driver.createVolume("cache", 5 * 1024 ** 3);
    expect(volume.name).toBe("cache");
    expect(volume.hostPath).toBeUndefined();
    const bodies = sent("POST", /\/persistentvolumeclaims$/).filter((r) => (r.body as any).metadata.labels[NAMESPACE_LABEL] === ns);
    expect(bodies.map((r) => r.body)).toEqual([
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name: claimName(ns, "cache"),
          labels: { "app.kubernetes.io/managed-by": "jetway", [NAMESPACE_LABEL]: ns, [VOLUME_LABEL]: safeName("cache") },
          annotations: { "io.jetway.volume-name": "cache", [NAMESPACE_LABEL]: ns },
        },
        spec: { accessModes: ["ReadWriteMany"], resources: { requests: { storage: "5368709120" } }, storageClassName: "fast-ssd" },
      },
    ]);
    const again = await driver.createVolume("cache", 5 * 1024 ** 3);
    expect(again.name).toBe("cache");
    expect(fake.cluster.claimsIn(K8S_NS, { [NAMESPACE_LABEL]: ns })).toHaveLength(1);
  });

  it("a mounted volume nobody created gets a claim of the default size", async () => {
    const ns = uniqueNamespace("auto");
    const driver = await newDriver("volumeSize=2Gi", ns);
    await runToEnd(driver, task("auto", ["true"], { mounts: [{ volume: "scratch", path: "s" }] }));
    const claim = fake.requests.find((r) => r.method === "POST" && (r.body as any)?.metadata?.name === claimName(ns, "scratch"));
    expect((claim?.body as any).spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } });
  });

  it("storage=emptyDir: no claims, each pod has its own empty volume, and the driver says so once", async () => {
    const ns = uniqueNamespace("empty");
    const driver = await newDriver("storage=emptyDir", ns);
    await driver.createVolume("shared");
    const writer = await runToEnd(driver, task("writer", ["sh", "-c", "echo x > out/file"], { mounts: [{ volume: "shared", path: "out" }] }));
    expect(writer.status).toEqual({ isDone: true, exitCode: 0 });
    const reader = await runToEnd(driver, task("reader", ["sh", "-c", "cat in/file"], { mounts: [{ volume: "shared", path: "in" }] }));
    // what emptyDir means: the second pod does not see the first one's files
    expect(reader.status).toEqual({ isDone: true, exitCode: 1 });
    expect(podBodyOf(ns, "reader")?.spec.volumes).toEqual([{ name: "volume-0", emptyDir: {} }]);
    expect(sent("POST", /\/persistentvolumeclaims$/).filter((r) => (r.body as any).metadata.labels[NAMESPACE_LABEL] === ns)).toEqual([]);
    expect(warnings.filter((w) => w.includes("emptyDir"))).toHaveLength(1);
  });

  it("a claim that is being deleted is a clear error, not a pod left pending", async () => {
    const driver = await newDriver();
    const volume = await driver.createVolume("held");
    const holder = await driver.runContainer(task("holder", ["sleep", "30"], { mounts: [{ volume: "held", path: "h" }] }));
    // the claim is in use, so the API server only marks it for deletion
    await volume.cleanup();
    await expectDriverFailure(driver, task("late", ["true"], { mounts: [{ volume: "held", path: "h" }] }), "is being deleted");
    await holder.cleanup();
  });

  it("a pod that cannot be scheduled fails after startTimeout, naming why", async () => {
    const ns = uniqueNamespace("sched");
    const driver = await newDriver("startTimeout=1", ns);
    await driver.createVolume("gone");
    // someone else deletes the claim behind the driver's back
    const res = await fetch(`${fake.url}/api/v1/namespaces/${K8S_NS}/persistentvolumeclaims/${claimName(ns, "gone")}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${fake.token}` },
    });
    expect(res.status).toBe(200);
    await expectDriverFailure(driver, task("stuck", ["true"], { mounts: [{ volume: "gone", path: "g" }] }), "did not start within 1 s (startTimeout)");
    const error = await errorOf(driver.runContainer(task("stuck", ["true"], { mounts: [{ volume: "gone", path: "g" }] })));
    expect(error.message).toContain(`persistentvolumeclaim "${claimName(ns, "gone")}" not found`);
  });
});

describe("k8s driver: stdin, logs and status", () => {
  it("stdin goes through one attach, stdin only, after the container started", async () => {
    const ns = uniqueNamespace("attach");
    const driver = await newDriver("", ns);
    const { logs } = await runToEnd(driver, task("cat", ["cat"], { stdin: "through attach\n" }));
    expect(logs.stdout.toString()).toBe("through attach\n");
    const attaches = sent("UPGRADE", new RegExp(`/pods/${podName(ns, "cat")}/attach$`));
    expect(attaches.map((r) => r.query)).toEqual([{ container: "task", stdin: "true", stdout: "false", stderr: "false", tty: "false" }]);
    // running it again is the same container: no second pod, no second attach
    await driver.runContainer(task("cat", ["cat"], { stdin: "through attach\n" }));
    expect(sent("UPGRADE", new RegExp(`/pods/${podName(ns, "cat")}/attach$`))).toHaveLength(1);
  });

  it("logs read the log endpoint once per stream; follow asks the server to follow", async () => {
    const ns = uniqueNamespace("logs");
    const driver = await newDriver("", ns);
    const container = await driver.runContainer(task("both", ["sh", "-c", "echo out; echo err >&2"]));
    const followed = await collectLogs(container, true);
    expect(followed.stdout.toString()).toBe("out\n");
    expect(followed.stderr.toString()).toBe("err\n");
    const logPath = new RegExp(`/pods/${podName(ns, "both")}/log$`);
    expect(sent("GET", logPath).map((r) => r.query)).toEqual(
      expect.arrayContaining([
        { container: "task", follow: "true", stream: "Stdout" },
        { container: "task", follow: "true", stream: "Stderr" },
      ]),
    );
    const before = sent("GET", logPath).length;
    await collectLogs(container);
    expect(sent("GET", logPath).slice(before).map((r) => r.query)).toEqual(
      expect.arrayContaining([
        { container: "task", stream: "Stdout" },
        { container: "task", stream: "Stderr" },
      ]),
    );
  });

  it("streams=merged: one log without a stream selector, all of it to stdout, said once", async () => {
    const ns = uniqueNamespace("merged");
    const driver = await newDriver("streams=merged", ns);
    const { logs } = await runToEnd(driver, task("merged", ["sh", "-c", "echo out; sleep 0.1; echo err >&2"]));
    expect(logs.stdout.toString()).toBe("out\nerr\n");
    expect(logs.stderr.toString()).toBe("");
    expect(sent("GET", new RegExp(`/pods/${podName(ns, "merged")}/log$`)).map((r) => r.query)).toEqual([{ container: "task" }]);
    expect(warnings.filter((w) => w.includes("streams=merged"))).toHaveLength(1);
  });

  it("a cluster without the split-streams gate, or older than 1.32, is a clear error naming the way out", async () => {
    const gateOff = await startK8sFake({ namespaces: [K8S_NS], images: [FAKE_SHELL_IMAGE], splitStreams: false });
    const old = await startK8sFake({ namespaces: [K8S_NS], images: [FAKE_SHELL_IMAGE], version: { major: 1, minor: 31 } });
    try {
      const driver = await newDriver("", uniqueNamespace("gate"), gateOff);
      const container = await driver.runContainer(task("t", ["echo", "x"]));
      await waitDone(container);
      const error = await errorOf(collectLogs(container));
      expect(isJetwayError(error) && error.code).toBe("DRIVER_FAILED");
      expect(error.message).toContain("PodLogsQuerySplitStreams");
      expect(error.message).toContain("streams=merged");

      const oldDriver = await newDriver("", uniqueNamespace("old"), old);
      const oldContainer = await oldDriver.runContainer(task("t", ["echo", "x"]));
      const oldError = await errorOf(collectLogs(oldContainer));
      expect(oldError.message).toContain("Kubernetes 1.31 cannot serve stdout and stderr apart");
      expect(oldError.message).toContain("streams=merged");
      // an old server would have ignored `stream`: the driver asked for none
      expect(sent("GET", /\/log$/, old)).toEqual([]);
    } finally {
      await Promise.allSettled(open.splice(0).map((d) => d.close()));
      await gateOff.close();
      await old.close();
    }
  });

  it("a missing image and a command that does not exist name the kubelet's reason", async () => {
    const driver = await newDriver();
    await expectDriverFailure(driver, { id: "no-image", image: MISSING_IMAGE, command: ["true"] }, "cannot be pulled (ErrImagePull");
    await expectDriverFailure(driver, task("no-command", ["jetway-nope"]), "could not be started (StartError)");
    // found again by id, the failure is the same
    const again = await driver.getContainer("no-command");
    const error = await errorOf(again!.status());
    expect(error.message).toContain("jetway-nope");
  });

  it("a second driver on the same namespace finds the pod instead of creating it again", async () => {
    const ns = uniqueNamespace("shared");
    const first = await newDriver("", ns);
    await runToEnd(first, task("once", ["echo", "from the first"]));
    const second = await newDriver("", ns);
    const found = await second.getContainer("once");
    expect(found).toBeDefined();
    expect(await found!.status()).toEqual({ isDone: true, exitCode: 0 });
    expect((await collectLogs(found!)).stdout.toString()).toBe("from the first\n");
    expect(await second.runContainer(task("once", ["echo", "other"]))).toBe(found);
    expect(sent("POST", /\/pods$/).filter((r) => (r.body as any).metadata.name === podName(ns, "once"))).toHaveLength(1);
  });
});

describe("k8s driver: close", () => {
  it("deletes by label selector and leaves other namespaces alone", async () => {
    const a = uniqueNamespace("close-a");
    const b = uniqueNamespace("close-b");
    const driverA = await newDriver("", a);
    const driverB = await newDriver("", b);
    for (const driver of [driverA, driverB]) {
      await driver.createVolume("v");
      await waitDone(await driver.runContainer(task("t", ["true"], { mounts: [{ volume: "v", path: "v" }] })));
    }
    await driverA.close();
    expect(fake.leftovers(a, NAMESPACE_LABEL)).toEqual([]);
    expect(fake.leftovers(b, NAMESPACE_LABEL)).toEqual([`pod ${K8S_NS}/${podName(b, "t")}`, `claim ${K8S_NS}/${claimName(b, "v")}`]);
    const selector = namespaceSelector(a);
    expect(sent("DELETE", /\/pods$/).map((r) => r.query)).toContainEqual({ labelSelector: selector, gracePeriodSeconds: "1" });
    expect(sent("DELETE", /\/persistentvolumeclaims$/).map((r) => r.query)).toContainEqual({ labelSelector: selector });
    expect(await (await driverB.getContainer("t"))!.status()).toEqual({ isDone: true, exitCode: 0 });
  });

  it("falls back to deleting one by one when a collection delete is refused", async () => {
    const ns = uniqueNamespace("fallback");
    const driver = await newDriver("", ns);
    await waitDone(await driver.runContainer(task("t1", ["true"])));
    await waitDone(await driver.runContainer(task("t2", ["true"])));
    fake.fail({
      method: "DELETE",
      path: /\/pods$/,
      status: 403,
      reason: "Forbidden",
      message: 'pods is forbidden: User "ci" cannot deletecollection resource "pods"',
    });
    await driver.close();
    expect(fake.leftovers(ns, NAMESPACE_LABEL)).toEqual([]);
    const single = sent("DELETE", /\/pods\/[^/]+$/).map((r) => r.path);
    expect(single).toEqual(expect.arrayContaining([expect.stringContaining(podName(ns, "t1")), expect.stringContaining(podName(ns, "t2"))]));
    expect(warnings.some((w) => w.includes("cannot deletecollection"))).toBe(true);
  });

  it("says what it could not delete, and a later close finishes the job", async () => {
    const ns = uniqueNamespace("stuck");
    const driver = await newDriver("closeTimeout=1", ns);
    await waitDone(await driver.runContainer(task("t", ["true"])));
    const refuse = { status: 403, reason: "Forbidden", message: "deleting is forbidden today" };
    fake.fail({ method: "DELETE", path: /\/pods$/, ...refuse });
    fake.fail({ method: "DELETE", path: /\/pods\/[^/]+$/, ...refuse });
    const error = await errorOf(driver.close());
    expect(isJetwayError(error) && error.code).toBe("DRIVER_FAILED");
    expect(error.message).toContain(`still has pod ${podName(ns, "t")}`);
    expect(error.message).toContain("deleting is forbidden today");
    expect(error.message).not.toContain("\n");
    await driver.close();
    expect(fake.leftovers(ns, NAMESPACE_LABEL)).toEqual([]);
  });
});

describe("k8s driver: configuration and reaching the cluster", () => {
  it("without a kubeconfig parameter: $KUBECONFIG, and the namespace of its context", async () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = fake.kubeconfigPath;
    try {
      const ns = uniqueNamespace("default");
      const driver = await createDriver("k8s", { namespace: ns });
      open.push(driver);
      await runToEnd(driver, task("t", ["true"]));
      expect(sent("POST", /\/pods$/).find((r) => (r.body as any).metadata.name === podName(ns, "t"))?.path).toBe(`/api/v1/namespaces/${K8S_NS}/pods`);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it("bad parameters are one line naming the key", async () => {
    const cases: Array<[string, string]> = [
      [specFor(fake, "nope=1"), 'unknown parameter "nope"'],
      [specFor(fake, "storage=nfs"), "parameter storage"],
      [specFor(fake, "startTimeout=soon"), "parameter startTimeout"],
      [specFor(fake, "context=elsewhere"), 'no context "elsewhere"'],
      [specFor(fake, "", "Not_A_Namespace"), '"Not_A_Namespace" is not a Kubernetes namespace name'],
      ["k8s://x?kubeconfig=/nonexistent/kubeconfig", "/nonexistent/kubeconfig"],
    ];
    for (const [spec, mention] of cases) {
      const error = await errorOf(createDriver(spec, { namespace: "cfg" }));
      expect(isJetwayError(error) && error.code, spec).toBe("INVALID_CONFIG");
      expect(error.message).toContain(mention);
      expect(error.message).not.toContain("\n");
    }
  });

  it("API failures are DRIVER_FAILED with the server's own message", async () => {
    const driver = await createDriver(specFor(fake, "", "no-such-namespace"), { namespace: uniqueNamespace("api") });
    const error = await errorOf(driver.runContainer(task("t", ["true"])));
    expect(isJetwayError(error) && error.code).toBe("DRIVER_FAILED");
    expect(error.message).toContain('namespaces "no-such-namespace" not found (HTTP 404)');
  });

  it("a refused token and an unreachable server fail at once, in one line", async () => {
    const config = JSON.parse(readFileSync(fake.kubeconfigPath, "utf8"));
    const badToken = `${fake.kubeconfigPath}.bad-token`;
    await writeFile(badToken, JSON.stringify({ ...config, users: [{ name: "fake", user: { token: "wrong" } }] }));
    const unauthorized = await createDriver(`k8s://${K8S_NS}?kubeconfig=${encodeURIComponent(badToken)}`, { namespace: "auth" });
    const denied = await errorOf(unauthorized.runContainer(task("t", ["true"])));
    expect(isJetwayError(denied) && denied.code).toBe("DRIVER_FAILED");
    expect(denied.message).toContain("Unauthorized (HTTP 401)");

    const closedPort = `${fake.kubeconfigPath}.unreachable`;
    const server = `http://127.0.0.1:${await freePort()}`;
    const cluster = { ...config.clusters[0], cluster: { ...config.clusters[0].cluster, server } };
    await writeFile(closedPort, JSON.stringify({ ...config, clusters: [cluster] }));
    const unreachable = await createDriver(`k8s://${K8S_NS}?kubeconfig=${encodeURIComponent(closedPort)}`, { namespace: "down" });
    const refused = await errorOf(unreachable.runContainer(task("t", ["true"])));
    expect(isJetwayError(refused) && refused.code).toBe("DRIVER_FAILED");
    expect(refused.message).toContain(`cannot reach the API server ${server}: ECONNREFUSED`);
    expect(refused.message).not.toContain("\n");
  });
});

describe("k8s fake", () => {
  it("refuses and records requests it was not written for", async () => {
    const headers = { authorization: `Bearer ${fake.token}`, "content-type": "application/json" };
    const configMaps = await fetch(`${fake.url}/api/v1/namespaces/${K8S_NS}/configmaps`, { headers });
    expect(configMaps.status).toBe(400);
    const extraParam = await fetch(`${fake.url}/api/v1/namespaces/${K8S_NS}/pods/x?pretty=true`, { headers });
    expect(extraParam.status).toBe(400);
    const unknownField = await fetch(`${fake.url}/api/v1/namespaces/${K8S_NS}/pods`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "x" },
        spec: { restartPolicy: "Never", hostNetwork: true, containers: [{ name: "task", image: FAKE_SHELL_IMAGE, command: ["true"] }] },
      }),
    });
    expect(unknownField.status).toBe(422);
    expect(fake.unexpected).toEqual([
      `GET /api/v1/namespaces/${K8S_NS}/configmaps`,
      `GET /api/v1/namespaces/${K8S_NS}/pods/x?pretty=true (query parameter pretty)`,
      'pod body: unknown field "spec.hostNetwork"',
    ]);
    fake.unexpected.length = 0;
  });
});
