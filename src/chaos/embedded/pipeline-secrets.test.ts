import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSyntheticCorpus } from "../../../fixtures/synthetic/index.ts";
import { EmbeddedEnvironment, S3RVER_CREDENTIALS, type StartedEmbeddedEnvironment } from "./index.ts";

/** Every process's command line on this machine, as any local user can read it (`ps -ef`). */
async function commandLines(): Promise<{ pid: number; args: string }[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  const lines = await Promise.all(
    pids.map(async (pid) => {
      try {
        return { pid: Number(pid), args: (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").join(" ") };
      } catch {
        return undefined; // gone meanwhile
      }
    }),
  );
  return lines.filter((line) => line !== undefined);
}

describe("secrets stay off command lines", () => {
  let env: StartedEmbeddedEnvironment;
  const corpus = generateSyntheticCorpus({ seed: 5, songs: 150 }).map((song, i) => ({ key: `secrets/song-${i}.mid`, body: song.bytes }));

  beforeAll(async () => {
    env = await new EmbeddedEnvironment().start();
    await env.seed(corpus);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it("no process of a pipeline run shows the database password or the S3 secret key in its arguments", async () => {
    const database = await env.createDatabase("secrets");
    const password = decodeURIComponent(new URL(database.url).password);
    expect(password.length).toBeGreaterThan(8);
    const secrets = [password, encodeURIComponent(password), S3RVER_CREDENTIALS.secretAccessKey];

    await using pipeline = await env.launchPipeline({ prefix: "secrets/", database: database.name, writeBatchFiles: 5 });
    const pipelinePid = Number(pipeline.id.replace(/^pid /, ""));
    let scans = 0;
    let sawPipeline = false;
    const leaks: string[] = [];
    let exit;
    do {
      for (const { pid, args } of await commandLines()) {
        if (pid === pipelinePid && args.includes("pipeline")) sawPipeline = true;
        const leaked = secrets.filter((secret) => args.includes(secret));
        // The report names the process, never the secret itself.
        if (leaked.length > 0) leaks.push(`pid ${pid}: ${leaked.reduce((text, secret) => text.split(secret).join("[secret]"), args).slice(0, 120)}`);
      }
      scans++;
      exit = await Promise.race([pipeline.exited, sleep(20).then(() => undefined)]);
    } while (!exit);

    expect(exit.code, exit.outputTail).toBe(0);
    expect(sawPipeline, "the scan saw the pipeline's own command line while it ran").toBe(true);
    expect(scans).toBeGreaterThan(1);
    expect(leaks).toEqual([]);
  });
});
