import { vi } from "vitest";

/** What a command printed, and its exit code. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an in-process command (`argv` → exit code) with its stdout and stderr captured instead of printed. */
export async function runCaptured(command: (argv: string[]) => Promise<number>, argv: string[]): Promise<CommandResult> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await command(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
