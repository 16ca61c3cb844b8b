/** Test support for TCP-level checks of the proxy (tests and benchmarks). */
export { TcpTestKit, SocketReader, readToEnd, closedWithin, type ReadResult } from "../tcp-test-kit.ts";
