import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { applyEdit, type Mutant } from "./mutant.ts";

/** Top-level entries never copied: dependencies are linked, history and old reports are not needed. */
const SKIPPED = new Set(["node_modules", ".git", "reports", ".tmp"]);

/** A copy of the repository in a temporary directory outside it, removed by {@link ScratchCopy.remove} (idempotent) or `await using`. */
export class ScratchCopy implements AsyncDisposable {
  private removed = false;

  private constructor(readonly root: string) {}

  /** Copies `repoRoot` (without node_modules, .git and reports) and links its node_modules, then applies `mutant`'s edit if given. */
  static async create(repoRoot: string, mutant?: Mutant): Promise<ScratchCopy> {
    const root = await mkdtemp(join(tmpdir(), `chaos-mutant-${mutant?.id ?? "pristine"}-`));
    const copy = new ScratchCopy(root);
    try {
      await cp(repoRoot, root, {
        recursive: true,
        filter: (source) => {
          const top = relative(repoRoot, source).split(sep)[0] ?? "";
          return !SKIPPED.has(top);
        },
      });
      await symlink(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir");
      if (mutant) await copy.apply(mutant);
      return copy;
    } catch (error) {
      await copy.remove();
      throw error;
    }
  }

  /** Applies the mutant's edit to this copy; fails unless the text occurs exactly once. */
  async apply(mutant: Mutant): Promise<void> {
    const path = join(this.root, mutant.edit.file);
    await writeFile(path, applyEdit(mutant, await readFile(path, "utf8")));
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    await rm(this.root, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.remove();
  }
}
