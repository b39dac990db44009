import { Type, type Static } from "@sinclair/typebox";
import type { Diagnostic, SourceRange } from "../diagnostics";
import { Channel, Scalar } from "./common";
import { Condition, EventCondition, EventPropertyFilter } from "./condition";
import { KINDS, type Stack } from "./stack";

/**
 * Policy as code: one YAML file per stack (`policy.yaml` beside it, or the
 * stack's `policy:` key). Rule levels: `mandatory` findings are errors,
 * `advisory` ones warnings, `info` informational, `off` dropped. Keys are
 * finding codes, `prefix/*` or `*`; the most specific key wins.
 */
export const Level = Type.Union([Type.Literal("off"), Type.Literal("info"), Type.Literal("advisory"), Type.Literal("mandatory")]);
const KindName = Type.Union(KINDS.map((k) => Type.Literal(k)));

/**
 * A condition a requirement asks about: the stack's condition language, where
 * an event's `where` may also be a map of property -> value (equality), and
 * any text may name the selected workflow's tags: `{{ workflow.tags.category }}`
 * is `tents` for a workflow tagged `category:tents`; `{{ workflow.name }}` its name.
 */
export const RequirementCondition = Type.Union([
  Condition,
  Type.Object(
    {
      ...EventCondition.properties,
      where: Type.Union([Type.Array(EventPropertyFilter), Type.Record(Type.String({ minLength: 1 }), Scalar)]),
    },
    { additionalProperties: false },
  ),
]);

/** Which workflows a requirement is about: every key given must match; a list of these matches any of them. */
export const WorkflowSelector = Type.Object(
  {
    /** Any of these tags (`*` matches any text: `category:*`). */
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** Any of these words in the workflow's `purpose` (case and hyphens ignored, `upsell` also matches `upselling`). */
    purpose: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** Sends marketing on any of these channels. */
    channels: Type.Optional(Type.Array(Channel, { minItems: 1, uniqueItems: true })),
    /** Sends a template with any of these tags. */
    template_tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * A suppression or negative-trigger rule: the selected workflows must keep
 * out (`suppress_if`: entry filter or suppression) or let go (`exit_on`:
 * suppression or goal) of the contacts a condition describes.
 */
export const Requirement = Type.Object(
  {
    /** Findings are `requirement/<name>`, so `rules:` can set the level of each. */
    name: Type.String({ pattern: "^[a-z0-9]+(-[a-z0-9]+)*$", description: "lower-case-with-hyphens" }),
    description: Type.Optional(Type.String()),
    /** Severity of its findings unless `rules:` says otherwise (default advisory). */
    level: Type.Optional(Level),
    select: Type.Union([WorkflowSelector, Type.Array(WorkflowSelector, { minItems: 1 })]),
    require: Type.Object(
      {
        /** Nobody who meets this enters: an entry filter or a suppression must exclude them. */
        suppress_if: Type.Optional(RequirementCondition),
        /**
         * Whoever meets this leaves: a suppression or the goal must take them out
         * mid-journey. An event without `within` means "the moment it happens".
         */
        exit_on: Type.Optional(RequirementCondition),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);
export type Requirement = Static<typeof Requirement>;
export type RequirementCondition = Condition | (Omit<EventCondition, "where"> & { where: EventCondition["where"] | Record<string, Scalar> });
export type WorkflowSelector = Static<typeof WorkflowSelector>;

export const PolicySchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    rules: Type.Optional(Type.Record(Type.String({ pattern: "^(\\*|[a-z_]+/(\\*|[a-z0-9-]+))$" }), Level, { additionalProperties: false })),
    governance: Type.Optional(Type.Object(
      {
        require_owner: Type.Optional(Type.Array(KindName, { uniqueItems: true })),
        require_purpose: Type.Optional(Type.Array(KindName, { uniqueItems: true })),
      },
      { additionalProperties: false },
    )),
    /** In addition to environments declared `protected: true` in the stack. */
    protected_environments: Type.Optional(Type.Array(Type.String(), { uniqueItems: true })),
    approvals: Type.Optional(Type.Array(Type.Object(
      {
        description: Type.Optional(Type.String()),
        /** Default: every protected environment. */
        environments: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
        /** Default: every kind. */
        kinds: Type.Optional(Type.Array(KindName, { minItems: 1, uniqueItems: true })),
        /** The changed resource's owner (a user, or any member of the owning team) must approve. */
        owners: Type.Optional(Type.Boolean()),
        /** A member of each of these teams must approve. */
        teams: Type.Optional(Type.Array(Type.String(), { uniqueItems: true })),
        /** Only for changes that reach more contacts than this (the plan's blast radius; unknown counts as more). */
        when: Type.Optional(Type.Object({ audience_over: Type.Integer({ minimum: 0 }) }, { additionalProperties: false })),
        /** At least this many different people must approve the change. */
        count: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      { additionalProperties: false },
    ))),
    safe_rollout: Type.Optional(Type.Object(
      {
        max_percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
        require_holdout: Type.Optional(Type.Boolean()),
        /** Default: every protected environment. */
        environments: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
      },
      { additionalProperties: false },
    )),
    /** Suppression and negative-trigger rules for the workflows they select. */
    requirements: Type.Optional(Type.Array(Requirement)),
    /** Folder of custom rules (`*.ts`), relative to the stack; default `policy`. */
    custom_rules: Type.Optional(Type.String()),
  },
  { additionalProperties: false, $id: "https://mops.dev/schema/policy.json", title: "Mops policy file" },
);
export type PolicyFile = Static<typeof PolicySchema>;
export type Level = Static<typeof Level>;

export interface Policy {
  file?: string;
  rules: Record<string, Level>;
  governance: { require_owner: string[]; require_purpose: string[] };
  protected_environments: string[];
  approvals: NonNullable<PolicyFile["approvals"]>;
  safe_rollout?: PolicyFile["safe_rollout"];
  /** Each with where its `suppress_if` / `exit_on` is written, for findings to point at. */
  requirements: (Requirement & { at?: Partial<Record<keyof Requirement["require"], SourceRange>> })[];
  custom_rules: string;
}

export const DEFAULT_POLICY: Policy = {
  rules: {},
  governance: { require_owner: ["workflow"], require_purpose: ["workflow"] },
  protected_environments: [],
  // With no policy file, a protected environment still needs the owner's approval: that is what protection means.
  approvals: [{ owners: true }],
  requirements: [],
  custom_rules: "policy",
};

/** `locate`: where a path of the policy file is written (the loader knows; in-memory policies have no positions). */
export function policyFrom(p: PolicyFile, file?: string, locate?: (path: (string | number)[]) => SourceRange): Policy {
  return {
    file,
    rules: p.rules ?? {},
    governance: {
      require_owner: p.governance?.require_owner ?? DEFAULT_POLICY.governance.require_owner,
      require_purpose: p.governance?.require_purpose ?? DEFAULT_POLICY.governance.require_purpose,
    },
    protected_environments: p.protected_environments ?? [],
    approvals: p.approvals ?? DEFAULT_POLICY.approvals,
    safe_rollout: p.safe_rollout,
    requirements: (p.requirements ?? []).map((r, i) => ({
      ...r,
      ...(locate ? { at: Object.fromEntries(Object.keys(r.require).map((k) => [k, locate(["requirements", i, "require", k])])) } : {}),
    })),
    custom_rules: p.custom_rules ?? "policy",
  };
}

/** A team's own rule: a function over the stack, or `{ code, check }` (the code is given to findings without one). */
export type CustomRuleExport = ((stack: Stack) => Diagnostic[]) | { code: string; check: (stack: Stack) => Diagnostic[] };
export interface CustomRule { code: string; file: string; check: (stack: Stack) => Diagnostic[] }

