import { describe, expect, it } from "vitest";
import { JetwayError } from "../protocol/errors.ts";
import { parseDriverSpec } from "./spec.ts";

describe("parseDriverSpec", () => {
  it.each([
    ["native", { name: "native", params: {} }],
    ["docker", { name: "docker", params: {} }],
    ["docker?host=unix:///var/run/docker.sock", { name: "docker", params: { host: "unix:///var/run/docker.sock" } }],
    ["docker?volumes=host&root=%2Ftmp%2Fa%20b", { name: "docker", params: { volumes: "host", root: "/tmp/a b" } }],
    ["k8s://ci-builds?kubeconfig=/home/me/.kube/config", { name: "k8s", target: "ci-builds", params: { kubeconfig: "/home/me/.kube/config" } }],
    ["k8s://team%2Fa", { name: "k8s", target: "team/a", params: {} }],
    ["native?", { name: "native", params: {} }],
    ["native?flag", { name: "native", params: { flag: "" } }],
    ["native?a=1+2", { name: "native", params: { a: "1+2" } }],
  ])("%s", (spec, expected) => {
    expect(parseDriverSpec(spec)).toEqual(expected);
  });

  it("keeps a __proto__ parameter a plain key", () => {
    const { params } = parseDriverSpec("native?__proto__=x");
    expect(Object.keys(params)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
  });

  it.each([
    ["", /is not NAME\[:\/\/TARGET\]/],
    ["Docker", /is not NAME/],
    ["docker:foo", /is not NAME/],
    ["k8s://", /empty target/],
    ["docker?a=1&a=2", /"a" given twice/],
    ["docker?=1", /a parameter has no name/],
    ["docker?a=%zz", /bad percent-encoding/],
  ])("refuses %j with one line", (spec, message) => {
    const error = (() => {
      try {
        parseDriverSpec(spec);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(JetwayError);
    expect((error as JetwayError).code).toBe("INVALID_CONFIG");
    expect((error as JetwayError).message).toMatch(message);
    expect((error as JetwayError).message).not.toContain("\n");
  });
});
