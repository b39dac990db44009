import type { Diagnostic } from "../diagnostics";
import type { Kind, Resource } from "../model";
import type { AudienceEstimate } from "../provider/types";

/**
 * Contacts a change reaches as the platform counts them (no size: unknown). A
 * workflow's is its trigger segment's (`via`); one started by an event, a date
 * or by hand has none to count (`trigger`).
 */
export type PlanAudience = AudienceEstimate & { via?: string; trigger?: "event" | "date" | "manual" };

/**
 * Terraform's vocabulary: create (+), update (~), replace (-/+), delete (-).
 * `manual`: the platform's API cannot make this change; the plan says what to do by hand.
 * `adopt`: a live object with the same name is taken into state (import).
 */
export type Action = "create" | "update" | "replace" | "delete" | "noop" | "manual" | "adopt";

export interface AttributeChange {
  /** JSON path inside the spec, e.g. `steps[2].template`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ResourceChange {
  address: string;
  kind: Kind;
  name: string;
  action: Action;
  /** Platform id when the object exists. */
  id?: string;
  /** Live spec (or last applied when live is missing). */
  before?: Resource["spec"];
  /** Desired spec, normalised. */
  after?: Resource["spec"];
  attributes?: AttributeChange[];
  /** Why this action: "not in state", "changed outside Mops", "platform cannot update `type` in place". */
  reasons: string[];
  /** Live differs from what Mops last applied. */
  drift?: AttributeChange[];
  /** For manual actions: the steps to take in the platform's UI. */
  manual?: string;
  /** Addresses that must be done before this one. */
  dependsOn?: string[];
  /** Platform concurrency token of the live object the plan read. */
  version?: string;
}

export interface PlanFingerprints {
  /** sha256 of the canonical desired stack. */
  desired: string;
  lineage: string;
  stateSerial: number;
  /** sha256 of the canonical live objects read by refresh. */
  live: string;
  /** Per live object (keyed by address, `#id` added for same-name duplicates): says which object changed. */
  liveObjects?: Record<string, string>;
  /** Per desired resource (normalised spec): says which declaration changed. */
  desiredResources?: Record<string, string>;
}

export interface Plan {
  formatVersion: 1;
  stack: string;
  environment: string;
  provider: string;
  createdAt: string;
  /** Every address considered, including no-ops (renderers hide them). */
  changes: ResourceChange[];
  summary: { add: number; change: number; replace: number; destroy: number; manual: number; adopt: number; drifted: number };
  fingerprints: PlanFingerprints;
  /** Analysis findings and provider notes at plan time. */
  diagnostics: Diagnostic[];
  /** Rollback plans name the version whose desired state they restore. */
  rollbackOf?: number;
  /** Blast radius per created or changed segment and workflow address (see plan/audience.ts). */
  audience?: Record<string, PlanAudience>;
}

export const hasChanges = (p: Plan): boolean => p.changes.some((c) => c.action !== "noop");
