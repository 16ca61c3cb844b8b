import { resolveS3FaultSpec, type FaultHandle, type S3FaultSpec } from "../core/index.ts";
import type { ActionContext, FaultAction, Trigger } from "../experiment/index.ts";
import { afterMs, afterProgress, atLaunch, fault, whileStatementRuns } from "../experiment/index.ts";
import { resolveRuleSpec, type PostgresRuleSpec, type StatementMatch } from "../postgres-proxy/index.ts";
import type { ToxicSpec } from "../toxiproxy/index.ts";
import type { FaultDeclaration, FaultSpecDeclaration, PostgresRuleDeclaration, StatementMatchDeclaration, TriggerDeclaration } from "./experiment-file.ts";
import type { ProblemList } from "./problem-list.ts";

type Inject = (context: ActionContext) => Promise<FaultHandle>;

/** The method's fault actions; a fault or trigger the library refuses is a problem at its field, and every entry is checked. */
export function methodFromFile(entries: readonly FaultDeclaration[], problems: ProblemList): FaultAction[] {
  return entries.flatMap((entry, index) => {
    const inject = problems.attempt(["method", index, "fault"], () => injectorFor(entry.fault), undefined);
    const trigger = problems.attempt(["method", index, "when"], () => triggerFromFile(entry.when), undefined);
    if (inject === undefined || trigger === undefined) return [];
    const action = fault(entry.name, inject).when(trigger);
    return [entry.forMs === undefined ? action : action.for(entry.forMs)];
  });
}

/** A fault by kind, checked now (as its library method would check it) so that a bad parameter is reported with the file's line. */
function injectorFor(spec: FaultSpecDeclaration): Inject {
  switch (spec.kind) {
    case "kill":
      return ({ faults }) => faults.kill(spec.service, { restartOnRemove: spec.restartOnRemove });
    case "stop":
      return ({ faults }) => faults.stop(spec.service, { restartOnRemove: spec.restartOnRemove });
    case "pause":
      return ({ faults }) => faults.pause(spec.service, { durationMs: spec.durationMs });
    case "partition":
      return ({ faults }) => faults.partition(spec.service);
    case "toxic": {
      const { kind: _kind, service, ...toxic } = spec;
      return ({ faults }) => faults.toxic(service, toxic as ToxicSpec);
    }
    case "s3": {
      const { kind: _kind, ...rule } = spec;
      resolveS3FaultSpec(rule as S3FaultSpec);
      return ({ faults, objectKey }) => faults.s3(underPrefix(rule as S3FaultSpec, objectKey));
    }
    case "postgres": {
      const { kind: _kind, ...rule } = spec;
      const resolved = postgresRule(rule);
      resolveRuleSpec(resolved);
      return ({ faults }) => faults.postgres(resolved);
    }
    case "exhaustConnections":
      return ({ faults }) => faults.exhaustConnections({ reserve: spec.reserve, durationMs: spec.durationMs });
    case "cpuPressure":
      return ({ faults }) => faults.cpuPressure({ workers: spec.workers, durationMs: spec.durationMs });
    case "memoryPressure":
      return ({ faults }) => faults.memoryPressure({ mebibytes: spec.mebibytes, durationMs: spec.durationMs });
    case "killPipeline":
      return ({ pipeline }) => pipeline.kill();
  }
}

/** A file names objects by their corpus keys (`songs/x.mid`); the bucket holds them under the experiment's prefix. */
function underPrefix(rule: S3FaultSpec, objectKey: (corpusKey: string) => string): S3FaultSpec {
  const match = rule.match && {
    ...rule.match,
    ...(rule.match.key !== undefined ? { key: objectKey(rule.match.key) } : {}),
    ...(rule.match.keys !== undefined ? { keys: rule.match.keys.map(objectKey) } : {}),
    ...(rule.match.keyPrefix !== undefined ? { keyPrefix: objectKey(rule.match.keyPrefix) } : {}),
  };
  const key = rule.type === "corrupt" && rule.key !== undefined ? { key: objectKey(rule.key) } : {};
  return { ...rule, ...(match ? { match } : {}), ...key } as S3FaultSpec;
}

/** The rule with its patterns compiled; a pattern that is no regular expression is an error naming its field. */
function postgresRule(rule: PostgresRuleDeclaration): PostgresRuleSpec {
  const { match, ...rest } = rule;
  return (match === undefined ? rest : { ...rest, match: statementMatch(match) }) as PostgresRuleSpec;
}

function statementMatch({ kind, pattern, inTransactionWith, flags }: StatementMatchDeclaration): StatementMatch {
  return {
    ...(kind !== undefined ? { kind } : {}),
    ...(pattern !== undefined ? { pattern: regExp(pattern, flags, "match.pattern") } : {}),
    ...(inTransactionWith !== undefined ? { inTransactionWith: regExp(inTransactionWith, flags, "match.inTransactionWith") } : {}),
  };
}

function triggerFromFile(when: TriggerDeclaration | undefined): Trigger {
  if (when === undefined) return afterMs(0);
  if ("afterMs" in when) return afterMs(when.afterMs);
  if ("afterProgress" in when) return afterProgress(when.afterProgress);
  if ("whileStatementRuns" in when) return whileStatementRuns(regExp(when.whileStatementRuns, "i", "whileStatementRuns"), when.whileStatementRuns);
  return atLaunch;
}

function regExp(source: string, flags: string | undefined, field: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw Object.assign(new Error(`${field}: is not a regular expression: ${(error as Error).message}`), { field });
  }
}
