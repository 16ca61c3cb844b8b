import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PostgresServer } from "./postgres-server.ts";
import { POSTGRES_TEMPLATE_VARIABLE, templateKey } from "./postgres-template.ts";
import { scramVerifier } from "./superuser-password.ts";

/** Runs `sql` on `server` as its superuser, logging in with `password` (the server's own unless given). */
async function query<T extends pg.QueryResultRow>(server: PostgresServer, sql: string, password = server.password): Promise<T[]> {
  const uri = new URL(server.connectionUri());
  uri.password = encodeURIComponent(password);
  const client = new pg.Client({ connectionString: uri.href, connectionTimeoutMillis: 10_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The cluster's identity, which initdb draws at random and a copied data directory keeps. */
async function systemIdentifier(server: PostgresServer): Promise<string> {
  const [row] = await query<{ id: string }>(server, "SELECT system_identifier::text AS id FROM pg_control_system()");
  return row!.id;
}

async function startWithTemplates(directory: string): Promise<PostgresServer> {
  vi.stubEnv(POSTGRES_TEMPLATE_VARIABLE, directory);
  try {
    return await PostgresServer.start();
  } finally {
    vi.unstubAllEnvs();
  }
}

describe("servers started from the test run's template cluster", () => {
  let templates: string;
  let first: PostgresServer;
  let second: PostgresServer;
  let alone: PostgresServer;

  beforeAll(async () => {
    templates = await mkdtemp(join(tmpdir(), "pg-template-test-"));
    first = await startWithTemplates(templates);
    second = await startWithTemplates(templates);
    vi.stubEnv(POSTGRES_TEMPLATE_VARIABLE, "");
    try {
      alone = await PostgresServer.start();
    } finally {
      vi.unstubAllEnvs();
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop(), alone?.stop()]);
    await rm(templates, { recursive: true, force: true });
  });

  it("the first server keeps one template, taken before it ever ran; the second is a copy of it; without templates initdb runs", async () => {
    const kept = await readdir(templates);
    expect(kept).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
    expect(await readdir(join(templates, kept[0]!))).not.toContain("postmaster.pid");
    const [ofFirst, ofSecond, ofAlone] = await Promise.all([first, second, alone].map(systemIdentifier));
    expect(ofSecond).toBe(ofFirst);
    expect(ofAlone).not.toBe(ofFirst);
  });

  it("each server accepts its own password only: not another server's, not none", async () => {
    const servers = { first, second, alone };
    for (const [name, server] of Object.entries(servers)) {
      expect(await query<{ user: string }>(server, "SELECT current_user AS user"), name).toEqual([{ user: "postgres" }]);
      for (const [otherName, other] of Object.entries(servers)) {
        if (other === server) continue;
        await expect(query(server, "SELECT 1", other.password), `${otherName}'s password on ${name}`).rejects.toMatchObject({ code: "28P01" });
      }
      await expect(query(server, "SELECT 1", randomBytes(18).toString("base64url")), `a new password on ${name}`).rejects.toMatchObject({ code: "28P01" });
    }
  });

  it("two servers from one template are independent: tables, databases, a kill -9 and a restart of one leave the other as it was", async () => {
    await query(first, "CREATE TABLE only_first (id int)");
    await query(first, "INSERT INTO only_first VALUES (1), (2)");
    await second.createDatabase("only_second");
    await expect(query(second, "SELECT * FROM only_first")).rejects.toMatchObject({ code: "42P01" });
    expect(await query(first, "SELECT datname FROM pg_database WHERE datname = 'only_second'")).toEqual([]);
    await first.kill();
    expect(await query<{ one: number }>(second, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await first.restart();
    expect(await query<{ id: number }>(first, "SELECT id FROM only_first ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
    await expect(query(first, "SELECT 1", second.password)).rejects.toMatchObject({ code: "28P01" });
    await expect(query(second, "SELECT * FROM only_first")).rejects.toMatchObject({ code: "42P01" });
  });
});

describe("servers that start together before any template exists", () => {
  it("each gets a whole cluster of its own, and one template is kept", async () => {
    const templates = await mkdtemp(join(tmpdir(), "pg-template-test-"));
    vi.stubEnv(POSTGRES_TEMPLATE_VARIABLE, templates);
    const started = await Promise.allSettled([PostgresServer.start(), PostgresServer.start()]);
    vi.unstubAllEnvs();
    const servers = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    try {
      expect(started.filter((result) => result.status === "rejected")).toEqual([]);
      for (const server of servers) expect(await query<{ one: number }>(server, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
      expect(await readdir(templates)).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      await rm(templates, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("template keys", () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "pg-template-key-"));
    await writeFile(join(directory, "initdb"), "initdb 18");
    await writeFile(join(directory, "postgres"), "postgres 18");
    await symlink(join(directory, "postgres"), join(directory, "postgres-link"));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("name a template by the binaries that made it and the OS user owning it", async () => {
    const binaries = { initdb: join(directory, "initdb"), postgres: join(directory, "postgres") };
    const key = await templateKey(binaries, { uid: 1_000, gid: 1_000 });
    expect(await templateKey(binaries, { uid: 1_000, gid: 1_000 })).toBe(key);
    expect(await templateKey({ ...binaries, postgres: join(directory, "postgres-link") }, { uid: 1_000, gid: 1_000 })).toBe(key);
    expect(await templateKey(binaries, { uid: 1_001, gid: 1_001 })).not.toBe(key);
    await writeFile(join(directory, "postgres-17"), "postgres 17.9");
    expect(await templateKey({ ...binaries, postgres: join(directory, "postgres-17") }, { uid: 1_000, gid: 1_000 })).not.toBe(key);
  });
});

describe("SCRAM verifiers", () => {
  it("have PostgreSQL's stored form, differ per salt, and refuse passwords that would need SASLprep", async () => {
    const salt = Buffer.alloc(16, 7);
    const verifier = await scramVerifier("pencil", salt);
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:BwcHBwcHBwcHBwcHBwcHBw==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(await scramVerifier("pencil", salt)).toBe(verifier);
    expect(await scramVerifier("pencil")).not.toBe(verifier);
    await expect(scramVerifier("pässword")).rejects.toThrow(/^password: /);
  });
});
