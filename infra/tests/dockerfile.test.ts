import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./infra-tools.ts";

/** One instruction of a Dockerfile, continuation lines joined. */
interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** A small structural reader: there is no Docker engine here to build the image (CI builds it). */
function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.trimEnd().endsWith("\\") && i + 1 < lines.length) line = `${line.trimEnd().slice(0, -1)} ${lines[++i]!.trim()}`;
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (match) result.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start + 1 });
  }
  return result;
}

const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const parsed = instructions(dockerfile);
const stages = parsed.filter((i) => i.keyword === "FROM");
const finalStage = parsed.slice(parsed.lastIndexOf(stages.at(-1)!));
const dockerignore = readFileSync(join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));
const extractJob = parse(readFileSync(join(ROOT, "infra/k8s/base/extract-job.yaml"), "utf8")) as {
  spec: { template: { spec: { securityContext: { runAsUser: number }; containers: Array<{ ports: Array<{ containerPort: number }> }> } } };
};

describe("Dockerfile", () => {
  it("is multi-stage, every base pinned to an exact version tag (digest pinning explained)", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const stageNames = new Set<string>();
    for (const stage of stages) {
      const [image, as, name] = stage.args.split(/\s+/);
      if (!stageNames.has(image!)) {
        expect(image, `line ${stage.line}`).toMatch(/^[\w./-]+:[\w.-]*\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$/);
        expect(image, `line ${stage.line}`).not.toMatch(/:latest\b/);
        expect(image).not.toContain("$");
      }
      if (as?.toUpperCase() === "AS" && name) stageNames.add(name);
    }
    expect(dockerfile).toMatch(/^#.*@sha256:/m);
  });

  it("installs production dependencies only, from the lockfile, without install scripts", () => {
    const installs = parsed.filter((i) => i.keyword === "RUN" && /\bnpm\b/.test(i.args));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) {
      expect(install.args).not.toMatch(/\bnpm (install|i)\b/);
      if (/\bnpm ci\b/.test(install.args)) {
        expect(install.args).toContain("--omit=dev");
        expect(install.args).toContain("--ignore-scripts");
      }
    }
    // tsx runs the sources at run time: it must survive --omit=dev.
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.tsx).toBeDefined();
  });

  it("runs as a numeric non-root user, the one the pods name", () => {
    const users = finalStage.filter((i) => i.keyword === "USER");
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.args;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(":")[0])).toBeGreaterThan(0);
    expect(Number(user.split(":")[0])).toBe(extractJob.spec.template.spec.securityContext.runAsUser);
    expect(finalStage.findIndex((i) => i.keyword === "USER")).toBeGreaterThan(finalStage.findLastIndex((i) => i.keyword === "RUN"));
  });

  it("keeps secrets out of ENV and ARG", () => {
    for (const instruction of parsed.filter((i) => i.keyword === "ENV" || i.keyword === "ARG")) {
      expect(instruction.args, `line ${instruction.line}`).not.toMatch(/PASSWORD|SECRET|TOKEN|ACCESS_KEY|PRIVATE|DATABASE_URL|AWS_/i);
    }
    expect(parsed.filter((i) => i.keyword === "ADD")).toEqual([]);
  });

  it("starts the pipeline command and exposes the metrics port the pods use", () => {
    const entrypoint = finalStage.filter((i) => i.keyword === "ENTRYPOINT").at(-1);
    expect(JSON.parse(entrypoint!.args)).toEqual(["node", "bin/chaos-control.mjs", "pipeline"]);
    const exposed = finalStage.filter((i) => i.keyword === "EXPOSE").map((i) => Number(i.args.split("/")[0]));
    expect(exposed).toContain(extractJob.spec.template.spec.containers[0]!.ports[0]!.containerPort);
  });

  it("copies what the command needs, and the context leaves out secrets and state", () => {
    const copied = finalStage.filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from")).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const source of copied) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(dockerignore, source).not.toContain(source);
    }
    expect(copied).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "bin", "src", "fixtures"]));
    for (const excluded of [".git", "node_modules", "reports", "**/.env", "**/*.tfstate", "**/kubeconfig*", "infra"]) expect(dockerignore).toContain(excluded);
  });

  it("leaves out nothing the runtime code imports (bench/ and scenarios/ are not in the image)", () => {
    const sources = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
        .map((file) => join(dir, file));
    for (const file of [...sources("src"), ...sources("fixtures")]) {
      const text = readFileSync(join(ROOT, file), "utf8");
      expect(text, file).not.toMatch(/from\s+["'](\.\.\/)+(bench|scenarios|infra)\//);
    }
  });
});
