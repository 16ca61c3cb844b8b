import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "./infra-tools.ts";

const SCRIPT = join(ROOT, "infra/k8s/base/wait-for-job.mjs");
const JOB_PATH = "/apis/batch/v1/namespaces/scale-test/jobs/scale-extract";

type Answer = { status: number; body?: unknown };

const running = { status: 200, body: { spec: { completions: 3 }, status: { active: 3, succeeded: 0 } } };
const complete = { status: 200, body: { spec: { completions: 3 }, status: { succeeded: 3, conditions: [{ type: "Complete", status: "True" }] } } };
const failed = {
  status: 200,
  body: {
    status: {
      failed: 7,
      conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }],
    },
  },
};

/** The init container's script against a fake API server that gives `answers` in turn (the last one again and again). */
describe("wait-for-job.mjs, the similarity Job's init container", () => {
  let dir: string;
  let server: Server | undefined;
  const seen: Array<{ path: string; authorization: string | undefined }> = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "wait-for-job-"));
    await writeFile(join(dir, "namespace"), "scale-test\n");
    await writeFile(join(dir, "token"), "token-1\n");
    seen.length = 0;
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function apiAnswering(answers: Answer[], onRequest?: (count: number) => Promise<void>): Promise<string> {
    server = createServer((request: IncomingMessage, response) => {
      seen.push({ path: request.url ?? "", authorization: request.headers.authorization });
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      void (onRequest?.(seen.length) ?? Promise.resolve()).then(() => {
        response.writeHead(answer.status, { "content-type": "application/json" });
        response.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  function waitScript(apiUrl: string, extra: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [SCRIPT], {
      env: {
        PATH: process.env.PATH ?? "",
        KUBERNETES_API_URL: apiUrl,
        SERVICE_ACCOUNT_DIR: dir,
        WAIT_FOR_JOB: "scale-extract",
        WAIT_INTERVAL_SECONDS: "0.02",
        WAIT_TIMEOUT_SECONDS: "20",
        ...extra,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
  }

  it("waits through 'not created yet' and 'running', and succeeds when the Job completes", async () => {
    const url = await apiAnswering([{ status: 404, body: { kind: "Status" } }, running, running, complete]);
    const { code, stderr } = await waitScript(url);
    expect(code, stderr).toBe(0);
    expect(seen).toHaveLength(4);
    expect(new Set(seen.map((request) => request.path))).toEqual(new Set([JOB_PATH]));
    expect(stderr).toContain("not created yet");
    expect(stderr).toContain("running: 0/3 succeeded, 3 active");
    expect(stderr).toContain("completed");
  });

  it("reads the token anew for every request, as the kubelet rotates it", async () => {
    const url = await apiAnswering([running, running, complete], async (count) => {
      if (count === 1) await writeFile(join(dir, "token"), "token-2\n");
    });
    expect((await waitScript(url)).code).toBe(0);
    expect(seen[0]!.authorization).toBe("Bearer token-1");
    expect(seen.at(-1)!.authorization).toBe("Bearer token-2");
  });

  it("rides out API errors", async () => {
    const url = await apiAnswering([{ status: 500 }, { status: 429 }, complete]);
    const { code, stderr } = await waitScript(url);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain("HTTP 500");
  });

  it("fails when the extraction Job failed, saying why", async () => {
    const url = await apiAnswering([running, failed]);
    const { code, stderr } = await waitScript(url);
    expect(code).toBe(1);
    expect(stderr).toContain("BackoffLimitExceeded");
  });

  it("fails at once when RBAC forbids reading the Job", async () => {
    const url = await apiAnswering([{ status: 403, body: { kind: "Status", reason: "Forbidden" } }]);
    const { code, stderr } = await waitScript(url);
    expect(code).toBe(1);
    expect(seen).toHaveLength(1);
    expect(stderr).toContain("scale-similarity-waiter");
  });

  it("gives up after its timeout when the API cannot be reached", async () => {
    const url = await apiAnswering([running]);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const started = performance.now();
    const { code, stderr } = await waitScript(url, { WAIT_TIMEOUT_SECONDS: "0.3" });
    expect(code).toBe(1);
    expect(stderr).toContain("API unreachable");
    expect(stderr).toContain("gave up after 0.3 s");
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
