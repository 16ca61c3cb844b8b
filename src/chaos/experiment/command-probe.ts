import { spawn } from "node:child_process";
import { genericProbe, timeoutOf, type GenericProbeOptions } from "./generic-probe.ts";
import type { Probe } from "./probe.ts";

/** Options of {@link commandProbe}; plain data. */
export interface CommandProbeOptions extends GenericProbeOptions {
  /** The program and its arguments, run without a shell. Process lists show them: pass secrets in `env`, never here. */
  argv: readonly string[];
  /** Added to this process's environment; names appear in reports, values never. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Accepted exit codes (default 0). */
  exitCodes?: readonly number[];
}

/**
 * Runs a command per sample; the value is its exit code. A command still
 * running at the timeout is killed with its process group and recorded as
 * a failed sample.
 */
export function commandProbe(options: CommandProbeOptions): Probe {
  const field = `commandProbe "${options?.name}"`;
  if (!Array.isArray(options.argv) || options.argv.length === 0 || options.argv.some((arg) => typeof arg !== "string")) {
    throw new Error(`${field}: argv must be a non-empty array of strings (the program, then its arguments)`);
  }
  const exitCodes = options.exitCodes ?? [0];
  if (exitCodes.length === 0 || exitCodes.some((code) => !Number.isInteger(code) || code < 0 || code > 255)) {
    throw new Error(`${field}: exitCodes must list exit codes 0-255, got ${JSON.stringify(exitCodes)}`);
  }
  const timeoutMs = timeoutOf(options, "commandProbe");
  const envNames = Object.keys(options.env ?? {});
  return genericProbe(options, {
    kind: "commandProbe",
    unit: "exit code",
    tolerance: `${options.argv.join(" ")}${envNames.length > 0 ? ` (with ${envNames.join(", ")} set)` : ""} exits with ${exitCodes.join(" or ")} within ${timeoutMs} ms`,
    measure: () => exitCodeOf(options, timeoutMs),
    accepts: (code) => exitCodes.includes(code),
  });
}

function exitCodeOf(options: CommandProbeOptions, timeoutMs: number): Promise<number> {
  const [program, ...args] = options.argv;
  return new Promise((resolve, reject) => {
    // Its own process group, so that a timeout also ends what the command started.
    const child = spawn(program!, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: "ignore", detached: true, shell: false });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      reject(new Error(`${program} did not exit within ${timeoutMs} ms; killed`));
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${program} could not be started: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== null) resolve(code);
      else reject(new Error(`${program} was ended by ${signal}`));
    });
  });
}
