// Init container of the similarity Job: returns once the extraction Job has
// completed. Exit codes: 0 completed; 1 failed, timed out, or not allowed to
// read it. Plain Node, no dependencies: it runs from a ConfigMap in the
// pipeline image.
//
// Environment: WAIT_FOR_JOB (name), WAIT_TIMEOUT_SECONDS (default 14400),
// WAIT_INTERVAL_SECONDS (default 10). The API address, token, CA and namespace
// come from the pod (KUBERNETES_SERVICE_HOST/PORT and the projected volume at
// SERVICE_ACCOUNT_DIR); KUBERNETES_API_URL overrides the address for tests.
import { readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";

const serviceAccountDir = process.env.SERVICE_ACCOUNT_DIR ?? "/var/run/secrets/kubernetes.io/serviceaccount";
const REQUEST_TIMEOUT_MS = 10_000;

function log(message) {
  process.stderr.write(`${new Date().toISOString()} wait-for-job: ${message}\n`);
}

function apiBaseUrl() {
  if (process.env.KUBERNETES_API_URL) return process.env.KUBERNETES_API_URL.replace(/\/$/, "");
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? "443";
  if (!host) throw new Error("KUBERNETES_SERVICE_HOST is not set: not running in a pod?");
  return `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** GET a URL; resolves with the status and parsed body, rejects on network errors. */
function getJson(url, token, ca) {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      { headers: { authorization: `Bearer ${token}`, accept: "application/json" }, ca, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => {
          let parsed;
          try {
            parsed = body ? JSON.parse(body) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on("error", reject);
  });
}

function conditionTrue(job, type) {
  return (job?.status?.conditions ?? []).find((condition) => condition.type === type && condition.status === "True");
}

async function main() {
  const jobName = process.env.WAIT_FOR_JOB;
  if (!jobName) throw new Error("WAIT_FOR_JOB is not set");
  const timeoutMs = 1000 * Number(process.env.WAIT_TIMEOUT_SECONDS ?? "14400");
  const intervalMs = 1000 * Number(process.env.WAIT_INTERVAL_SECONDS ?? "10");
  const namespace = (await readFile(`${serviceAccountDir}/namespace`, "utf8")).trim();
  const base = apiBaseUrl();
  const ca = base.startsWith("https:") ? await readFile(`${serviceAccountDir}/ca.crt`) : undefined;
  const url = `${base}/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs/${encodeURIComponent(jobName)}`;
  const deadline = Date.now() + timeoutMs;
  let lastState = "";
  log(`waiting up to ${timeoutMs / 1000} s for job ${namespace}/${jobName} to complete`);
  for (;;) {
    let state;
    try {
      // Read the token every time: the kubelet rotates the projected file before it expires.
      const token = (await readFile(`${serviceAccountDir}/token`, "utf8")).trim();
      const { status, body } = await getJson(url, token, ca);
      if (status === 403) {
        log(`not allowed to read job ${namespace}/${jobName} (HTTP 403): check the Role scale-similarity-waiter and its binding`);
        return 1;
      }
      if (status === 200) {
        if (conditionTrue(body, "Complete")) {
          log(`job ${namespace}/${jobName} completed`);
          return 0;
        }
        const failed = conditionTrue(body, "Failed");
        if (failed) {
          log(`job ${namespace}/${jobName} failed (${failed.reason ?? "no reason"}: ${failed.message ?? ""}); not starting`);
          return 1;
        }
        const s = body?.status ?? {};
        state = `running: ${s.succeeded ?? 0}/${body?.spec?.completions ?? "?"} succeeded, ${s.active ?? 0} active, ${s.failed ?? 0} failed pods`;
      } else if (status === 404) {
        state = "not created yet";
      } else {
        state = `API answered HTTP ${status}; retrying`;
      }
    } catch (error) {
      // The API server may itself be under a chaos experiment: keep trying until the deadline.
      state = `API unreachable (${error instanceof Error ? error.message : String(error)}); retrying`;
    }
    if (state !== lastState) log(state);
    lastState = state;
    if (Date.now() + intervalMs > deadline) {
      log(`gave up after ${timeoutMs / 1000} s: job ${namespace}/${jobName} did not complete`);
      return 1;
    }
    await sleep(intervalMs);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
