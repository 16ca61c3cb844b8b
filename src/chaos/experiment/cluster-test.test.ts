import { describe, expect, it } from "vitest";
import { clusterSkipReason } from "./cluster-test.ts";

const PROMETHEUS = { variable: "CHAOS_PROMETHEUS_URL", for: "Prometheus's HTTP API" };

describe("clusterSkipReason", () => {
  it("skips a cluster scenario unless CHAOS_ENV=kubernetes, saying what it needs", () => {
    expect(clusterSkipReason([], {})).toBe("needs CHAOS_ENV=kubernetes and a cluster with Chaos Mesh (see src/chaos/kubernetes/README.md)");
    expect(clusterSkipReason([], { CHAOS_ENV: "containers" })).toMatch(/^needs CHAOS_ENV=kubernetes/);
    expect(clusterSkipReason([], { CHAOS_ENV: "kubernetes" })).toBeUndefined();
  });

  it("names every other variable the scenario needs that is unset or blank", () => {
    expect(clusterSkipReason([PROMETHEUS], { CHAOS_ENV: "kubernetes", CHAOS_PROMETHEUS_URL: " " })).toBe("needs CHAOS_PROMETHEUS_URL (Prometheus's HTTP API)");
    expect(clusterSkipReason([PROMETHEUS], {})).toBe(
      "needs CHAOS_ENV=kubernetes and a cluster with Chaos Mesh (see src/chaos/kubernetes/README.md), and CHAOS_PROMETHEUS_URL (Prometheus's HTTP API)",
    );
    expect(clusterSkipReason([PROMETHEUS], { CHAOS_ENV: "kubernetes", CHAOS_PROMETHEUS_URL: "http://127.0.0.1:9090" })).toBeUndefined();
  });

  it("refuses a CHAOS_ENV it does not know instead of skipping quietly", () => {
    expect(() => clusterSkipReason([], { CHAOS_ENV: "kubernets" })).toThrow(
      'CHAOS_ENV must be one of embedded, containers, kubernetes, external, got "kubernets"',
    );
  });
});
