/** Test support of the external environment: a stack of "the user's", started apart from the environment's code. */
export { query, UserStack, USER_BUCKET, type UserStackState } from "./user-stack.ts";
