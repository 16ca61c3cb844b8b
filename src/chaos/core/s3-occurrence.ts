/**
 * Which of the requests a rule matches it faults, by their number: the 3rd
 * GetObject, the 2nd to 4th ListObjectsV2 page. Requests are numbered from 1
 * in the order they match the rule while it is in effect, so a retry is a
 * request of its own and a request another rule already answered is not counted.
 */
import { FaultParameterError, positiveInteger } from "./fault-handle.ts";

/**
 * `{ nth: 3 }`: only the 3rd matching request. `{ from: 2, count: 3 }`: the
 * 2nd, 3rd and 4th. `{ from: 5 }`: the 5th and every later one.
 */
export type S3Occurrence = { nth: number; from?: undefined; count?: undefined } | { from: number; count?: number; nth?: undefined };

/** Occurrences as a window of request numbers; every request is `{ from: 1, count: Infinity }`. */
export interface ResolvedOccurrence {
  /** First request number faulted, from 1. */
  from: number;
  /** How many numbers from `from` on; Infinity for all. */
  count: number;
}

export const EVERY_OCCURRENCE: Readonly<ResolvedOccurrence> = { from: 1, count: Infinity };

/** Validates an occurrence, naming the bad field as `<field>.<name>`. */
export function resolveOccurrence(occurrence: S3Occurrence | undefined, field: string): Readonly<ResolvedOccurrence> {
  if (occurrence === undefined) return EVERY_OCCURRENCE;
  if (typeof occurrence !== "object" || occurrence === null)
    throw new FaultParameterError(field, `must be { nth } or { from, count? }, got ${JSON.stringify(occurrence)}`);
  const { nth, from, count } = occurrence;
  if (nth !== undefined) {
    if (from !== undefined || count !== undefined) throw new FaultParameterError(field, "takes nth, or from with an optional count, not both");
    return { from: positiveInteger(nth, `${field}.nth`), count: 1 };
  }
  if (from === undefined) throw new FaultParameterError(field, "needs nth or from");
  return { from: positiveInteger(from, `${field}.from`), count: count === undefined ? Infinity : positiveInteger(count, `${field}.count`) };
}

/** Whether the request numbered `number` (from 1) is one the occurrence selects. */
export function selectsOccurrence(occurrence: Readonly<ResolvedOccurrence>, number: number): boolean {
  return number >= occurrence.from && number - occurrence.from < occurrence.count;
}
