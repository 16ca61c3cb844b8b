import { hostname } from "node:os";
import { getContainerRuntimeClient } from "testcontainers";
import { SUITE_LABEL } from "./container-engine.ts";

/** Label naming the process that created a container or network: `host:pid`. */
export const OWNER_LABEL = "org.chaos-control.owner";
/** Label shared by everything one environment created. */
export const SESSION_LABEL = "org.chaos-control.session";

/** The labels of everything an environment creates, so leftovers can be found (Ryuk, Testcontainers' reaper, is off here). */
export function environmentLabels(session: string): Record<string, string> {
  return { [SUITE_LABEL.name]: SUITE_LABEL.value, [SESSION_LABEL]: session, [OWNER_LABEL]: `${hostname()}:${process.pid}` };
}

/**
 * Removes containers and networks of the suite whose creating process, on
 * this host, is gone (killed before it could stop its environment). Returns
 * how many were removed. What other hosts or live processes own is left alone.
 */
export function removeOrphanedContainers(): Promise<number> {
  return removeLabelled(`${SUITE_LABEL.name}=${SUITE_LABEL.value}`, (labels) => orphaned(labels[OWNER_LABEL]));
}

/** Removes every container (whatever its state) and network of one environment, e.g. after a failed or interrupted start. */
export function removeSession(session: string): Promise<number> {
  return removeLabelled(`${SESSION_LABEL}=${session}`, () => true);
}

async function removeLabelled(label: string, select: (labels: Record<string, string>) => boolean): Promise<number> {
  const { dockerode } = (await getContainerRuntimeClient()).container;
  const filters = { label: [label] };
  let removed = 0;
  for (const container of await dockerode.listContainers({ all: true, filters })) {
    if (!select(container.Labels ?? {})) continue;
    await dockerode
      .getContainer(container.Id)
      .remove({ force: true, v: true })
      .then(() => removed++)
      .catch(() => undefined);
  }
  for (const network of await dockerode.listNetworks({ filters })) {
    if (!select(network.Labels ?? {})) continue;
    await dockerode
      .getNetwork(network.Id)
      .remove()
      .then(() => removed++)
      .catch(() => undefined);
  }
  return removed;
}

function orphaned(owner: string | undefined): boolean {
  const match = owner ? /^(.*):(\d+)$/.exec(owner) : null;
  if (!match || match[1] !== hostname()) return false;
  try {
    process.kill(Number(match[2]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
