import { FaultParameterError } from "../../core/index.ts";
import { buildCommon, chaosObject, type ChaosCommonInput, type ChaosMeshObject, type ChaosSelection } from "./chaos-object.ts";
import { absolutePath, goDuration, integerIn, nonEmptyStrings } from "./chaos-parameters.ts";

/** File-system calls IOChaos can intercept. */
export type IoMethod =
  | "lookup"
  | "forget"
  | "getattr"
  | "setattr"
  | "readlink"
  | "mknod"
  | "mkdir"
  | "unlink"
  | "rmdir"
  | "symlink"
  | "rename"
  | "link"
  | "open"
  | "read"
  | "write"
  | "flush"
  | "release"
  | "fsync"
  | "opendir"
  | "readdir"
  | "releasedir"
  | "fsyncdir"
  | "statfs"
  | "setxattr"
  | "getxattr"
  | "listxattr"
  | "removexattr"
  | "access"
  | "create"
  | "getlk"
  | "setlk"
  | "bmap";

/** Options of every IOChaos. */
interface IoCommonInput extends ChaosCommonInput {
  /** Mount path of the volume to intercept, e.g. "/var/lib/postgresql/data". */
  volumePath: string;
  /** Only files matching this path (glob) under the volume; default all. */
  path?: string;
  /** Share of matching calls affected, percent (default 100). */
  percent?: number;
  /** Only these calls; default all. */
  methods?: readonly IoMethod[];
  containerNames?: readonly string[];
}

/** Slow calls (`latency`) or failing calls (`fault`, with an errno such as 5 EIO or 28 ENOSPC). */
export type IOChaosInput = IoCommonInput & ({ action: "latency"; /** Added per call, ms. */ delayMs: number } | { action: "fault"; errno: number });

export interface IOChaosSpec extends ChaosSelection {
  action: "latency" | "fault";
  volumePath: string;
  duration?: string;
  path?: string;
  percent?: number;
  methods?: IoMethod[];
  delay?: string;
  errno?: number;
  containerNames?: string[];
}

export type IOChaos = ChaosMeshObject<"IOChaos", IOChaosSpec>;

/** An IOChaos object (it injects a FUSE layer: the container is restarted once to mount it). */
export function ioChaos(input: IOChaosInput): IOChaos {
  const { metadata, selection, duration } = buildCommon(input);
  const spec: IOChaosSpec = {
    action: input.action,
    ...selection,
    volumePath: absolutePath(input.volumePath, "volumePath"),
    duration,
    path: input.path === undefined ? undefined : absolutePath(input.path, "path"),
    percent: input.percent === undefined ? undefined : integerIn(input.percent, 1, 100, "percent"),
    methods: nonEmptyStrings(input.methods, "methods") as IoMethod[] | undefined,
    containerNames: nonEmptyStrings(input.containerNames, "containerNames"),
  };
  if (input.action === "latency") spec.delay = goDuration(input.delayMs, "delayMs");
  else if (input.action === "fault") spec.errno = integerIn(input.errno, 1, 4095, "errno");
  else throw new FaultParameterError("action", `must be latency or fault, got ${JSON.stringify((input as { action: unknown }).action)}`);
  return chaosObject("IOChaos", metadata, spec);
}
