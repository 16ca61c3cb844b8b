/**
 * What every Chaos Mesh experiment object (chaos-mesh.org/v1alpha1) shares:
 * metadata, a pod selector, a selection mode and an optional duration.
 */
import { FaultParameterError } from "../../core/index.ts";
import { dnsLabel, goDuration, integerIn, labelMap } from "./chaos-parameters.ts";

export const CHAOS_MESH_GROUP = "chaos-mesh.org";
export const CHAOS_MESH_VERSION = "v1alpha1";
export const CHAOS_MESH_API_VERSION = `${CHAOS_MESH_GROUP}/${CHAOS_MESH_VERSION}` as const;

export type ChaosKind = "PodChaos" | "NetworkChaos" | "StressChaos" | "IOChaos" | "HTTPChaos";

/** The resource (URL) name of each kind. */
export const CHAOS_PLURALS: Readonly<Record<ChaosKind, string>> = {
  PodChaos: "podchaos",
  NetworkChaos: "networkchaos",
  StressChaos: "stresschaos",
  IOChaos: "iochaos",
  HTTPChaos: "httpchaos",
};

/**
 * How many of the selected pods are affected: `one` at random, `all`,
 * `fixed` (`value` pods), `fixed-percent` (`value` % of them) or
 * `random-max-percent` (a random share up to `value` %).
 */
export type SelectionMode = "one" | "all" | "fixed" | "fixed-percent" | "random-max-percent";
export const SELECTION_MODES: readonly SelectionMode[] = ["one", "all", "fixed", "fixed-percent", "random-max-percent"];

/** Pods by namespace and labels (all labels must match). */
export interface PodSelectorInput {
  namespaces: readonly string[];
  labelSelectors?: Readonly<Record<string, string>>;
}

/** Which pods, and how many of them. */
export interface PodSelectionInput {
  selector: PodSelectorInput;
  /** Default "all". */
  mode?: SelectionMode;
  /** Pod count for `fixed`, percentage (1..100) for the percent modes; not allowed otherwise. */
  value?: number;
}

/** Fields of every chaos object input. */
export interface ChaosCommonInput extends PodSelectionInput {
  /** Object name (an RFC 1123 label). */
  name: string;
  /** Namespace the object is created in. */
  namespace: string;
  labels?: Readonly<Record<string, string>>;
  /** Chaos Mesh ends the fault by itself after this many milliseconds; without it, only deleting the object does. */
  durationMs?: number;
}

/** The selector as Chaos Mesh writes it. */
export interface ChaosSelector {
  namespaces: string[];
  labelSelectors?: Record<string, string>;
}

/** The `mode`/`value`/`selector` triple, as in a spec or a NetworkChaos `target`. */
export interface ChaosSelection {
  mode: SelectionMode;
  value?: string;
  selector: ChaosSelector;
}

export interface ChaosMetadata {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
}

/** A Chaos Mesh object ready to send: `kind` fixes the spec's shape. */
export interface ChaosMeshObject<K extends ChaosKind = ChaosKind, S extends object = object> {
  apiVersion: typeof CHAOS_MESH_API_VERSION;
  kind: K;
  metadata: ChaosMetadata;
  spec: S;
}

/** Validates the pod selection; field names are prefixed with `field` (e.g. "target"). */
export function buildSelection(input: PodSelectionInput, field = ""): ChaosSelection {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const { selector } = input;
  if (typeof selector !== "object" || selector === null) throw new FaultParameterError(at("selector"), "is required");
  if (!Array.isArray(selector.namespaces) || selector.namespaces.length === 0)
    throw new FaultParameterError(at("selector.namespaces"), "must name at least one namespace");
  const namespaces = selector.namespaces.map((namespace, index) => dnsLabel(namespace, at(`selector.namespaces[${index}]`)));
  const labelSelectors = labelMap(selector.labelSelectors, at("selector.labelSelectors"));
  const mode = input.mode ?? "all";
  if (!SELECTION_MODES.includes(mode)) throw new FaultParameterError(at("mode"), `must be one of ${SELECTION_MODES.join(", ")}, got ${JSON.stringify(mode)}`);
  const built: ChaosSelection = { mode, selector: { namespaces, ...(labelSelectors && Object.keys(labelSelectors).length > 0 ? { labelSelectors } : {}) } };
  if (mode === "one" || mode === "all") {
    if (input.value !== undefined)
      throw new FaultParameterError(at("value"), `is only allowed with mode fixed, fixed-percent or random-max-percent, not ${mode}`);
  } else {
    if (input.value === undefined) throw new FaultParameterError(at("value"), `is required with mode ${mode}`);
    built.value = String(mode === "fixed" ? integerIn(input.value, 1, Number.MAX_SAFE_INTEGER, at("value")) : integerIn(input.value, 1, 100, at("value")));
  }
  return built;
}

/** Metadata, selection and duration of a spec, validated. */
export function buildCommon(input: ChaosCommonInput): { metadata: ChaosMetadata; selection: ChaosSelection; duration: string | undefined } {
  const labels = labelMap(input.labels, "labels");
  return {
    metadata: { name: dnsLabel(input.name, "name"), namespace: dnsLabel(input.namespace, "namespace"), ...(labels ? { labels } : {}) },
    selection: buildSelection(input),
    duration: input.durationMs === undefined ? undefined : goDuration(input.durationMs, "durationMs"),
  };
}

/** Assembles an object, leaving out the spec fields that are undefined (Kubernetes would store them as null). */
export function chaosObject<K extends ChaosKind, S extends object>(kind: K, metadata: ChaosMetadata, spec: S): ChaosMeshObject<K, S> {
  return { apiVersion: CHAOS_MESH_API_VERSION, kind, metadata, spec: withoutUndefined(spec) };
}

/** A copy without the keys whose value is undefined. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
