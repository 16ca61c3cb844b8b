import { describe, expect, it } from "vitest";
import { UnsupportedFaultError, type FaultRequest } from "../core/index.ts";
import { FakeFaultLibrary } from "../testing/index.ts";
import { fault } from "./fault-action.ts";
import { refusalBeforeRunning } from "./method-rehearsal.ts";

/** A library refusing pause whatever its target, recording what it was asked; its fault methods fail the test if called. */
function refusingPause(): { library: FakeFaultLibrary; asked: FaultRequest[] } {
  const asked: FaultRequest[] = [];
  const library = new FakeFaultLibrary({ unsupported: ["pause"], refusesUpFront: true });
  const refusal = library.refusal!;
  Object.assign(library, {
    refusal: (request: FaultRequest) => (asked.push(request), refusal(request)),
    pause: () => Promise.reject(new Error("the rehearsal injected a pause")),
    s3: () => Promise.reject(new Error("the rehearsal injected an S3 fault")),
  });
  return { library, asked };
}

describe("refusalBeforeRunning", () => {
  it("finds the refused fault of a method without injecting anything, with the arguments the action passes", async () => {
    const { library, asked } = refusingPause();
    const method = [
      fault("slow S3", ({ faults }) => faults.s3({ type: "latency", latencyMs: 800 })),
      fault("freeze Postgres", ({ faults }) => faults.pause("postgres", { children: true } as never)),
    ];

    const refusal = await refusalBeforeRunning(method, library);

    expect(refusal).toBeInstanceOf(UnsupportedFaultError);
    expect(refusal!.message).toBe("pause postgres is not available on the fake environment: the fake environment cannot do that");
    expect(asked).toEqual([
      { method: "s3", args: [{ type: "latency", latencyMs: 800 }] },
      { method: "pause", args: ["postgres", { children: true }] },
    ]);
    expect(library.injected).toEqual([]);
  });

  it("refuses nothing a library accepts, and asks nothing of a library without refusals", async () => {
    const { library } = refusingPause();
    const method = [fault("kill Postgres", ({ faults }) => faults.kill("postgres"))];
    expect(await refusalBeforeRunning(method, library)).toBeUndefined();
    expect(
      await refusalBeforeRunning([fault("freeze", ({ faults }) => faults.pause("postgres"))], new FakeFaultLibrary({ unsupported: ["pause"] })),
    ).toBeUndefined();
  });

  it("leaves an action that reaches for anything but the fault library first to be judged when it is due", async () => {
    const { library, asked } = refusingPause();
    const method = [
      fault("kill shard 0", async ({ pipeline, faults }) => {
        await pipeline.kill({ stage: "extract", shard: 0 });
        return faults.pause("postgres");
      }),
      fault("broken", async () => {
        throw new Error("the action's own error");
      }),
    ];
    expect(await refusalBeforeRunning(method, library)).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it("lets an action build its arguments from object keys", async () => {
    const { library, asked } = refusingPause();
    await refusalBeforeRunning(
      [fault("slow one song", ({ faults, objectKey }) => faults.s3({ type: "latency", latencyMs: 1, key: objectKey("songs/a.mid") } as never))],
      library,
    );
    expect(asked).toEqual([{ method: "s3", args: [{ type: "latency", latencyMs: 1, key: "songs/a.mid" }] }]);
  });
});
