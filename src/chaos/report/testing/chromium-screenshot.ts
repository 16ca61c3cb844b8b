import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";

const CHROMIUM_NAMES = ["chromium", "chromium-browser"];
const SCREENSHOT_TIMEOUT_MS = 60_000;

/** The first `chromium` or `chromium-browser` executable on PATH, or null. */
export function findChromium(): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of CHROMIUM_NAMES) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return null;
}

/**
 * Screenshots an HTML file with headless Chromium in its own process group and
 * profile directory; the whole group is killed afterwards, also on timeout or
 * failure, and the profile removed.
 */
export async function screenshotHtml(chromium: string, htmlFile: string, pngFile: string, size: { width: number; height: number }): Promise<void> {
  const profile = await mkdtemp(join(tmpdir(), "report-chromium-profile-"));
  const child = spawn(
    chromium,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--no-first-run",
      "--disable-dev-shm-usage",
      `--user-data-dir=${profile}`,
      `--screenshot=${pngFile}`,
      `--window-size=${size.width},${size.height}`,
      pathToFileURL(htmlFile).href,
    ],
    { detached: true, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code) => resolve(code));
      timer = setTimeout(() => reject(new Error(`chromium did not finish the screenshot within ${SCREENSHOT_TIMEOUT_MS} ms`)), SCREENSHOT_TIMEOUT_MS);
    });
    if (exitCode !== 0) throw new Error(`chromium exited with ${exitCode}: ${stderr}`);
  } finally {
    clearTimeout(timer);
    killProcessGroup(child.pid);
    await rm(profile, { recursive: true, force: true, maxRetries: 5 });
  }
}

function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
