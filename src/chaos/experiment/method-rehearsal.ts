import type { FaultLibrary, FaultRequest, UnsupportedFaultError } from "../core/index.ts";
import type { ActionContext, FaultAction } from "./fault-action.ts";

/** Thrown into an action's injection by the stand-in context: the rehearsal has seen what it needed. */
class RehearsalOver extends Error {}

/**
 * The first refusal `library` would give a fault of `method`, found before anything runs: each action's injection is
 * called against a stand-in context that records the fault method it asks the library for and stops it there. Nothing
 * is injected. An action that reaches for anything else first (the pipeline, the database, a dependency) or fails on
 * its own is not judged here; its fault is asked for when it is due, as before.
 */
export async function refusalBeforeRunning(method: readonly FaultAction[], library: FaultLibrary): Promise<UnsupportedFaultError | undefined> {
  if (!library.refusal) return undefined;
  for (const action of method) {
    const request = await requestOf(action);
    const refusal = request && library.refusal(request);
    if (refusal) return refusal;
  }
  return undefined;
}

/** The fault method `action` calls first, with its arguments; undefined when it calls none before anything else. */
async function requestOf(action: FaultAction): Promise<FaultRequest | undefined> {
  let request: FaultRequest | undefined;
  const faults = new Proxy({} as FaultLibrary, {
    get(_target, property) {
      if (property === "injected") return [];
      if (typeof property !== "string" || property === "then") return undefined;
      return (...args: unknown[]) => {
        request ??= { method: property, args };
        throw new RehearsalOver();
      };
    },
  });
  const context = new Proxy({} as ActionContext, {
    get(_target, property) {
      if (property === "faults") return faults;
      // Keys are plain text the action builds its arguments from; nothing else may be touched.
      if (property === "objectKey") return (key: string) => key;
      if (property === "then") return undefined;
      throw new RehearsalOver();
    },
  });
  try {
    await action.inject(context);
  } catch {
    // RehearsalOver, or the action's own error: either way nothing ran.
  }
  return request;
}
