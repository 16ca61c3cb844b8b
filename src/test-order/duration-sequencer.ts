/**
 * Vitest's file order, longest first also on a fresh clone. Vitest orders the
 * files of a group by the durations it cached from the last run (failed files
 * first, then the longest), and without that cache by file size, which puts a
 * one-minute test anywhere, often last: the group then ends with one worker
 * busy and the other idle. This sequencer keeps Vitest's order where the cache
 * knows a file and otherwise takes the duration recorded in
 * `test-durations.json` (refreshed with `npm run test:durations` after a full
 * run); a file neither knows runs first, as Vitest runs unknown files first.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** `<project>:<file relative to the root>` → milliseconds, as Vitest keys its own results cache. */
export type RecordedDurations = Readonly<Record<string, number>>;

export const RECORDED_DURATIONS_FILE = new URL("./test-durations.json", import.meta.url);

export default class DurationSequencer extends BaseSequencer {
  private recorded: RecordedDurations | undefined;

  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    this.recorded ??= readRecordedDurations();
    const root = this.ctx.config.root;
    const known = new Map(
      files.map((spec) => {
        const key = `${spec.project.name}:${relative(root, spec.moduleId)}`;
        const cached = this.ctx.cache.getFileTestResults(key);
        return [spec, cached ? { failed: cached.failed, duration: cached.duration } : { failed: false, duration: this.recorded![key] }];
      }),
    );
    return Promise.resolve(
      [...files].sort((a, b) => {
        const group = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
        if (group !== 0) return group;
        if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
        const first = known.get(a)!;
        const second = known.get(b)!;
        if (first.duration === undefined || second.duration === undefined) {
          return first.duration === undefined ? (second.duration === undefined ? 0 : -1) : 1;
        }
        if (first.failed !== second.failed) return first.failed ? -1 : 1;
        return second.duration - first.duration;
      }),
    );
  }
}

function readRecordedDurations(): RecordedDurations {
  try {
    return JSON.parse(readFileSync(RECORDED_DURATIONS_FILE, "utf8")) as RecordedDurations;
  } catch {
    return {};
  }
}
