import type { Diagnostic } from "../diagnostics";
import type { Action, AttributeChange, ChangeSummary, Kind, Reason, ReplaceMode, Resource } from "../model";
import type { OwnerMark } from "../provider";

export type { Action, AttributeChange, ChangeSummary, Reason, ReplaceMode } from "../model";

export interface ResourceChange {
  address: string;
  kind: Kind;
  name: string;
  action: Action;
  /** Why: typed, in order of weight. Renderers turn them into words. */
  reasons: Reason[];
  /** Platform id of the object acted on (the old one, for a replace). */
  id?: string;
  /** Live spec (or last applied when the kind cannot be read). */
  before?: Resource["spec"];
  /** Desired spec, normalised by the provider. */
  after?: Resource["spec"];
  attributes?: AttributeChange[];
  /** Live differs from what Mops last applied. */
  drift?: AttributeChange[];
  replaceMode?: ReplaceMode;
  /** For manual changes: what to do by hand in the platform (the provider's words). */
  manual?: string;
  /** The owner mark of the live object adopted. */
  owner?: OwnerMark;
  /** Platform concurrency token of the live object the plan read. */
  version?: string;
  /** The delete of an object Mops retired earlier (the old half of a replace): it has no address of its own. */
  retired?: boolean;
}

/** One thing apply does: a change has one step, or two for a replace (its halves). */
export type Phase = "create" | "update" | "delete" | "adopt" | "retire" | "confirm";

export interface PlanStep {
  /** `phase:key`, e.g. `create:segment.vip`, `delete:workflow.x@wf_12`. */
  id: string;
  /** The change it carries out (its key: see changeKey). */
  change: string;
  phase: Phase;
  /** Steps that must finish first. */
  after: string[];
}

export interface PlanFingerprints {
  /** sha256 of the canonical desired stack. */
  desired: string;
  lineage: string;
  stateSerial: number;
  /** sha256 of the state's resources and retired objects the plan was made from. */
  state: string;
  /** sha256 of the canonical live objects read by refresh. */
  live: string;
  /** Per live object (keyed by address, `#id` added for same-name duplicates): says which object changed. */
  liveObjects?: Record<string, string>;
  /** Per desired resource (normalised spec): says which declaration changed. */
  desiredResources?: Record<string, string>;
}

/** What the person running the plan asked for, which a saved plan must be recomputed with. */
export interface PlanRequest {
  /** `--adopt ADDRESS`: take over these unowned live objects of the same name. */
  adopt?: string[];
  /** `--force`: adopt even objects another stack's owner mark claims. */
  force?: boolean;
  /** `mops import`: adopt every unowned live object a declared resource names. */
  importAll?: boolean;
}

/** A killed run the plan found in the state's journal: recorded as a version by the next apply. */
export interface RecoveredRun {
  run: string;
  actor: string;
  startedAt: string;
  /** Operations it finished (journaled, or found done on the platform). */
  finished: number;
  /** Operations it started that never happened. */
  abandoned: number;
}

export interface Plan {
  formatVersion: 2;
  stack: string;
  environment: string;
  provider: string;
  createdAt: string;
  /** Every address considered, including no-ops (renderers hide them). */
  changes: ResourceChange[];
  /** What apply carries out, with the order the ordering table gives. */
  steps: PlanStep[];
  summary: ChangeSummary;
  fingerprints: PlanFingerprints;
  request?: PlanRequest;
  /** Analysis findings, provider checks and the plan's own notes (info) and refusals (errors). */
  diagnostics: Diagnostic[];
  /** Rollback plans name the version whose desired state they restore. */
  rollbackOf?: number;
  /** Estimated audience per segment address, where the provider reports sizes. */
  audience?: Record<string, number>;
  recovered?: RecoveredRun;
}

/** A change's identity among the plan's changes: its address, or `address@id` for a retired object. */
export const changeKey = (c: Pick<ResourceChange, "address" | "id" | "retired">): string =>
  c.retired ? `${c.address}@${c.id}` : c.address;

export const hasChanges = (p: Plan): boolean => p.changes.some((c) => c.action !== "noop");
