// Loaded with `node --import` into each pipeline process of the Lakh bench: on exit it writes the
// process's peak resident set (getrusage's ru_maxrss, KiB on Linux) to $LAKH_PEAK_RSS_FILE, which
// polling from outside could miss between two samples.
import { writeFileSync } from "node:fs";

const file = process.env.LAKH_PEAK_RSS_FILE;
if (file) process.on("exit", () => writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })));
