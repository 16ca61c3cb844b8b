/** Test support on the embedded environment. */
export { freshDatabaseUrl } from "./pipeline-databases.ts";
