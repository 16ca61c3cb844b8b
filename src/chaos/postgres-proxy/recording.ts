/** Counts of everything the proxy saw, from which a later step enumerates fault points. */
import type { Statement, StatementKind } from "./statement.ts";

/** One distinct statement (by normalised text) and how often it was executed. */
export interface StatementCount {
  readonly statement: string;
  readonly kind: StatementKind;
  readonly count: number;
}

export interface ProxyRecording {
  /** Startup messages (new sessions) seen. */
  readonly connects: number;
  readonly begins: number;
  readonly commits: number;
  readonly rollbacks: number;
  /** COPY statements per table, as written. */
  readonly copies: Readonly<Record<string, number>>;
  /** Distinct statements in order of first appearance. */
  readonly statements: readonly StatementCount[];
}

export class Recorder {
  private connects = 0;
  private readonly byKind = new Map<StatementKind, number>();
  private readonly copies: Record<string, number> = {};
  private readonly statements = new Map<string, { kind: StatementKind; count: number }>();

  connect(): void {
    this.connects++;
  }

  statement(statement: Statement): void {
    this.byKind.set(statement.kind, (this.byKind.get(statement.kind) ?? 0) + 1);
    if (statement.copyTable !== undefined) this.copies[statement.copyTable] = (this.copies[statement.copyTable] ?? 0) + 1;
    const entry = this.statements.get(statement.normalized);
    if (entry) entry.count++;
    else this.statements.set(statement.normalized, { kind: statement.kind, count: 1 });
  }

  snapshot(): ProxyRecording {
    return {
      connects: this.connects,
      begins: this.byKind.get("begin") ?? 0,
      commits: this.byKind.get("commit") ?? 0,
      rollbacks: this.byKind.get("rollback") ?? 0,
      copies: { ...this.copies },
      statements: [...this.statements].map(([statement, { kind, count }]) => ({ statement, kind, count })),
    };
  }
}
