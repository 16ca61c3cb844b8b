/**
 * Systems under test, each behind core's `SystemUnderTest` contract: Scale
 * (the bundled pipeline, every experiment's default) and `commandSystem`,
 * any service described as data (a command, its dependencies with their
 * protocols, how to read its progress, its integrity oracle).
 */
export { scaleSystem } from "./scale/scale-system.ts";
export { checkIntegrity } from "./scale/integrity-check.ts";
export { commandSystem } from "./command/command-system.ts";
export { validateDefinition } from "./command/system-definition-check.ts";
export { sourceFingerprint } from "./source-fingerprint.ts";
