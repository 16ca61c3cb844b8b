// Child-process entry of the embedded S3 server. Plain JavaScript on purpose:
// it is started with --openssl-legacy-provider (s3rver's paging tokens use DES)
// and needs no TypeScript loader. Prints one JSON line when listening.
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import S3rver from "s3rver";

const [directory, portText] = process.argv.slice(2);
const server = new S3rver({
  address: "127.0.0.1",
  port: Number(portText ?? 0),
  directory,
  silent: true,
  resetOnClose: false,
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);

const close = async () => {
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.once("SIGTERM", close);
process.once("SIGINT", close);
// The parent holds our stdin open; end of file means it died without stopping us
// (e.g. SIGKILL), so nobody else will clean up: remove the data and exit.
process.stdin.once("end", () => {
  rmSync(dirname(directory), { recursive: true, force: true });
  process.exit(0);
});
process.stdin.resume();
