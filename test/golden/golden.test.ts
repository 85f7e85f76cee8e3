/**
 * Every golden fixture through every delivery path. Each path must satisfy the
 * fixture, and all paths must agree with each other. The host paths always run;
 * the image path needs a Docker engine and current images, and follows the
 * services rule: skipped with a reason locally, a failure under CI=true.
 */
import { afterAll, describe, expect, it } from "vitest";
import { imageTypes } from "../../images/lib.ts";
import { builtinTypes } from "../../resource-types/index.ts";
import { checkService, inCI } from "../support/services.ts";
import { loadFixtures, runFixture, type DeliveryPath, type FixtureOutcome } from "./harness.ts";
import { closeGitRemote } from "./git-remote.ts";
import { hostPaths } from "./host-paths.ts";
import { imagePath } from "./image-path.ts";
import { rgwService, settleS3Fixtures } from "./s3-setup.ts";

const nativeTypes = builtinTypes.map((t) => t.name);
const fixtures = loadFixtures(nativeTypes);
const imageStatus = await imagePath.available();
const withImages = new Set(imageTypes());
if (imageStatus !== true && !inCI) console.warn(`[skip] golden fixtures through images: ${imageStatus}`);
// s3 fixtures need the test RGW (.ci/services/ceph.sh): skipped with the reason locally, a failure under CI
const hasS3 = fixtures.some((f) => f.type === "s3");
const s3Status = hasS3 ? await checkService(rgwService) : true;
if (s3Status !== true && !inCI) console.warn(`[skip] s3 golden fixtures: ${rgwService.name} unavailable: ${s3Status}`);

/** The paths a type is delivered through: an image only once its Dockerfile exists. */
function pathsFor(type: string): DeliveryPath[] {
  return withImages.has(type) ? [...hostPaths, imagePath] : [...hostPaths];
}

describe("golden fixtures", () => {
  it("exist for every native type", () => {
    expect(new Set(fixtures.map((f) => f.type))).toEqual(new Set(nativeTypes));
  });

  for (const path of hostPaths) {
    it(`${path.name} path is available`, async () => {
      // host paths never skip: a missing build is a failure
      expect(await path.available()).toBe(true);
    });
  }
  if (imageStatus === true || inCI) {
    it("image path is available", () => {
      expect(imageStatus, "CI must start Docker and build the images (npm run images)").toBe(true);
    });
  }

  if (hasS3 && (s3Status === true || inCI)) {
    it("s3 test server is available", () => {
      expect(s3Status, "CI must start Ceph RGW (.ci/services/ceph.sh)").toBe(true);
    });
  }

  for (const loaded of fixtures) {
    const skipS3 = loaded.type === "s3" && s3Status !== true && !inCI;
    (skipS3 ? describe.skip : describe)(`${loaded.type}/${loaded.name}${skipS3 ? ` [skipped: ${s3Status}]` : ""}`, () => {
      const paths = pathsFor(loaded.type);
      const outcomes = new Map<string, FixtureOutcome>();
      for (const path of paths) {
        const skip = path === imagePath && imageStatus !== true;
        (skip ? it.skip : it)(skip ? `${path.name} [skipped: ${imageStatus}]` : path.name, async () => {
          const outcome = await runFixture(path, loaded);
          outcomes.set(path.name, outcome);
          expect(outcome.problems, loaded.fixture.description).toEqual([]);
        });
      }
      it("all paths agree", () => {
        const seen = [...outcomes.values()];
        expect(seen.length).toBeGreaterThanOrEqual(hostPaths.length);
        for (const outcome of seen) expect(outcome.normalised).toBe(seen[0]!.normalised);
      });
    });
  }
});

afterAll(async () => {
  for (const path of [...hostPaths, imagePath]) await path.close?.();
  await closeGitRemote();
  await settleS3Fixtures();
});
