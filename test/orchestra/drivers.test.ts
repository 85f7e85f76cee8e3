/** The conformance suite against every target of every registered driver (targets.ts). */
import { describe, expect, it } from "vitest";
import { builtinDrivers } from "../../src/orchestra/index.ts";
import { describeWithService } from "../support/services.ts";
import { defineConformanceSuite } from "./conformance.ts";
import { driverTargets } from "./targets.ts";

describe("orchestra driver targets", () => {
  it("every registered driver has a conformance target", () => {
    const covered = new Set(driverTargets.map((t) => t.driver));
    expect(builtinDrivers.map((d) => d.name).filter((name) => !covered.has(name))).toEqual([]);
  });
});

for (const target of driverTargets) {
  const name = `orchestra conformance: ${target.name}`;
  if (target.service) await describeWithService(target.service, name, () => defineConformanceSuite(target));
  else describe(name, () => defineConformanceSuite(target));
}
