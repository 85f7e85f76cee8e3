import { describe, expect, it } from "vitest";
import { niceForCpuShares } from "./limits.ts";

describe("niceForCpuShares", () => {
  it.each([
    [1024, 0],
    [4096, 0],
    [512, 3],
    [256, 6],
    [128, 9],
    [2, 19],
  ])("%d shares -> nice %d", (shares, nice) => {
    expect(niceForCpuShares(shares)).toBe(nice);
  });

  it("never raises the priority and never goes past 19", () => {
    for (let shares = 1; shares <= 5000; shares += 7) {
      const nice = niceForCpuShares(shares);
      expect(nice).toBeGreaterThanOrEqual(0);
      expect(nice).toBeLessThanOrEqual(19);
    }
  });
});
