/** Test support shared by every area: fakes of the core contracts, a child process to interrupt, fresh databases, expected pairs. */
export { FakeEnvironment, FakePipelineProcess, snapshotOfFakeDatabase, type FakeEnvironmentOptions, type FakePipelineBehaviour } from "./fake-environment.ts";
export { FakeFaultLibrary, type FakeFaultOptions } from "./fake-fault-library.ts";
export { InterruptibleChild, type ChildExit } from "./interruptible-child.ts";
export { bruteForcePairs } from "./expected-pairs.ts";
export { servedObjects, type ServedObject } from "./served-objects.ts";
