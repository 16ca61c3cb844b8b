import { EnvironmentFailureError } from "../core/index.ts";
import { externalConfigFromEnv, externalTarget, type ExternalConfig } from "./external-config.ts";
import type { FaultPath } from "./fault-path.ts";
import { LocalFaultPath } from "./local-fault-path.ts";
import { StartedExternalEnvironment } from "./started-external-env.ts";
import { ALLOW_TARGET_VARIABLE, checkTargetOptIn } from "./target-opt-in.ts";
import { UserToxiproxyFaultPath } from "./user-toxiproxy-fault-path.ts";

/**
 * The chaos environment for a stack that is already running and that this
 * suite did not start: the user's Postgres and S3, given by URLs
 * (`CHAOS_EXTERNAL_*` variables, see external-config.ts), and either the
 * user's Toxiproxy with proxies in front of them or the project's own proxies
 * started on this machine. The pipeline runs as a local process.
 *
 * The exact target (each dependency's host:port) must be named in
 * `CHAOS_ALLOW_TARGET`, or `start()` refuses before it connects anywhere.
 *
 *     await using env = await new ExternalEnvironment().start();
 */
export class ExternalEnvironment {
  private variables: Readonly<Record<string, string | undefined>> = process.env;

  /** Where to read the `CHAOS_EXTERNAL_*` variables and `CHAOS_ALLOW_TARGET` from; default `process.env`. */
  withVariables(variables: Readonly<Record<string, string | undefined>>): this {
    this.variables = variables;
    return this;
  }

  /** The validated configuration and the target it names, without touching anything. */
  resolve(): { config: ExternalConfig; target: string } {
    const config = externalConfigFromEnv(this.variables);
    return { config, target: externalTarget(config) };
  }

  /**
   * Checks the opt-in, then starts the proxies in front of the user's
   * services. A proxy that cannot start or a user's Toxiproxy that cannot be
   * used is an {@link EnvironmentFailureError}; nothing is left behind.
   */
  async start(): Promise<StartedExternalEnvironment> {
    const { config, target } = this.resolve();
    checkTargetOptIn(target, this.variables[ALLOW_TARGET_VARIABLE]);
    let path: FaultPath;
    try {
      path = config.toxiproxy ? await UserToxiproxyFaultPath.start(config) : await LocalFaultPath.start(config);
    } catch (error) {
      throw new EnvironmentFailureError(`the external environment could not start on ${target}`, error);
    }
    return new StartedExternalEnvironment(config, target, path);
  }
}
