/**
 * The publish path, end to end, against a local registry (Debian docker-registry on
 * loopback, started by .ci/services/registry.sh): push every image, check what the
 * registry holds blob by blob, remove the local registry-named copy, pull it back,
 * and run the type's check fixtures in the pulled image.
 *
 * The locally built `jetway/<type>-resource` tags stay in place (other suites run in
 * parallel on the same engine), so the engine keeps the layers and the pull fetches
 * the manifest and config only; that every layer can be downloaded is proven here
 * instead by fetching each blob from the registry and checking its sha256.
 */
import { createHash } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { docker, followProgress, imageRef, imageRepository, packageVersion } from "../../images/lib.ts";
import { pushImages } from "../../images/push-images.ts";
import { runFixture } from "../golden/harness.ts";
import { createImagePath } from "../golden/image-path.ts";
import { describeWithService } from "../support/services.ts";
import { REGISTRY, ensureImages, fixturesOf, registryService, types } from "./helpers.ts";

const MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

interface Manifest {
  config: { digest: string; size: number };
  layers: Array<{ digest: string; size: number }>;
}

async function blobDigest(name: string, digest: string): Promise<{ digest: string; size: number }> {
  const res = await fetch(`http://${REGISTRY}/v2/${name}/blobs/${digest}`);
  expect(res.status, `blob ${digest}`).toBe(200);
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest("hex")}`, size };
}

await describeWithService(registryService, "images through a registry", () => {
  beforeAll(ensureImages, 300_000);

  for (const type of types) {
    it(`${type}: push, remove, pull back, and the same image gives the same results`, async () => {
      const version = packageVersion();
      const local = await docker().getImage(imageRef(type)).inspect();
      const remoteRef = imageRef(type, version, REGISTRY);
      const name = imageRepository(type); // the repository's name inside the registry

      // push (version and latest)
      const pushed = await pushImages({ registry: REGISTRY, types: [type], log: () => undefined });
      expect(pushed.map((p) => p.ref)).toEqual([remoteRef, imageRef(type, "latest", REGISTRY)]);

      // the registry holds a manifest whose config is this very image, and every blob
      const res = await fetch(`http://${REGISTRY}/v2/${name}/manifests/${version}`, { headers: { accept: MANIFEST_V2 } });
      expect(res.status).toBe(200);
      expect(res.headers.get("docker-content-digest")).toBe(pushed[0]!.digest);
      const manifest = (await res.json()) as Manifest;
      expect(manifest.config.digest).toBe(local.Id);
      expect(manifest.layers.length).toBe(local.RootFS.Layers?.length);
      for (const blob of [manifest.config, ...manifest.layers]) {
        expect(await blobDigest(name, blob.digest)).toEqual({ digest: blob.digest, size: blob.size });
      }

      // remove the registry-named copy, then pull it back
      for (const tag of [version, "latest"]) await docker().getImage(imageRef(type, tag, REGISTRY)).remove();
      await expect(docker().getImage(remoteRef).inspect()).rejects.toThrow();
      await followProgress(await docker().createImage({ fromImage: imageRepository(type, REGISTRY), tag: version }));
      const pulled = await docker().getImage(remoteRef).inspect();
      expect(pulled.Id).toBe(local.Id);
      expect(pulled.Config.Labels).toEqual(local.Config.Labels);

      // the pulled image answers the type's check fixtures as the local one does
      // (passing ones first; a type may have only failing ones that need no server)
      const checks = fixturesOf(type)
        .filter((f) => f.fixture.op === "check")
        .sort((a, b) => a.fixture.expect.exitCode - b.fixture.expect.exitCode)
        .slice(0, 3);
      expect(checks.length).toBeGreaterThan(0);
      const localPath = createImagePath({ name: "local image" });
      const pulledPath = createImagePath({ name: "pulled image", image: () => remoteRef });
      for (const loaded of checks) {
        const before = await runFixture(localPath, loaded);
        const after = await runFixture(pulledPath, loaded);
        expect(before.problems, loaded.name).toEqual([]);
        expect(after.problems, loaded.name).toEqual([]);
        expect(after.output.exitCode).toBe(before.output.exitCode);
        expect(after.output.stderr).toBe(before.output.stderr);
        // byte for byte, unless the expected output depends on the instant of the run
        if (!/\{\{(now|match|hhmm|weekday|date)/.test(loaded.fixture.expect.stdout ?? "{{match")) {
          expect(after.output.stdout).toBe(before.output.stdout);
        }
      }
    }, 120_000);
  }
});
