/** Test support of the report area: journals shaped like real ones, for tests of anything that reads journals. */
export { buildFault, buildJournal, completedScenario, failedScenarioWithIntegrityDifference, intactIntegrity, probeSamples } from "./sample-journals.ts";
export { exploredCell, sampleExploration, tablesWithLostRows } from "./sample-exploration.ts";
