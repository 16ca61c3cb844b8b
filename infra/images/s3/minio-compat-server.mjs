// An S3 server (s3rver) behind the part of the MinIO image's interface that
// @testcontainers/minio and compose files rely on:
//   command  `server [--address :9000] [--console-address :9001] /data`
//   env      MINIO_ROOT_USER / MINIO_ROOT_PASSWORD (default minioadmin), the only accepted keys
//   health   GET|HEAD /minio/health/live and /minio/health/ready on the API port answer 200
// The console port answers 200 to anything (there is no console).
// Bundled with esbuild into one file by infra/images/build.sh; runs with
// --openssl-legacy-provider because s3rver's paging tokens use DES.
import { createServer } from "node:http";
import S3rver from "s3rver";
import AWSAccount from "s3rver/lib/models/account.js";

const HEALTH_PATHS = new Set(["/minio/health/live", "/minio/health/ready", "/minio/health/cluster"]);

function parseArgs(argv) {
  const args = argv[0] === "server" ? argv.slice(1) : argv;
  const options = { address: ":9000", consoleAddress: ":9001", directory: "/data" };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.split("=", 2);
    const value = () => inline ?? args[++i];
    if (flag === "--address") options.address = value();
    else if (flag === "--console-address") options.consoleAddress = value();
    else if (flag.startsWith("--")) throw new Error(`unsupported option ${flag}`);
    else options.directory = arg;
  }
  return options;
}

function hostPort(address) {
  const colon = address.lastIndexOf(":");
  return { host: address.slice(0, colon) || "0.0.0.0", port: Number(address.slice(colon + 1)) };
}

function listen(server, { host, port }) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const user = process.env.MINIO_ROOT_USER || "minioadmin";
  const password = process.env.MINIO_ROOT_PASSWORD || "minioadmin";
  AWSAccount.DUMMY_ACCOUNT.revokeAccessKey("S3RVER");
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(user, password);

  const s3 = new S3rver({ directory: options.directory, silent: true, resetOnClose: false });
  await s3.configureBuckets();
  const handle = s3.callback();
  const api = createServer((request, response) => {
    const path = (request.url ?? "/").split("?", 1)[0];
    if (HEALTH_PATHS.has(path) && (request.method === "GET" || request.method === "HEAD")) {
      response.writeHead(200, { "Content-Length": "0" }).end();
      return;
    }
    handle(request, response);
  });
  const console_ = createServer((_request, response) => response.writeHead(200, { "Content-Type": "text/plain" }).end("no console\n"));
  await listen(api, hostPort(options.address));
  await listen(console_, hostPort(options.consoleAddress));
  process.stdout.write(`API: http://${options.address.startsWith(":") ? "0.0.0.0" : ""}${options.address} (s3rver, data in ${options.directory})\n`);

  const stop = () => {
    api.close();
    console_.close();
    api.closeAllConnections();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error) => {
  process.stderr.write(`minio-compat-server: ${error.message}\n`);
  process.exit(1);
});
