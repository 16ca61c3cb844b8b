import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHAOS_SERIES, chaosSeriesNames, metricNamesIn, pipelineSeriesNames, ROOT } from "./infra-tools.ts";

/** A parsed document, checked field by field (`any` keeps those checks short). */
type Json = Record<string, any>;

const DIR = join(ROOT, "infra/grafana");
const files = readdirSync(DIR).filter((file) => file.endsWith(".json"));
const chaosSeries = await chaosSeriesNames();

function panelsOf(dashboard: Json): Json[] {
  return (dashboard.panels as Json[]).flatMap((panel) => [panel, ...((panel.panels as Json[] | undefined) ?? [])]);
}

describe("Grafana dashboards in infra/grafana", () => {
  it("exist", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  describe.each(files)("%s", (file) => {
    const dashboard = JSON.parse(readFileSync(join(DIR, file), "utf8")) as Json;
    const queried = panelsOf(dashboard).filter((panel) => panel.type !== "row");
    const known = new Set([...pipelineSeriesNames(), ...chaosSeries]);

    it("has a stable uid and a datasource template variable for Prometheus", () => {
      expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      const variable = dashboard.templating.list.find((v: Json) => v.type === "datasource");
      expect(variable?.query).toBe("prometheus");
    });

    it("queries every panel through the datasource variable", () => {
      expect(queried.length).toBeGreaterThan(5);
      for (const panel of queried) {
        expect(panel.datasource?.uid, panel.title).toBe(`\${${dashboard.templating.list.find((v: Json) => v.type === "datasource").name}}`);
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets) {
          expect(target.datasource?.uid ?? panel.datasource.uid, panel.title).toBe(panel.datasource.uid);
          expect(target.expr, panel.title).toBeTruthy();
        }
      }
    });

    it("names only series the pipeline exports (src/pipeline/metrics.ts) or the chaos suite pushes", () => {
      const expressions = [
        ...queried.flatMap((panel) => panel.targets.map((target: Json) => ({ where: panel.title as string, expr: target.expr as string }))),
        ...dashboard.annotations.list.filter((a: Json) => a.expr).map((a: Json) => ({ where: `annotation ${a.name}`, expr: a.expr as string })),
        ...dashboard.templating.list
          .filter((v: Json) => v.type === "query")
          .map((v: Json) => ({ where: `variable ${v.name}`, expr: (v.definition as string).replace(/^label_values\((\w+),.*\)$/, "$1") })),
      ];
      let names = 0;
      for (const { where, expr } of expressions) {
        const selected = metricNamesIn(expr);
        expect(selected.size, `${where}: ${expr}`).toBeGreaterThan(0);
        for (const name of selected) {
          names++;
          expect(known, `${where}: ${name}`).toContain(name);
        }
      }
      expect(names).toBeGreaterThan(10);
    });

    it("shows throughput, errors, retries, quarantines, stage durations and recovery", () => {
      const all = queried.flatMap((panel) => panel.targets.map((target: Json) => target.expr as string)).join("\n");
      for (const series of [
        "scale_objects_parsed_total",
        "scale_rows_written_total",
        "scale_runs_finished_total",
        "scale_retries_total",
        "scale_objects_quarantined_total",
        "scale_stage_duration_seconds_bucket",
        "scale_last_successful_write_timestamp_seconds",
      ]) {
        expect(all).toContain(series);
      }
    });

    it("shows each experiment's verdict, recovery time against its budget and integrity over time", () => {
      const all = queried.flatMap((panel) => panel.targets.map((target: Json) => target.expr as string)).join("\n");
      for (const series of [
        "chaos_experiment_passed",
        "chaos_experiment_recovery_seconds",
        "chaos_experiment_recovery_budget_seconds",
        "chaos_experiment_integrity_ok",
      ]) {
        expect(chaosSeries).toContain(series);
        expect(all).toContain(series);
      }
    });

    it("shades chaos windows with an annotation query on chaos_fault_active", () => {
      const chaos = dashboard.annotations.list.filter((a: Json) => a.expr && metricNamesIn(a.expr).has(CHAOS_SERIES));
      expect(chaos).toHaveLength(1);
      expect(chaos[0].enable).toBe(true);
      expect(chaos[0].datasource.uid).toMatch(/^\$\{\w+\}$/);
    });

    it("gives panels unique ids and no overlapping grid positions", () => {
      const ids = queried.map((panel) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
      const cells = new Set<string>();
      for (const panel of panelsOf(dashboard)) {
        const { x, y, w, h } = panel.gridPos;
        expect(x + w, panel.title).toBeLessThanOrEqual(24);
        for (let row = y; row < y + h; row++) {
          for (let column = x; column < x + w; column++) {
            const cell = `${row}:${column}`;
            expect(cells.has(cell), `${panel.title} overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
        }
      }
    });
  });
});
