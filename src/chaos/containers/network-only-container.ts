import { BoundPorts, GenericContainer, getContainerRuntimeClient, waitForContainer } from "testcontainers";

/**
 * A container definition (Testcontainers' builder: image, environment,
 * command, labels, wait strategy) for a container reached on its network
 * only: it publishes no host port, so starting it again after a fault never
 * asks the engine for a host port another process may hold by then.
 *
 * Started by {@link startOnNetwork} instead of Testcontainers' `start()`,
 * which waits until every port listed in the inspected `HostConfig.PortBindings`
 * is bound on the host: Podman lists every exposed port there, the image's
 * `EXPOSE` included, bound or not, so that wait would time out.
 */
export class NetworkOnlyContainer extends GenericContainer {
  /** Pulls (per the pull policy), creates and starts it on `networkName`, waits with its wait strategy; resolves to its ID. */
  async startOnNetwork(networkName: string): Promise<string> {
    const client = await getContainerRuntimeClient();
    await client.image.pull(this.imageName, { force: this.pullPolicy.shouldPull(), platform: this.createOpts.platform });
    const container = await client.container.create({ ...this.createOpts, HostConfig: { ...this.hostConfig, NetworkMode: networkName, PortBindings: {} } });
    await client.container.start(container);
    if (this.startupTimeoutMs !== undefined) this.waitStrategy.withStartupTimeout(this.startupTimeoutMs);
    await waitForContainer(client, container, this.waitStrategy, new BoundPorts());
    return container.id;
  }
}
