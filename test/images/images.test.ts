/**
 * Every image (one per `Dockerfile.<type>` at the root), in a real Docker engine:
 * built from the current dist/, labelled, one small layer on a shared base, no
 * git/npm (and, on the local base, no shell), and every golden fixture of its type
 * run inside it as root and as uid 1000, with a read-only root filesystem, a tmpfs
 * /tmp and the destination mounted, giving the in-process path's results.
 * And jetway/jetway (images/jetway/): the same properties where they apply (its
 * entrypoint is the CLI), and a sample of fixtures through its CLI the strict way.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  LOCAL_BASE_IMAGE,
  OVERLAY_LABEL,
  docker,
  imageRef,
  jetwayImageDigest,
  jetwayImageRef,
  overlayDigest,
  packageVersion,
  runContainer,
} from "../../images/lib.ts";
import { DEFAULT_JETWAY_CLI } from "../../src/executor/index.ts";
import { runFixture } from "../golden/harness.ts";
import { inProcessPath } from "../golden/host-paths.ts";
import { createImagePath } from "../golden/image-path.ts";
import { describeWithService } from "../support/services.ts";
import { dockerService, ensureImages, fixturesOf, jetwayCliPath, types } from "./helpers.ts";

const BASE_LABEL = "org.opencontainers.image.base.name";
const MAX_UNIQUE_LAYER_BYTES = 5 * 1024 * 1024;

const rootReadOnly = createImagePath({ name: "image as root, read-only rootfs", readOnly: true });
const userReadOnly = createImagePath({ name: "image as 1000:1000, read-only rootfs", user: "1000:1000", readOnly: true });

/** What a type's image holds, seen from inside by its own node (there is no shell to ask). */
const PROBE = `
const fs = require("fs"), path = require("path");
const exists = (p) => { try { fs.accessSync(p); return true; } catch { return false; } };
const dirs = [...new Set([...(process.env.PATH || "").split(":"), "/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin"])];
const which = (n) => dirs.map((d) => path.join(d, n)).filter(exists);
const ops = {};
for (const op of ["check", "in", "out"]) {
  const p = "/opt/resource/" + op;
  ops[op] = { mode: (fs.statSync(p).mode & 0o777).toString(8), shebang: fs.readFileSync(p, "utf8").split("\\n")[0] };
}
const interpreters = Object.values(ops).map((o) => o.shebang.slice(2).split(" ")[0]);
console.log(JSON.stringify({
  git: which("git"), npm: which("npm"), npx: which("npx"), shells: ["sh", "bash", "dash", "ash"].flatMap(which),
  tmpMode: (fs.statSync("/tmp").mode & 0o7777).toString(8),
  ops, interpretersExecutable: interpreters.every((i) => { try { fs.accessSync(i, fs.constants.X_OK); return true; } catch { return false; } }),
  nodeUser: /^node:x:1000:1000:/m.test(fs.readFileSync("/etc/passwd", "utf8")),
  nodeGroup: /^node:x:1000:/m.test(fs.readFileSync("/etc/group", "utf8")),
}));
`;

interface Probe {
  git: string[];
  npm: string[];
  npx: string[];
  shells: string[];
  tmpMode: string;
  ops: Record<string, { mode: string; shebang: string }>;
  interpretersExecutable: boolean;
  nodeUser: boolean;
  nodeGroup: boolean;
}

/** Total bytes of the files under argv[1], seen from inside the image. */
const FOLDER_BYTES = `
const fs = require("fs"), path = require("path");
const size = (p) => fs.statSync(p).isDirectory() ? fs.readdirSync(p).reduce((n, e) => n + size(path.join(p, e)), 0) : fs.statSync(p).size;
process.stdout.write(String(size(process.argv[1])));
`;

/** What jetway/jetway holds, seen from inside by its own node. */
const CLI_PROBE = `
const fs = require("fs"), path = require("path");
const exists = (p) => { try { fs.accessSync(p); return true; } catch { return false; } };
const dirs = [...new Set([...(process.env.PATH || "").split(":"), "/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin"])];
const which = (n) => dirs.map((d) => path.join(d, n)).filter(exists);
console.log(JSON.stringify({
  git: which("git"), npm: which("npm"), npx: which("npx"), shells: ["sh", "bash", "dash", "ash"].flatMap(which),
  tmpMode: (fs.statSync("/tmp").mode & 0o7777).toString(8),
  files: fs.readdirSync("/usr/local/lib/jetway"),
  packageJson: JSON.parse(fs.readFileSync("/usr/local/lib/jetway/package.json", "utf8")),
  nodeUser: /^node:x:1000:1000:/m.test(fs.readFileSync("/etc/passwd", "utf8")),
}));
`;

interface CliProbe {
  git: string[];
  npm: string[];
  npx: string[];
  shells: string[];
  tmpMode: string;
  files: string[];
  packageJson: unknown;
  nodeUser: boolean;
}

await describeWithService(dockerService, "images", () => {
  beforeAll(ensureImages, 300_000);

  it("one Dockerfile per native type, time and mock at least", () => {
    expect(types).toEqual(expect.arrayContaining(["mock", "time"]));
  });

  it("all images share one base: the same layers under one layer of their own", async () => {
    const refs = [...types.map((t) => imageRef(t)), jetwayImageRef()];
    const layers = await Promise.all(refs.map(async (ref) => (await docker().getImage(ref).inspect()).RootFS.Layers ?? []));
    for (const l of layers) expect(l.slice(0, -1)).toEqual(layers[0]!.slice(0, -1));
  });

  for (const type of types) {
    describe(type, () => {
      const ref = imageRef(type);

      it(`is tagged ${packageVersion()} and latest, built from the current dist/images/${type}`, async () => {
        const info = await docker().getImage(ref).inspect();
        expect((await docker().getImage(imageRef(type, "latest")).inspect()).Id).toBe(info.Id);
        expect(info.Config.Labels?.[OVERLAY_LABEL]).toBe(overlayDigest(type));
      });

      it("carries OCI labels: source, version, revision", async () => {
        const labels = (await docker().getImage(ref).inspect()).Config.Labels ?? {};
        expect(labels["org.opencontainers.image.version"]).toBe(packageVersion());
        expect(labels["org.opencontainers.image.revision"]).toMatch(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
        expect(labels["org.opencontainers.image.source"]).toBeTruthy();
        expect(labels["org.opencontainers.image.title"]).toBe(`jetway-${type}-resource`);
      });

      it("adds one layer under 5 MB to its base, with no RUN step", async () => {
        const image = docker().getImage(ref);
        const info = await image.inspect();
        const baseName = info.Config.Labels?.[BASE_LABEL];
        expect(baseName).toBeTruthy();
        const base = docker().getImage(baseName!);
        const baseLayers = (await base.inspect()).RootFS.Layers ?? [];
        expect(info.RootFS.Layers?.slice(0, -1)).toEqual(baseLayers);
        const history = (await image.history()) as Array<{ CreatedBy: string; Size: number }>;
        const ours = history.slice(0, history.length - ((await base.history()) as unknown[]).length);
        expect(ours.filter((h) => /^RUN |^\/bin\/sh -c (?!#\(nop\))/.test(h.CreatedBy))).toEqual([]);
        const unique = ours.reduce((n, h) => n + h.Size, 0);
        expect(unique).toBeGreaterThan(0);
        expect(unique).toBeLessThan(MAX_UNIQUE_LAYER_BYTES);
      });

      it("holds node-run entry points and no git or npm (nor a shell, on the local base)", async () => {
        const info = await docker().getImage(ref).inspect();
        const run = await runContainer({ image: ref, entrypoint: ["/usr/local/bin/node", "-e", PROBE] });
        expect(run.exitCode, run.stderr).toBe(0);
        const probe = JSON.parse(run.stdout) as Probe;
        for (const op of ["check", "in", "out"]) {
          expect(probe.ops[op]).toEqual({ mode: "755", shebang: "#!/usr/local/bin/node" });
        }
        expect(probe.interpretersExecutable).toBe(true);
        expect(probe.tmpMode).toBe("1777");
        expect(probe.nodeUser && probe.nodeGroup).toBe(true);
        expect(probe.git).toEqual([]);
        if (info.Config.Labels?.[BASE_LABEL] === LOCAL_BASE_IMAGE) {
          // the official base ships npm and a shell; ours proves we need neither
          expect(probe.npm).toEqual([]);
          expect(probe.npx).toEqual([]);
          expect(probe.shells).toEqual([]);
        }
        expect(info.Config.Entrypoint ?? []).toEqual([]);
      });

      const fixtures = fixturesOf(type);
      it("has golden fixtures to run", () => {
        expect(fixtures.length).toBeGreaterThan(0);
      });

      // Every fixture as uid 1000 on a read-only root filesystem (the strictest way to
      // run); the first fixture of each operation also as root, read-only. Root with a
      // writable root filesystem, Concourse's default, is the golden suite's image path.
      const asRootToo = new Set(["check", "in", "out"].map((op) => fixtures.find((f) => f.fixture.op === op)?.name));
      describe.concurrent("golden fixtures inside the image, /opt/resource/<op> as the entrypoint", () => {
        for (const loaded of fixtures) {
          it(loaded.name, async () => {
            // each run has its own instant T, so compare what does not depend on it;
            // the fixture itself pins the exact bytes of each run
            const summary = (o: { output: { exitCode: number }; files: Record<string, string> }) => ({ exitCode: o.output.exitCode, files: Object.keys(o.files) });
            const expected = await runFixture(inProcessPath, loaded);
            expect(expected.problems, `in-process: ${loaded.fixture.description}`).toEqual([]);
            for (const path of asRootToo.has(loaded.name) ? [userReadOnly, rootReadOnly] : [userReadOnly]) {
              const outcome = await runFixture(path, loaded);
              expect(outcome.problems, `${path.name}: ${loaded.fixture.description}`).toEqual([]);
              expect(summary(outcome), path.name).toEqual(summary(expected));
            }
          });
        }
      });
    });
  }
  describe("jetway/jetway (the CLI, for the sidecar and init deliveries)", () => {
    const ref = jetwayImageRef();

    it(`is tagged ${packageVersion()} and latest, built from the current dist/cli and images/jetway`, async () => {
      const info = await docker().getImage(ref).inspect();
      expect((await docker().getImage(jetwayImageRef("latest")).inspect()).Id).toBe(info.Id);
      expect(info.Config.Labels?.[OVERLAY_LABEL]).toBe(jetwayImageDigest());
    });

    it("carries OCI labels: source, version, revision", async () => {
      const labels = (await docker().getImage(ref).inspect()).Config.Labels ?? {};
      expect(labels["org.opencontainers.image.version"]).toBe(packageVersion());
      expect(labels["org.opencontainers.image.revision"]).toMatch(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
      expect(labels["org.opencontainers.image.source"]).toBeTruthy();
      expect(labels["org.opencontainers.image.title"]).toBe("jetway");
    });

    it("runs the CLI at the executor's default path, through its own entrypoint, with no shell", async () => {
      const info = await docker().getImage(ref).inspect();
      expect(info.Config.Entrypoint).toEqual(["/usr/local/bin/node", DEFAULT_JETWAY_CLI]);
      expect(info.Config.Cmd).toEqual(["--help"]);
      const version = await runContainer({ image: ref, cmd: ["--version"] });
      expect(version).toEqual({ exitCode: 0, stdout: `${packageVersion()}\n`, stderr: "" });
    });

    it("adds one layer, the CLI's folder and nothing else, with no RUN step", async () => {
      const image = docker().getImage(ref);
      const info = await image.inspect();
      const base = docker().getImage(info.Config.Labels![BASE_LABEL]!);
      expect(info.RootFS.Layers?.slice(0, -1)).toEqual((await base.inspect()).RootFS.Layers);
      const history = (await image.history()) as Array<{ CreatedBy: string; Size: number }>;
      const ours = history.slice(0, history.length - ((await base.history()) as unknown[]).length);
      expect(ours.filter((h) => /^RUN |^\/bin\/sh -c (?!#\(nop\))/.test(h.CreatedBy))).toEqual([]);
      // the layer's size is the folder's bytes, give or take the directory entries
      const folderBytes = await runContainer({
        image: ref,
        entrypoint: ["/usr/local/bin/node", "-e", FOLDER_BYTES, "/usr/local/lib/jetway"],
      });
      expect(folderBytes.exitCode, folderBytes.stderr).toBe(0);
      const bytes = Number(folderBytes.stdout);
      expect(bytes).toBeGreaterThan(0);
      const unique = ours.reduce((n, h) => n + h.Size, 0);
      expect(unique).toBeGreaterThanOrEqual(bytes);
      expect(unique).toBeLessThan(bytes + 64 * 1024);
    });

    it("holds the CLI's folder with a package.json saying ESM, and no git or npm (nor a shell, on the local base)", async () => {
      const info = await docker().getImage(ref).inspect();
      const run = await runContainer({ image: ref, entrypoint: ["/usr/local/bin/node", "-e", CLI_PROBE] });
      expect(run.exitCode, run.stderr).toBe(0);
      const probe = JSON.parse(run.stdout) as CliProbe;
      expect(probe.files).toEqual(expect.arrayContaining(["jetway.js", "package.json"]));
      expect(probe.packageJson).toEqual({ type: "module" });
      expect(probe.tmpMode).toBe("1777");
      expect(probe.nodeUser).toBe(true);
      expect(probe.git).toEqual([]);
      if (info.Config.Labels?.[BASE_LABEL] === LOCAL_BASE_IMAGE) {
        expect(probe.npm).toEqual([]);
        expect(probe.npx).toEqual([]);
        expect(probe.shells).toEqual([]);
      }
    });

    // the strictest way to run: uid 1000, read-only root filesystem, a tmpfs /tmp;
    // the first fixture of each operation of time and mock (all of them run as
    // root in test/executor/jetway-image.test.ts)
    const strict = jetwayCliPath({ name: "jetway/jetway as 1000:1000, read-only rootfs", user: "1000:1000", readOnly: true });
    const samples = ["time", "mock"].flatMap((type) =>
      ["check", "in", "out"].flatMap((op) => fixturesOf(type).find((f) => f.fixture.op === op && f.fixture.expect.exitCode === 0) ?? []),
    );
    it("has fixtures to sample", () => {
      expect(samples.length).toBeGreaterThanOrEqual(5);
    });
    describe.concurrent("golden fixtures through the CLI as uid 1000 on a read-only root filesystem", () => {
      for (const loaded of samples) {
        it(`${loaded.type}/${loaded.name}`, async () => {
          const summary = (o: { output: { exitCode: number }; files: Record<string, string> }) => ({ exitCode: o.output.exitCode, files: Object.keys(o.files) });
          const expected = await runFixture(inProcessPath, loaded);
          const outcome = await runFixture(strict, loaded);
          expect(outcome.problems, `${strict.name}: ${loaded.fixture.description}`).toEqual([]);
          expect(summary(outcome)).toEqual(summary(expected));
        });
      }
    });
  });
});
