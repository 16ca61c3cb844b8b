/**
 * Random fault schedules as JUnit (`explore-schedules-junit.xml`: one test
 * case per schedule run, drawn, shrinking candidate or replay; a red one
 * fails with its verdict, its faults and the line that replays it) and as
 * JSON (`explore-schedules.json`).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { xml } from "./exploration-junit.ts";
import { describeSchedule } from "./fault-schedule.ts";
import type { ScheduleExplorationResult } from "./schedule-exploration.ts";
import { scheduleReplayCommand } from "./replay-command.ts";

export function schedulesJUnit(result: ScheduleExplorationResult): string {
  const red = result.runs.filter((run) => !run.verdict.green).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  let drawn = 0;
  let shrinking = 0;
  const cases = result.runs.map((run) => {
    const label = run.phase === "drawn" ? `schedule ${++drawn}` : run.phase === "shrinking" ? `shrinking ${++shrinking}` : "replay";
    const name = `${result.seed === undefined ? "" : `seed ${result.seed} `}${label}: ${describeSchedule(run.schedule, result.points).replace(/\n/g, "; ")}`;
    const attributes = `classname="explore.schedules" name="${xml(name)}" time="${seconds(run.durationMs)}"`;
    const verdict = `${run.verdict.kind}: ${run.verdict.reason}`;
    if (run.verdict.green) return `    <testcase ${attributes}><system-out>${xml(verdict)}</system-out></testcase>`;
    const detail = [
      verdict,
      ...run.faults.map((fault) => `fault: ${fault.description}: ${fault.fired ? fault.observed : `did not fire (${fault.observed})`}`),
      `replay: ${scheduleReplayCommand(run.schedule)}`,
      `first run output:\n${run.first.outputTail}`,
      run.rerun ? `rerun output:\n${run.rerun.outputTail}` : "",
    ].join("\n");
    return `    <testcase ${attributes}><failure message="${xml(verdict)}" type="${xml(run.verdict.kind)}">${xml(detail)}</failure></testcase>`;
  });
  const totals = `tests="${result.runs.length}" failures="${red}" errors="0"`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="chaos-control explore --schedules" ${totals} time="${seconds(result.durationMs)}">`,
    `  <testsuite name="explore.schedules" timestamp="${xml(result.startedAt)}" ${totals} skipped="0" time="${seconds(result.durationMs)}">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    ``,
  ].join("\n");
}

export interface WrittenSchedules {
  readonly junit: string;
  readonly json: string;
}

export async function writeScheduleReports(result: ScheduleExplorationResult, directory: string): Promise<WrittenSchedules> {
  await mkdir(directory, { recursive: true });
  const files = { junit: join(directory, "explore-schedules-junit.xml"), json: join(directory, "explore-schedules.json") };
  await writeFile(files.junit, schedulesJUnit(result));
  const replay = result.failure ? { replay: scheduleReplayCommand(result.failure.shrunk.schedule) } : {};
  await writeFile(files.json, `${JSON.stringify({ ...result, ...replay }, null, 2)}\n`);
  return files;
}
