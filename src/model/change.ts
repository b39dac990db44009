import type { Kind } from "./stack";

/**
 * The vocabulary of a change, shared by plans (what will happen) and history
 * (what happened). Decisions are made on these values; words for people come
 * from the renderers (src/report/reasons.ts), never the other way round.
 *
 * Terraform's `plans.Action`: create (+), update (~), replace (-/+ or +/-),
 * delete (-), plus Mops' own: `adopt` (an existing object taken into state
 * because the stack, a flag or `mops import` said so), `manual` (the platform's
 * API cannot do it: a person does it and confirms once), `noop`.
 */
export type Action = "create" | "update" | "replace" | "delete" | "adopt" | "manual" | "noop";
export const ACTIONS: readonly Action[] = ["create", "update", "replace", "delete", "adopt", "manual", "noop"];

/**
 * How the two halves of a replace are ordered. `delete-before-create` when the
 * platform refuses two objects of one name; `create-before-delete` otherwise,
 * so dependents move to the new object before the old one goes; `drain` when
 * contacts inside the old object must finish first (it stops admitting, and is
 * deleted by a later apply once empty).
 */
export type ReplaceMode = "delete-before-create" | "create-before-delete" | "drain";

/** Why a change has its action (Terraform's `ActionReason`, extended). */
export type ReasonCode =
  /** create: the stack declares it and nothing on the platform is it. */
  | "new"
  /** create: Mops made it before, but it is gone from the platform. */
  | "deleted-outside"
  /** update / replace: the stack differs from the platform. */
  | "stack-changed"
  /** the platform differs from what Mops last applied (drift); the stack wins. */
  | "changed-outside"
  /** update: a resource it refers to is created again or replaced: the reference must point at the new id (`address`). */
  | "dependency-recreated"
  /** replace: these attributes cannot change in place (`attributes`). */
  | "replace-forced"
  /** delete: no longer in the stack. */
  | "removed-from-stack"
  /** delete: no longer in the stack, and already gone from the platform: only state forgets it. */
  | "already-gone"
  /** delete: the previous object of a drained replace has no contacts left (`id`). */
  | "drained"
  /** delete / update (stop admitting): the previous object of a replace, still on the platform (`id`). */
  | "replaced"
  /** adopt: the stack's `import:` entry names this object. */
  | "import-declared"
  /** adopt: `--adopt ADDRESS`. */
  | "adopt-requested"
  /** adopt: `mops import`. */
  | "import-command"
  /** adopt: the object carries this stack's own owner mark (a create whose answer was lost). */
  | "own-mark"
  /** adopt: after adoption it is updated to match the stack. */
  | "update-after-adopt"
  /** manual: the provider cannot manage this kind at all. */
  | "kind-unsupported"
  /** manual: the platform's API cannot create / update / delete it (`operation`). */
  | "api-cannot"
  /** manual: confirmed by a person earlier; the stack changed since. */
  | "manual-changed";

export const REASON_CODES: readonly ReasonCode[] = [
  "new", "deleted-outside", "stack-changed", "changed-outside", "dependency-recreated", "replace-forced",
  "removed-from-stack", "already-gone", "drained", "replaced", "import-declared", "adopt-requested", "import-command",
  "own-mark", "update-after-adopt", "kind-unsupported", "api-cannot", "manual-changed",
];

export interface Reason {
  code: ReasonCode;
  /** The other resource the reason is about (dependency-recreated). */
  address?: string;
  /** Top-level attributes the reason is about (replace-forced). */
  attributes?: string[];
  /** The platform operation the reason is about (api-cannot). */
  operation?: "create" | "update" | "delete";
  /** A platform id the reason is about (drained). */
  id?: string;
}

export interface AttributeChange {
  /** JSON path inside the spec, e.g. `steps[2].template`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

/**
 * One change as history keeps it: enough to say what a version did and to
 * find the version that last changed a resource, without the specs (the
 * version's desired stack holds those).
 */
export interface ChangeRecord {
  address: string;
  kind: Kind;
  name: string;
  action: Exclude<Action, "noop">;
  reasons: Reason[];
  id?: string;
  replaceMode?: ReplaceMode;
  /** Changed attribute paths (values are in the desired stacks). */
  paths?: string[];
}

/** Counts of a plan or a version by what people care about (Terraform's summary line). */
export interface ChangeSummary {
  add: number;
  change: number;
  replace: number;
  destroy: number;
  manual: number;
  adopt: number;
  drifted: number;
}

/**
 * The counts of a list of changes (a plan's or a version's): an adoption
 * that also updates counts as a change, like Terraform's import-and-update.
 */
export function summaryOf<T extends { action: Action }>(
  items: readonly T[],
  updatesOnAdopt: (t: T) => boolean,
  drifted: (t: T) => boolean = () => false,
): ChangeSummary {
  const n = (a: Action) => items.filter((c) => c.action === a).length;
  return {
    add: n("create"),
    change: n("update") + items.filter((c) => c.action === "adopt" && updatesOnAdopt(c)).length,
    replace: n("replace"),
    destroy: n("delete"),
    manual: n("manual"),
    adopt: n("adopt"),
    drifted: items.filter(drifted).length,
  };
}
