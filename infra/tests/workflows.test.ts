import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEBIAN_PACKAGES, ROOT } from "./infra-tools.ts";

/** A parsed document, checked field by field (`any` keeps those checks short). */
type Json = Record<string, any>;

function workflow(name: string): Json {
  return parse(readFileSync(join(ROOT, ".github/workflows", name), "utf8")) as Json;
}

function steps(job: Json): Json[] {
  return job.steps as Json[];
}

function uses(job: Json, action: string): Json[] {
  return steps(job).filter((step) => typeof step.uses === "string" && step.uses.startsWith(`${action}@`));
}

/** The Node majors every test job runs on: the floor of package.json's engines, and the LTS lines users run. */
const TESTED_NODE_MAJORS = [20, 22, 24];
const MATRIX_NODE = "${{ matrix.node }}";

/** The job runs once per tested Node, each on its own Node, and one failing cancels none of the others. */
/** The job writes the recovery table (from its saved journals) to its step summary, also when the tests failed. */
function expectRecoverySummary(job: Json, after: string): void {
  const all = steps(job);
  const summary = all.findIndex(
    (step) => typeof step.run === "string" && step.run.includes("chaos-control report --markdown") && step.run.includes("$GITHUB_STEP_SUMMARY"),
  );
  expect(summary, "a step runs chaos-control report --markdown into $GITHUB_STEP_SUMMARY").toBeGreaterThan(-1);
  expect(all[summary]!.if).toBe("always()");
  expect(summary).toBeGreaterThan(all.findIndex((step) => typeof step.run === "string" && step.run.includes(after)));
}

function expectNodeMatrix(job: Json): void {
  expect(job.strategy?.matrix?.node).toEqual(TESTED_NODE_MAJORS);
  expect(job.strategy["fail-fast"]).toBe(false);
  const setups = uses(job, "actions/setup-node");
  expect(setups).toHaveLength(1);
  expect(setups[0]!.with["node-version"]).toBe(MATRIX_NODE);
  expect(job.name).toContain(MATRIX_NODE);
}

/** A JUnit check and a reports artifact, named per Node so the matrix's entries do not overwrite each other. */
function expectReports(job: Json, reportsName: RegExp, reportsDir = "reports"): void {
  const [junit] = uses(job, "mikepenz/action-junit-report");
  expect(junit?.uses).toMatch(/@v\d+$/);
  expect(junit?.if).toBe("always()");
  expect(junit?.with.report_paths).toBe(`${reportsDir}/junit.xml`);
  expect(junit?.with.require_tests).toBe(true);
  expect(junit?.with.check_name).toContain(MATRIX_NODE);
  const [upload] = uses(job, "actions/upload-artifact");
  expect(upload?.if).toBe("always()");
  expect(upload?.with.path).toBe(`${reportsDir}/`);
  expect(upload?.with.name).toMatch(reportsName);
  expect(upload?.with.name).toContain(MATRIX_NODE);
  const runIndex = steps(job).findIndex((step) => /\bnpm (test|run chaos|run test:containers)\b/.test(step.run ?? ""));
  expect(runIndex).toBeGreaterThanOrEqual(0);
  expect(steps(job).indexOf(junit!)).toBeGreaterThan(runIndex);
}

describe.each(["pr.yml", "nightly.yml"])(".github/workflows/%s", (file) => {
  const parsed = workflow(file);

  it("pins every action to a major version or a commit", () => {
    for (const job of Object.values(parsed.jobs as Record<string, Json>)) {
      for (const step of steps(job).filter((s) => s.uses)) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    }
  });

  it("asks for no more than read access to the code and writing checks", () => {
    expect(parsed.permissions.contents).toBe("read");
    expect(parsed.permissions.checks).toBe("write");
    expect(Object.values(parsed.permissions)).not.toContain("write-all");
  });
});

describe(".github/workflows/pr.yml", () => {
  const parsed = workflow("pr.yml");
  const job = parsed.jobs.test as Json;

  it("runs on pull requests: install, npm test, JUnit check and the reports artifact", () => {
    expect(parsed.on).toHaveProperty("pull_request");
    const runs = steps(job).map((step) => step.run as string | undefined);
    expect(runs).toContain("npm ci");
    expect(runs).toContain("npm test");
    expect(runs.indexOf("npm ci")).toBeLessThan(runs.indexOf("npm test"));
    expectReports(job, /^reports-node\$\{\{ matrix\.node \}\}$/);
    expectRecoverySummary(job, "npm test");
  });

  it("tests on Node 20, 22 and 24, the floor being the one package.json's engines names", () => {
    expectNodeMatrix(job);
    expectNodeMatrix(parsed.jobs.containers as Json);
    const engines = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Json).engines.node as string;
    expect(engines).toMatch(new RegExp(`^>=${Math.min(...TESTED_NODE_MAJORS)}\\.\\d+\\.\\d+$`));
  });

  it("installs the Debian packages whose tools the tests would otherwise skip", () => {
    const apt = steps(job).find((step) => /apt-get install/.test(step.run ?? ""))!.run as string;
    for (const pkg of Object.values(DEBIAN_PACKAGES)) expect(apt).toContain(` ${pkg}`);
    expect(apt).toContain("python3-mido");
    expect(uses(job, "hashicorp/setup-terraform")).toHaveLength(1);
  });

  it("runs the scenarios again on the containers environment (Docker on the runner), with their own reports", () => {
    const containers = parsed.jobs.containers as Json;
    const runs = steps(containers).map((step) => step.run as string | undefined);
    expect(runs.indexOf("npm ci")).toBeGreaterThanOrEqual(0);
    expect(runs.indexOf("npm ci")).toBeLessThan(runs.indexOf("npm run test:containers"));
    expect(containers.env.CHAOS_REPORTS_DIR).toBe("reports/containers");
    // The official images: nothing points the environment at locally built ones.
    expect(JSON.stringify(containers)).not.toContain("CHAOS_CONTAINER_IMAGES");
    expectReports(containers, /^reports-containers-node/, containers.env.CHAOS_REPORTS_DIR);
    expectRecoverySummary(containers, "npm run test:containers");
    expect(uses(containers, "actions/upload-artifact")[0]?.with.name).not.toBe(uses(job, "actions/upload-artifact")[0]?.with.name);
  });

  it("builds the image and checks it runs as its non-root user", () => {
    const image = parsed.jobs.image as Json;
    const [build] = uses(image, "docker/build-push-action");
    expect(build?.with.push).toBe(false);
    expect(steps(image).some((step) => /--entrypoint id chaos-control:ci -u\b[\s\S]*10001/.test(step.run ?? ""))).toBe(true);
  });
});

describe(".github/workflows/nightly.yml", () => {
  const parsed = workflow("nightly.yml");
  const job = parsed.jobs.chaos as Json;

  it("runs on a schedule and by hand, one at a time, never cancelled mid-experiment", () => {
    const [schedule] = parsed.on.schedule as Array<{ cron: string }>;
    expect(schedule!.cron.split(" ")).toHaveLength(5);
    expect(parsed.on).toHaveProperty("workflow_dispatch");
    expect(parsed.concurrency["cancel-in-progress"]).toBe(false);
    expect(job.environment).toBe("staging");
  });

  it("runs on Node 20, 22 and 24 one after the other: they share the staging namespace", () => {
    expectNodeMatrix(job);
    expect(job.strategy["max-parallel"]).toBe(1);
  });

  it("writes the kubeconfig from a secret into a private temporary file and removes it", () => {
    const write = steps(job).find((step) => /kubeconfig/i.test(step.name ?? "") && step.env)!;
    const [variable, reference] = Object.entries(write.env as Record<string, string>)[0]!;
    expect(reference).toMatch(/^\$\{\{\s*secrets\.\w+\s*\}\}$/);
    expect(write.run).toContain("umask 077");
    expect(write.run).toContain("$RUNNER_TEMP/kubeconfig");
    expect(write.run).toContain("KUBECONFIG=");
    // The secret only ever reaches a file, never an argument or the log.
    for (const step of steps(job)) {
      expect(step.run ?? "", step.name).not.toMatch(/\$\{\{\s*secrets\./);
      expect(step.run ?? "", step.name).not.toMatch(new RegExp(`(echo|cat)\\s+"?\\$(${variable}|RUNNER_TEMP/kubeconfig)`));
    }
    const cleanup = steps(job).find((step) => /rm -f "\$RUNNER_TEMP\/kubeconfig"/.test(step.run ?? ""));
    expect(cleanup?.if).toBe("always()");
  });

  it("runs the chaos suite against the Kubernetes environment of the allowed target only", () => {
    expect(job.env.CHAOS_ENV).toBe("kubernetes");
    expect(job.env.CHAOS_ALLOW_TARGET).toBeTruthy();
    expect(job.env.CHAOS_NAMESPACE).toBe("scale-staging");
    expect(job.env.CHAOS_ALLOWED_NAMESPACES.split(",")).toEqual(["scale-staging"]);
    expect(steps(job).some((step) => (step.run ?? "").includes("CHAOS_PUSHGATEWAY_URL=http://127.0.0.1:9091"))).toBe(true);
    const chaos = steps(job).find((step) => /\bnpm run chaos\b/.test(step.run ?? ""));
    expect(chaos).toBeDefined();
    expect(chaos!.run).not.toMatch(/\$\{\{\s*inputs\./);
    expectReports(job, /^nightly-chaos-reports-node/);
    expectRecoverySummary(job, "npm run chaos");
  });
});
