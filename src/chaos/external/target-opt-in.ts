import { GuardRefusalError } from "../core/index.ts";

/** The variable that opts a non-local target into chaos: the experiment's blast-radius guard reads the same one. */
export const ALLOW_TARGET_VARIABLE = "CHAOS_ALLOW_TARGET";

/** The external environment was refused before it touched anything: the target was not opted into. */
export class TargetNotAllowedError extends GuardRefusalError {
  constructor(
    readonly target: string,
    allowed: string | undefined,
  ) {
    super(
      `the external environment does not start on ${target}: it is a stack this suite did not start. ` +
        `Opt in explicitly with ${ALLOW_TARGET_VARIABLE}="${target}"` +
        (allowed ? ` (it is set to "${allowed}", which names another target)` : ""),
    );
    this.name = "TargetNotAllowedError";
  }
}

/** Throws {@link TargetNotAllowedError} unless `allowed` names `target` exactly. */
export function checkTargetOptIn(target: string, allowed: string | undefined = process.env[ALLOW_TARGET_VARIABLE]): void {
  if (allowed !== target) throw new TargetNotAllowedError(target, allowed);
}
