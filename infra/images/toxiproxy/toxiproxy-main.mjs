// The project's Toxiproxy-compatible server (src/chaos/toxiproxy/) with the
// command line of the official image's /toxiproxy: `-host=0.0.0.0 -port=8474
// -config=proxies.json` (Go flag syntax: one or two dashes, "=" or a space).
// Bundled into one file by infra/images/build.sh.
import { runToxiproxyCommand } from "../../../src/chaos/toxiproxy/index.ts";

function translate(argv) {
  let host = "0.0.0.0";
  let port = "8474";
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?(host|port|config)(?:=(.*))?$/.exec(argv[i]);
    if (!match) {
      rest.push(argv[i]);
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (match[1] === "host") host = value;
    else if (match[1] === "port") port = value;
    else rest.push("--config", value);
  }
  return ["--listen", `${host.includes(":") ? `[${host}]` : host}:${port}`, ...rest];
}

runToxiproxyCommand(translate(process.argv.slice(2))).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`toxiproxy: ${error.message}\n`);
    process.exit(1);
  },
);
