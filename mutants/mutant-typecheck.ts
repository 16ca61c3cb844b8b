import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { applyEdit, type Mutant } from "./mutant.ts";

/**
 * Type-checks each mutant's changed file in memory, against the repository's
 * tsconfig, without a scratch copy: one program, rebuilt per mutant with the
 * unchanged files reused. Resolves to the compiler's messages per mutant id
 * (empty: it compiles). Only the changed file is checked; no edit in the
 * catalogue changes an exported type, so its importers are unaffected.
 */
export function typecheckMutants(repoRoot: string, mutants: readonly Mutant[]): Map<string, string[]> {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(repoRoot, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${join(repoRoot, "tsconfig.json")}`);
  const host = ts.createCompilerHost(parsed.options);
  const original = host.getSourceFile.bind(host);
  const unchanged = new Map<string, ts.SourceFile>();
  let override: { path: string; text: string } | undefined;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const path = resolve(fileName);
    if (override?.path === path) return ts.createSourceFile(fileName, override.text, languageVersion, true);
    let file = unchanged.get(path);
    if (!file) {
      file = original(fileName, languageVersion, onError, shouldCreate);
      if (file) unchanged.set(path, file);
    }
    return file;
  };
  const results = new Map<string, string[]>();
  let program: ts.Program | undefined;
  for (const mutant of mutants) {
    const path = resolve(repoRoot, mutant.edit.file);
    override = { path, text: applyEdit(mutant, readFileSync(path, "utf8")) };
    program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host, oldProgram: program });
    const file = program.getSourceFile(path);
    if (!file) throw new Error(`mutant ${mutant.id}: ${mutant.edit.file} is not part of the TypeScript program`);
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    results.set(
      mutant.id,
      diagnostics.map((diagnostic) => {
        const line = diagnostic.start === undefined ? "?" : String(file.getLineAndCharacterOfPosition(diagnostic.start).line + 1);
        return `${mutant.edit.file}:${line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`;
      }),
    );
  }
  return results;
}
