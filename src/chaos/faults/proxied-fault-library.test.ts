import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import type { FaultHandle } from "../core/index.ts";
import { ProxiedFaultLibrary } from "./proxied-fault-library.ts";
import { S3FaultProxy, type S3FaultHandle } from "./s3/index.ts";

/** A library with no processes to signal: only its Toxiproxy-fronted faults are under test. */
class NoProcessFaultLibrary extends ProxiedFaultLibrary {
  kill(): Promise<FaultHandle> {
    return Promise.reject(new Error("no processes here"));
  }

  stop(): Promise<FaultHandle> {
    return Promise.reject(new Error("no processes here"));
  }

  pause(): Promise<FaultHandle> {
    return Promise.reject(new Error("no processes here"));
  }
}

describe("ProxiedFaultLibrary.s3", () => {
  let proxy: S3FaultProxy;
  let library: NoProcessFaultLibrary;

  beforeEach(async () => {
    // Nothing listens upstream: an error rule answers without forwarding, which is all this test sends.
    proxy = await S3FaultProxy.start({ upstream: "http://127.0.0.1:9" });
    const network = {
      api: undefined as never,
      proxyName(): string {
        throw new Error("no Toxiproxy here");
      },
      address(): never {
        throw new Error("no Toxiproxy here");
      },
    };
    const postgresFaults = {
      addRule(): never {
        throw new Error("no Postgres protocol proxy here");
      },
    };
    library = new NoProcessFaultLibrary({ network, s3Faults: proxy, postgresFaults, databaseUrl: "postgres://unused" });
  });

  afterEach(async () => {
    await library.removeAll();
    await proxy.stop();
  });

  it("returns the proxy's live handle: the faulted request with its occurrence, typed, and removal through the library", async () => {
    const fault = await library.s3({
      type: "error",
      status: 403,
      code: "AccessDenied",
      occurrence: { nth: 1 },
      match: { operation: "GetObject", keys: ["songs/a.mid"] },
    });
    expectTypeOf(fault).toEqualTypeOf<S3FaultHandle>();
    const response = await fetch(`${proxy.endpoint}/midi/songs/a.mid`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>AccessDenied</Code>");
    expect(fault.observations.faulted).toEqual([{ operation: "GetObject", bucket: "midi", key: "songs/a.mid", occurrence: 1, at: expect.any(Number) }]);
    expect(fault.observations.requestsFaulted).toBe(1);
    expect(library.injected).toEqual([fault]);
    await library.removeAll();
    expect(fault.observations.endedBy).toBe("removed");
  });
});
