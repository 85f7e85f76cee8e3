import { describe, expect, it } from "vitest";
import type { JobInput } from "./inputs.ts";
import { resolveInputs, triggeringInputs, type CandidateVersion, type ResolutionData } from "./resolve.ts";

/**
 * A small in-memory history: versions per resource in check order, and
 * succeeded builds per job with the versions they used or made.
 */
class History implements ResolutionData {
  readonly #versions = new Map<string, CandidateVersion[]>();
  readonly #builds: { id: number; job: string; versions: { resource: string; id: number }[] }[] = [];
  readonly #lastUsed = new Map<string, number>();
  #nextId = 1;

  /** adds versions oldest first; returns their ids by name */
  check(resource: string, ...names: string[]): this {
    const list = this.#versions.get(resource) ?? [];
    for (const name of names) list.push({ id: this.#nextId++, order: list.length + 1, version: { v: name } });
    this.#versions.set(resource, list);
    return this;
  }

  id(resource: string, name: string): number {
    const found = this.#versions.get(resource)?.find((v) => v.version.v === name);
    if (found === undefined) throw new Error(`no ${resource} ${name}`);
    return found.id;
  }

  /** a succeeded build of `job` that had these versions, e.g. passed("A", 1, {src: "s1"}) */
  passed(job: string, buildId: number, versions: Record<string, string>): this {
    this.#builds.push({ job, id: buildId, versions: Object.entries(versions).map(([resource, name]) => ({ resource, id: this.id(resource, name) })) });
    return this;
  }

  used(inputName: string, resource: string, name: string): this {
    this.#lastUsed.set(inputName, this.id(resource, name));
    return this;
  }

  versions(resource: string): readonly CandidateVersion[] {
    return this.#versions.get(resource) ?? [];
  }

  passedBuilds(job: string, resource: string): ReadonlyMap<number, readonly number[]> {
    const out = new Map<number, number[]>();
    for (const b of [...this.#builds].sort((x, y) => x.id - y.id)) {
      if (b.job !== job) continue;
      for (const v of b.versions) if (v.resource === resource) out.set(v.id, [...(out.get(v.id) ?? []), b.id]);
    }
    return out;
  }

  lastUsed(inputName: string): number | undefined {
    return this.#lastUsed.get(inputName);
  }
}

const input = (name: string, over: Partial<JobInput> = {}): JobInput => ({ name, resource: name, passed: [], trigger: false, version: "latest", ...over });

function chosen(inputs: JobInput[], data: ResolutionData): Record<string, string> {
  const r = resolveInputs(inputs, data);
  if (!r.ok) throw new Error(`expected a resolution, got: ${r.reason}`);
  return Object.fromEntries([...r.versions].map(([k, v]) => [k, v.version.v!]));
}

function reason(inputs: JobInput[], data: ResolutionData): string {
  const r = resolveInputs(inputs, data);
  if (r.ok) throw new Error(`expected no resolution, got ${JSON.stringify([...r.versions])}`);
  return r.reason;
}

describe("resolveInputs", () => {
  it("takes the latest version in check order", () => {
    const h = new History().check("src", "a", "b", "c");
    expect(chosen([input("src")], h)).toEqual({ src: "c" });
  });

  it("says which input has no version yet, and why when it knows", () => {
    const h = new History().check("src", "a");
    expect(reason([input("src"), input("other")], h)).toBe("other: no version of other yet");
    const withWhy: ResolutionData = { ...bind(h), whyNoVersions: () => "check failed: boom" };
    expect(reason([input("other")], withWhy)).toBe("other: no version of other yet (check failed: boom)");
  });

  it("resolves an input under another name than its resource", () => {
    const h = new History().check("repo", "a", "b");
    expect(chosen([input("code", { resource: "repo" })], h)).toEqual({ code: "b" });
  });

  describe("passed", () => {
    it("takes only versions that passed the job, the most recently passed first", () => {
      const h = new History().check("src", "a", "b", "c").passed("unit", 1, { src: "a" }).passed("unit", 2, { src: "b" });
      expect(chosen([input("src", { passed: ["unit"] })], h)).toEqual({ src: "b" });
    });

    it("orders by the build that passed it, not by check order (an upstream re-run of an older version wins)", () => {
      const h = new History().check("src", "a", "b").passed("unit", 1, { src: "b" }).passed("unit", 2, { src: "a" });
      expect(chosen([input("src", { passed: ["unit"] })], h)).toEqual({ src: "a" });
    });

    it("with no version through the job, names the job", () => {
      const h = new History().check("src", "a");
      expect(reason([input("src", { passed: ["unit"] })], h)).toBe("src: no version of src has passed unit");
    });

    it("with several jobs, a version must have passed each of them (fan-in of one resource)", () => {
      const h = new History()
        .check("src", "a", "b", "c")
        .passed("unit", 1, { src: "a" })
        .passed("unit", 2, { src: "b" })
        .passed("unit", 3, { src: "c" })
        .passed("lint", 4, { src: "a" })
        .passed("lint", 5, { src: "b" });
      expect(chosen([input("src", { passed: ["unit", "lint"] })], h)).toEqual({ src: "b" });
      const none = new History().check("src", "a", "b").passed("unit", 1, { src: "b" }).passed("lint", 2, { src: "a" });
      expect(reason([input("src", { passed: ["unit", "lint"] })], none)).toBe("src: no version of src has passed all of unit, lint (none passed lint)");
    });

    it("classic fan-in: two resources passed through one job come from the same build of it", () => {
      // each is newest in a different build: picking each one's latest would pair versions that never met
      const h = new History().check("app", "a1", "a2").check("cfg", "c1", "c2").passed("build", 1, { app: "a1", cfg: "c2" }).passed("build", 2, { app: "a2", cfg: "c1" });
      expect(chosen([input("app", { passed: ["build"] }), input("cfg", { passed: ["build"] })], h)).toEqual({ app: "a2", cfg: "c1" });
    });

    it("backtracks when the first input's best version leaves the next one nothing", () => {
      // build 2 passed app a2 but made no cfg; only build 1 has both
      const h = new History().check("app", "a1", "a2").check("cfg", "c1").passed("build", 1, { app: "a1", cfg: "c1" }).passed("build", 2, { app: "a2" });
      expect(chosen([input("app", { passed: ["build"] }), input("cfg", { passed: ["build"] })], h)).toEqual({ app: "a1", cfg: "c1" });
    });

    it("reports inputs that never passed a shared job in one build", () => {
      const h = new History().check("app", "a1").check("cfg", "c1").passed("build", 1, { app: "a1" }).passed("build", 2, { cfg: "c1" });
      expect(reason([input("app", { passed: ["build"] }), input("cfg", { passed: ["build"] })], h)).toBe("app and cfg have no versions that passed build in the same build");
    });

    it("fan-out: jobs downstream of one job each get the version that passed it", () => {
      const h = new History().check("src", "a", "b").passed("build", 1, { src: "a" }).passed("build", 2, { src: "b" });
      expect(chosen([input("src", { passed: ["build"] })], h)).toEqual({ src: "b" });
      expect(chosen([input("src", { passed: ["build"] }), input("other", { resource: "src" })], h)).toEqual({ src: "b", other: "b" });
    });

    it("diamond: a version through both branches, each joined to its own upstream build", () => {
      // src b passed left but not right yet: the join takes a, which passed both
      const h = new History()
        .check("src", "a", "b")
        .check("tool", "t1", "t2")
        .passed("left", 1, { src: "a", tool: "t1" })
        .passed("right", 2, { src: "a", tool: "t1" })
        .passed("left", 3, { src: "b", tool: "t2" });
      expect(chosen([input("src", { passed: ["left", "right"] }), input("tool", { passed: ["left", "right"] })], h)).toEqual({ src: "a", tool: "t1" });
    });

    it("inputs with separate passed jobs are independent", () => {
      const h = new History().check("app", "a1", "a2").check("cfg", "c1", "c2").passed("x", 1, { app: "a2" }).passed("y", 2, { cfg: "c1" });
      expect(chosen([input("app", { passed: ["x"] }), input("cfg", { passed: ["y"] })], h)).toEqual({ app: "a2", cfg: "c1" });
    });
  });

  describe("version", () => {
    it("every: the version after the one the job used last, oldest first", () => {
      const h = new History().check("src", "a", "b", "c", "d").used("src", "src", "b");
      expect(chosen([input("src", { version: "every" })], h)).toEqual({ src: "c" });
    });

    it("every: with nothing newer, the newest (which the job already used: no trigger)", () => {
      const h = new History().check("src", "a", "b").used("src", "src", "b");
      expect(chosen([input("src", { version: "every" })], h)).toEqual({ src: "b" });
    });

    it("every: a job that never ran starts at the latest", () => {
      const h = new History().check("src", "a", "b", "c");
      expect(chosen([input("src", { version: "every" })], h)).toEqual({ src: "c" });
    });

    it("every with passed: the next version that passed", () => {
      const h = new History().check("src", "a", "b", "c", "d").passed("unit", 1, { src: "a" }).passed("unit", 2, { src: "c" }).passed("unit", 3, { src: "d" }).used("src", "src", "a");
      expect(chosen([input("src", { version: "every", passed: ["unit"] })], h)).toEqual({ src: "c" });
    });

    it("pinned: exactly that version, whatever the key order", () => {
      const h = new History().check("src", "a", "b", "c");
      expect(chosen([input("src", { version: { v: "a" } })], h)).toEqual({ src: "a" });
      expect(reason([input("src", { version: { v: "z" } })], h)).toBe('src: pinned version {"v":"z"} is not among the versions of src');
    });

    it("pinned by some fields: the newest version that has them", () => {
      const h = new History().check("src", "a", "b");
      const withExtra: ResolutionData = {
        ...bind(h),
        versions: (r) => h.versions(r).map((v) => ({ ...v, version: { ...v.version, extra: v.version.v === "a" ? "1" : "2" } })),
      };
      expect(chosen([input("src", { version: { extra: "1" } })], withExtra)).toEqual({ src: "a" });
      expect(chosen([input("src", { version: { v: "b" } })], withExtra)).toEqual({ src: "b" });
    });

    it("pinned with passed: the pin must have passed", () => {
      const h = new History().check("src", "a", "b").passed("unit", 1, { src: "b" });
      expect(reason([input("src", { version: { v: "a" }, passed: ["unit"] })], h)).toBe('src: pinned version {"v":"a"} is not among the versions of src that passed unit');
      expect(chosen([input("src", { version: { v: "b" }, passed: ["unit"] })], h)).toEqual({ src: "b" });
    });
  });
});

describe("triggeringInputs", () => {
  it("names trigger inputs whose version the job never used for them", () => {
    const h = new History().check("a", "1", "2").check("b", "1");
    const inputs = [input("a", { trigger: true }), input("b", { trigger: true }), input("c", { resource: "a" })];
    const versions = new Map([
      ["a", { id: h.id("a", "2"), order: 2, version: { v: "2" } }],
      ["b", { id: h.id("b", "1"), order: 1, version: { v: "1" } }],
      ["c", { id: h.id("a", "2"), order: 2, version: { v: "2" } }],
    ]);
    const used = new Map([["b", new Set([h.id("b", "1")])]]);
    expect(triggeringInputs(inputs, versions, (n) => used.get(n) ?? new Set())).toEqual(["a"]);
    used.set("a", new Set([h.id("a", "2")]));
    expect(triggeringInputs(inputs, versions, (n) => used.get(n) ?? new Set())).toEqual([]);
  });
});

/** The History's methods as a plain object, to override one of them. */
function bind(h: History): ResolutionData {
  return { versions: (r) => h.versions(r), passedBuilds: (j, r) => h.passedBuilds(j, r), lastUsed: (n) => h.lastUsed(n) };
}
