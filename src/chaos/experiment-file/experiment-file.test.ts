import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createFaultHandle, effectSeen, type FaultHandle, type FaultLibrary } from "../core/index.ts";
import type { ActionContext, ExperimentDefinition, SafetyCondition } from "../experiment/index.ts";
import { ExperimentFileError, parseExperimentFile } from "./index.ts";

const EXPERIMENTS = fileURLToPath(new URL("../../../experiments/", import.meta.url));

const HEAD = `id: file-test
title: a file
cause: overload
corpus: { syntheticSongs: 3 }
hypothesis: [{ pipelineSteadyState: {} }]
budget: { recoveryMs: 1000 }
`;

/** The file's problems as `line: field: message`, or the definition when it has none. */
function problemsOf(text: string, variables: Record<string, string> = {}): string[] {
  try {
    parseExperimentFile(text, "test.yaml", variables);
  } catch (error) {
    if (error instanceof ExperimentFileError) return error.problems.map((problem) => `${problem.line ?? "-"}: ${problem.field}: ${problem.message}`);
    throw error;
  }
  return [];
}

/** What a fault action asks of the fault library (method and arguments), when injected. */
async function libraryCalls(definition: ExperimentDefinition): Promise<unknown[][]> {
  const calls: unknown[][] = [];
  const handle = (method: string): FaultHandle =>
    createFaultHandle({ kind: method, cause: "overload", target: "test", parameters: {} }, {}, async () => undefined, effectSeen("recorded"));
  const record =
    (method: string) =>
    async (...args: unknown[]) => {
      calls.push([method, ...args]);
      return handle(method);
    };
  const faults = new Proxy({}, { get: (_target, method) => record(String(method)) }) as FaultLibrary;
  const context = { faults, pipeline: { kill: record("pipeline.kill") }, objectKey: (key: string) => `prefix-1/${key}` } as unknown as ActionContext;
  for (const action of definition.method) await action.inject(context);
  return calls;
}

describe("experiment files", () => {
  it("builds the repository's example files into the experiments their TypeScript scenarios declare", async () => {
    const partition = parseExperimentFile(await readFile(`${EXPERIMENTS}postgres-network-partition.yaml`, "utf8"), "partition.yaml", {
      songs: "20",
      partition_ms: "10000",
    });
    expect(partition).toMatchObject({ id: "postgres-network-partition-file", cause: "equipment-failure", budget: { recoveryMs: 8000 } });
    expect(partition.title).toBe("Network partition between the pipeline and Postgres for 10000 ms");
    expect(partition.corpus).toHaveLength(20);
    expect(partition.hypothesis.map((probe) => probe.name)).toEqual(["pipeline throughput", "pipeline error rate", "postgres latency", "s3 latency"]);
    expect(partition.method.map(({ name, trigger, durationMs }) => ({ name, trigger: trigger.description, durationMs }))).toEqual([
      { name: "partition Postgres", trigger: "once 20% of the objects are committed", durationMs: 10_000 },
    ]);
    expect(await libraryCalls(partition)).toEqual([["partition", "postgres"]]);

    const killMidCopy = parseExperimentFile(await readFile(`${EXPERIMENTS}postgres-kill-mid-copy.json`, "utf8"), "kill.json");
    expect(killMidCopy.method[0]!.trigger.description).toBe("while a ^COPY statement is in flight");
    expect(await libraryCalls(killMidCopy)).toEqual([["kill", "postgres", { restartOnRemove: undefined }]]);

    const names = (await readdir(EXPERIMENTS)).filter((name) => /\.(ya?ml|json)$/.test(name));
    expect(names.length).toBeGreaterThanOrEqual(3);
  });

  it("maps every fault kind onto the fault library's method with its parameters, corpus keys under the experiment's prefix", async () => {
    const definition = parseExperimentFile(
      `${HEAD}method:
  - { name: kill, fault: { kind: kill, service: postgres, restartOnRemove: false } }
  - { name: stop, fault: { kind: stop, service: s3 } }
  - { name: pause, fault: { kind: pause, service: postgres, durationMs: 500 } }
  - { name: partition, fault: { kind: partition, service: s3 } }
  - { name: toxic, fault: { kind: toxic, service: postgres, type: slicer, stream: upstream, attributes: { average_size: 4, delay: 1000 } } }
  - { name: s3, fault: { kind: s3, type: error, status: 403, code: AccessDenied, match: { keys: [songs/a.mid] }, occurrence: { nth: 2 } } }
  - { name: corrupt, fault: { kind: s3, type: corrupt, key: songs/b.mid } }
  - { name: postgres, fault: { kind: postgres, type: hold, delayMs: 300, match: { kind: copy, pattern: "^copy filename", flags: i } } }
  - { name: exhaust, fault: { kind: exhaustConnections, reserve: 1, durationMs: 6000 } }
  - { name: cpu, fault: { kind: cpuPressure, workers: 1, durationMs: 100 } }
  - { name: memory, fault: { kind: memoryPressure, mebibytes: 64 } }
  - { name: pipeline, fault: { kind: killPipeline }, when: { afterProgress: 0.4 }, forMs: 1000 }
`,
      "all.yaml",
    );
    const calls = await libraryCalls(definition);
    expect(calls.slice(0, 7)).toEqual([
      ["kill", "postgres", { restartOnRemove: false }],
      ["stop", "s3", { restartOnRemove: undefined }],
      ["pause", "postgres", { durationMs: 500 }],
      ["partition", "s3"],
      ["toxic", "postgres", { type: "slicer", stream: "upstream", attributes: { average_size: 4, delay: 1000 } }],
      ["s3", { type: "error", status: 403, code: "AccessDenied", match: { keys: ["prefix-1/songs/a.mid"] }, occurrence: { nth: 2 } }],
      ["s3", { type: "corrupt", key: "prefix-1/songs/b.mid" }],
    ]);
    const [, rule] = calls[7] as [string, { type: string; delayMs: number; match: { kind: string; pattern: RegExp } }];
    expect(rule).toMatchObject({ type: "hold", delayMs: 300, match: { kind: "copy" } });
    expect(rule.match.pattern.test("COPY filename_instrument FROM STDIN")).toBe(true);
    expect(calls.slice(8)).toEqual([
      ["exhaustConnections", { reserve: 1, durationMs: 6000 }],
      ["cpuPressure", { workers: 1, durationMs: 100 }],
      ["memoryPressure", { mebibytes: 64, durationMs: undefined }],
      ["pipeline.kill"],
    ]);
    expect(definition.method[11]).toMatchObject({ name: "pipeline", durationMs: 1000 });
    expect(definition.method[0]).toMatchObject({ durationMs: null });
  });

  it("maps an S3 reset of one request onto the library's s3 rule, and refuses its unknown fields", async () => {
    const definition = parseExperimentFile(
      `${HEAD}method: [{ name: reset, fault: { kind: s3, type: reset, match: { operation: GetObject, key: songs/a.mid }, occurrence: { nth: 2 } } }]\n`,
      "reset.yaml",
    );
    expect(await libraryCalls(definition)).toEqual([
      ["s3", { type: "reset", match: { operation: "GetObject", key: "prefix-1/songs/a.mid" }, occurrence: { nth: 2 } }],
    ]);
    expect(() => parseExperimentFile(`${HEAD}method: [{ name: reset, fault: { kind: s3, type: reset, status: 500 } }]\n`, "bad.yaml")).toThrow(/status/);
  });

  it("carries every optional field of the model over: rerun, pipeline, safety limits and probes, sampling", () => {
    const definition = parseExperimentFile(
      `${HEAD}method: [{ name: cpu, fault: { kind: cpuPressure, workers: 1 } }]
rerun: after-faults-removed
pipeline: { writeBatchFiles: 20, retryAttempts: 4, requestTimeoutMs: 800 }
timeLimitMs: 60000
maxRetries: 50
sampleEveryMs: 250
stableForMs: 2000
safety:
  - probe: { http: { name: checkout, url: "http://127.0.0.1:9/health", status: [200, 204], withinMs: 300, body: { path: $.status, equals: ok } } }
    consecutiveFailures: 3
  - probe: { command: { name: replica, argv: [./check-replica], env: { TOKEN: secret } } }
`,
      "optional.yaml",
    );
    expect(definition).toMatchObject({
      rerun: "after-faults-removed",
      pipeline: { writeBatchFiles: 20, retryAttempts: 4, requestTimeoutMs: 800 },
      timeLimitMs: 60_000,
      maxRetries: 50,
      sampleEveryMs: 250,
      stableForMs: 2_000,
    });
    const safety = definition.safety as readonly SafetyCondition[];
    expect(safety.map(({ probe, consecutiveFailures }) => [probe.name, consecutiveFailures])).toEqual([
      ["checkout", 3],
      ["replica", undefined],
    ]);
    expect(safety[0]!.probe.declaration({ baselineThroughput: 0 }).tolerance).toBe(
      'GET http://127.0.0.1:9/health answers 200 or 204 within 300 ms with $.status == "ok"',
    );
    expect(safety[1]!.probe.declaration({ baselineThroughput: 0 }).tolerance).not.toContain("secret");
  });

  it("names the field and line of every problem the schema finds", () => {
    expect(
      problemsOf(`id: bad id
title: x
cause: overlod
corpus: { syntheticSongs: 3 }
hypothesis:
  - pipelineSteadyState: {}
  - sql: { name: rows, query: "SELECT 1", expect: { atLeast: 1 } }
method:
  - name: slow
    fault:
      kind: toxic
      service: postgres
      type: latency
      attributes: { latency: 100, jiter: 5 }
    when: { afterProgress: 2 }
  - name: gone
    fault: { kind: partiton, service: postgres }
budget: {}
extra: 1
`),
    ).toEqual([
      "19: extra: is not a field here; expected id, title, cause, corpus, hypothesis, method, budget, rerun, pipeline, timeLimitMs, safety, maxRetries, sampleEveryMs, stableForMs",
      '1: id: must match pattern "^[A-Za-z0-9][A-Za-z0-9._-]*$", got "bad id"',
      '3: cause: must be one of overload, equipment-failure, software-failure, got "overlod"',
      "7: hypothesis[1].sql.url: is required",
      "14: method[0].fault.attributes.jiter: is not a field here; expected latency, jitter",
      "15: method[0].when.afterProgress: must be <= 1, got 2",
      '17: method[1].fault.kind: must be one of kill, stop, pause, partition, toxic, s3, postgres, exhaustConnections, cpuPressure, memoryPressure, killPipeline, got "partiton"',
      "18: budget.recoveryMs: is required",
    ]);
  });

  it("names the field and line of what the fault library and probes refuse, every entry checked", () => {
    expect(
      problemsOf(`${HEAD}safety:
  - probe: { http: { name: web, url: "not a url" } }
method:
  - { name: cut, fault: { kind: s3, type: truncate, keepBytes: 3, keepFraction: 0.5 } }
  - name: pg
    fault: { kind: postgres, type: error, sqlstate: "40001", match: { pattern: "(" } }
  - { name: cut, fault: { kind: s3, type: corrupt, match: { operation: PutObject } } }
  - { name: copy, fault: { kind: kill, service: postgres }, when: { whileStatementRuns: "[" } }
`),
    ).toEqual([
      "10: method[0].fault.keepBytes: keepBytes or keepFraction must be given, not both or neither",
      "12: method[1].fault.match.pattern: is not a regular expression: Invalid regular expression: /(/: Unterminated group",
      '13: method[2].fault.match.operation: match.operation must be GetObject (only object bodies are corrupted), got "PutObject"',
      expect.stringMatching(/^14: method\[3\]\.when\.whileStatementRuns: is not a regular expression/),
      '8: safety[0].probe: httpProbe "web": url is not a URL',
      "13: method[2].name: repeats the name of method[0]; fault names identify faults in the journal",
    ]);
  });

  it("reports syntax errors and duplicate keys with their lines, in YAML and JSON", () => {
    expect(problemsOf(`${HEAD}method: [\n`)).toEqual([expect.stringMatching(/^8: \(syntax\): /)]);
    expect(problemsOf(`${HEAD}title: again\nmethod: []\n`)).toEqual(["7: (syntax): Map keys must be unique"]);
    const json = `{\n  "id": "j",\n  "title": "t",\n  "cause": "overload",\n  "corpus": { "syntheticSongs": 1 },\n  "hypothesis": [],\n  "method": [\n    { "name": "x", "fault": { "kind": "cpuPressure", "workers": 0 } }\n  ],\n  "budget": { "recoveryMs": 1 }\n}\n`;
    expect(problemsOf(json)).toEqual(["8: method[0].fault.workers: must be >= 1, got 0"]);
  });

  it("substitutes ${variables} before the schema: typed when a whole plain value, text when quoted or inside text", () => {
    const text = `id: vars
title: "\${what} for \${ms} ms, costs $\${ms}"
cause: overload
corpus: { syntheticSongs: \${songs} }
hypothesis: []
method:
  - { name: "\${ms}", fault: { kind: cpuPressure, workers: 1 }, forMs: \${ms} }
budget: { recoveryMs: \${ms} }
`;
    const definition = parseExperimentFile(text, "vars.yaml", { what: "CPU", ms: "1500", songs: "2" });
    expect(definition.title).toBe("CPU for 1500 ms, costs ${ms}");
    expect(definition.budget.recoveryMs).toBe(1500);
    expect(definition.method[0]).toMatchObject({ name: "1500", durationMs: 1500 });
    expect(definition.corpus).toHaveLength(2);

    expect(problemsOf(text, { what: "CPU", ms: "1500", songs: "2", extra: "1" })).toEqual(["-: --var extra: the file uses no ${extra}"]);
    expect(problemsOf(text, { what: "CPU", songs: "2" })).toEqual([
      "2: ${ms}: is not set: pass --var ms=…",
      "7: ${ms}: is not set: pass --var ms=…",
      "7: ${ms}: is not set: pass --var ms=…",
      "8: ${ms}: is not set: pass --var ms=…",
    ]);
    // A substituted value is validated as if written: the schema names the field and line.
    expect(problemsOf(text, { what: "CPU", ms: "soon", songs: "2" })).toEqual([
      '7: method[0].forMs: must be number, got "soon"',
      '8: budget.recoveryMs: must be number, got "soon"',
    ]);
  });
});
