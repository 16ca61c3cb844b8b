/**
 * The servers behind the proxies in the proxy bench, run as a plain Node
 * child (no tsx, nothing else loaded) so they cost the same on every path:
 * - sink: reads a decimal byte count and a newline, then that many bytes,
 *   and answers the count it read (upload);
 * - source: reads a decimal byte count and a newline, sends that many bytes
 *   (respecting backpressure), then ends (download);
 * Neither waits for the client's FIN: the real Toxiproxy does not pass a
 * half-close on, it closes the whole connection.
 * - echo: sends back what it receives (round trips, request rate).
 * Prints their addresses as one JSON line (`BenchServerAddresses`).
 */
export interface BenchServerAddresses {
  sink: string;
  source: string;
  echo: string;
}

/** Bytes the source server writes at a time. */
export const SOURCE_WRITE_BYTES = 64 * 1024;

export const BENCH_SERVERS_SCRIPT = `
  import { createServer } from "node:net";
  const listen = (handler) => new Promise((resolve) => {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      socket.on("error", () => {});
      handler(socket);
    });
    server.listen(0, "127.0.0.1", () => resolve("127.0.0.1:" + server.address().port));
  });
  const sink = await listen((socket) => {
    let header = "";
    let expected = -1;
    let bytes = 0;
    socket.on("data", (data) => {
      if (expected < 0) {
        header += data.toString("latin1");
        const newline = header.indexOf("\\n");
        if (newline < 0) return;
        expected = Number(header.slice(0, newline));
        bytes = header.length - newline - 1;
      } else {
        bytes += data.length;
      }
      if (bytes >= expected) socket.end(String(bytes));
    });
  });
  const drained = (socket) => new Promise((resolve) => {
    const done = () => { socket.off("drain", done); socket.off("close", done); resolve(); };
    socket.on("drain", done);
    socket.on("close", done);
  });
  const block = Buffer.alloc(${SOURCE_WRITE_BYTES}, 0x5a);
  const source = await listen((socket) => {
    let request = "";
    const onData = async (data) => {
      request += data.toString();
      const newline = request.indexOf("\\n");
      if (newline < 0) return;
      socket.off("data", onData);
      let left = Number(request.slice(0, newline));
      while (left > 0 && !socket.destroyed) {
        const part = left >= block.length ? block : block.subarray(0, left);
        left -= part.length;
        if (!socket.write(part)) await drained(socket);
      }
      socket.end();
    };
    socket.on("data", onData);
  });
  const echo = await listen((socket) => socket.pipe(socket));
  console.log(JSON.stringify({ sink, source, echo }));
  process.once("SIGTERM", () => process.exit(0));
`;
