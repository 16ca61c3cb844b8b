/**
 * Toxics as Toxiproxy 2.x names them, with their attributes and units.
 * `ToxicSpec` is a discriminated union keyed by `type`, so an attribute of
 * one toxic on another (`latency` on a `bandwidth` toxic) does not compile.
 */

/** `upstream` is client -> server, `downstream` server -> client. */
export type ToxicStream = "upstream" | "downstream";
export const TOXIC_STREAMS: readonly ToxicStream[] = ["upstream", "downstream"];

/** Delays every chunk by `latency` ± `jitter`. */
export interface LatencyAttributes {
  /** Added delay, milliseconds. */
  latency: number;
  /** Uniform random variation around `latency`, milliseconds. */
  jitter: number;
}

/** Caps throughput. */
export interface BandwidthAttributes {
  /** Rate in KB/s (1 KB = 1000 bytes); 0 leaves the stream unlimited. */
  rate: number;
}

/** Holds back the close (FIN) of the stream. */
export interface SlowCloseAttributes {
  /** How long the close is held back, milliseconds. */
  delay: number;
}

/** Stops all data; closes the connection after `timeout` unless it is 0. */
export interface TimeoutAttributes {
  /** Milliseconds until the connection is closed; 0 holds data until the toxic is removed. */
  timeout: number;
}

/** Resets the connection (TCP RST) once data arrives, after `timeout`. */
export interface ResetPeerAttributes {
  /** Milliseconds between the first data seen and the reset. */
  timeout: number;
}

/** Cuts data into small chunks, optionally spaced in time. */
export interface SlicerAttributes {
  /** Mean chunk size, bytes (at least 1). */
  average_size: number;
  /** Chunk sizes vary by ± this many bytes. */
  size_variation: number;
  /** Pause between chunks, MICROseconds (the only toxic attribute not in ms). */
  delay: number;
}

/** Closes the connection once `bytes` have passed in this direction. */
export interface LimitDataAttributes {
  /** Bytes let through before the close. */
  bytes: number;
}

/** Passes data unchanged (Toxiproxy's `noop`). */
export type NoopAttributes = Record<string, never>;

/** Each toxic type's complete attributes, as the API reports them. */
export interface ToxicAttributesByType {
  latency: LatencyAttributes;
  bandwidth: BandwidthAttributes;
  slow_close: SlowCloseAttributes;
  timeout: TimeoutAttributes;
  reset_peer: ResetPeerAttributes;
  slicer: SlicerAttributes;
  limit_data: LimitDataAttributes;
  noop: NoopAttributes;
}

export type ToxicType = keyof ToxicAttributesByType;
export const TOXIC_TYPES: readonly ToxicType[] = ["latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data", "noop"];

/** Attributes a caller must give; the rest default to 0 as in Toxiproxy. */
interface RequiredAttributes {
  latency: "latency";
  bandwidth: "rate";
  slow_close: "delay";
  timeout: "timeout";
  reset_peer: never;
  slicer: "average_size";
  limit_data: "bytes";
  noop: never;
}

export type ToxicAttributesInput<T extends ToxicType> = Pick<ToxicAttributesByType[T], RequiredAttributes[T] & keyof ToxicAttributesByType[T]> &
  Partial<ToxicAttributesByType[T]>;

interface ToxicOptions {
  /** Unique within the proxy; defaults to `<type>_<stream>`. */
  name?: string;
  /** Defaults to `downstream`. */
  stream?: ToxicStream;
  /** Probability (0..1) that a connection gets this toxic; defaults to 1. */
  toxicity?: number;
}

/** A toxic to add, e.g. `{ type: "latency", attributes: { latency: 100 } }`. */
export type ToxicSpec = {
  [T in ToxicType]: ToxicOptions & { type: T } & ([RequiredAttributes[T]] extends [never]
      ? { attributes?: ToxicAttributesInput<T> }
      : { attributes: ToxicAttributesInput<T> });
}[ToxicType];

/** A toxic as the API reports it. */
export type Toxic<T extends ToxicType = ToxicType> = {
  [K in T]: {
    attributes: ToxicAttributesByType[K];
    name: string;
    type: K;
    stream: ToxicStream;
    toxicity: number;
  };
}[T];

/** A change to an existing toxic: only attributes and toxicity can change. */
export type ToxicUpdate = {
  [T in ToxicType]: {
    /** The toxic's type, for type checking; not sent. */
    type: T;
    toxicity?: number;
    attributes?: Partial<ToxicAttributesByType[T]>;
  };
}[ToxicType];
