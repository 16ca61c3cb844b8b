import type { CellResult } from "./cell-run.ts";
import { scheduleJson, type FaultSchedule } from "./fault-schedule.ts";

/** The one-line command that runs `cell` alone: its full name as the filter (a filter matches names containing it). */
export function cellReplayCommand(cell: Pick<CellResult, "name">): string {
  return `npm run explore -- --filter ${shellQuote(cell.name)}`;
}

/** The one-line command that replays exactly `schedule` (a fresh recording and golden run, then that schedule). */
export function scheduleReplayCommand(schedule: FaultSchedule): string {
  return `npm run explore -- --schedule ${shellQuote(scheduleJson(schedule))}`;
}

/** `text` as one POSIX shell word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
