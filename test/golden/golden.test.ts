/**
 * Every golden fixture through every delivery path. Each path must satisfy the
 * fixture, and all paths must agree with each other.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadFixtures, runFixture, type DeliveryPath, type FixtureOutcome } from "./harness.ts";
import { hostPaths } from "./host-paths.ts";

const paths: DeliveryPath[] = [...hostPaths];
const fixtures = loadFixtures();

describe("golden fixtures", () => {
  it("exist for every native type", () => {
    expect(new Set(fixtures.map((f) => f.type))).toEqual(new Set(["mock", "time"]));
  });

  for (const path of paths) {
    it(`${path.name} path is available`, async () => {
      // host paths never skip: a missing build is a failure
      expect(await path.available()).toBe(true);
    });
  }

  for (const loaded of fixtures) {
    describe(`${loaded.type}/${loaded.name}`, () => {
      const outcomes = new Map<string, FixtureOutcome>();
      for (const path of paths) {
        it(path.name, async () => {
          const outcome = await runFixture(path, loaded);
          outcomes.set(path.name, outcome);
          expect(outcome.problems, loaded.fixture.description).toEqual([]);
        });
      }
      it("all paths agree", () => {
        const seen = [...outcomes.entries()];
        expect(seen.length).toBe(paths.length);
        for (const [, outcome] of seen) expect(outcome.normalised).toBe(seen[0]![1].normalised);
      });
    });
  }
});

afterAll(async () => {
  for (const path of paths) await path.close?.();
});
