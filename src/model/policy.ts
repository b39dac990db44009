import { Type, type Static } from "@sinclair/typebox";
import type { Diagnostic } from "../diagnostics";
import { KINDS, type Stack } from "./stack";

/**
 * Policy as code: one YAML file per stack (`policy.yaml` beside it, or the
 * stack's `policy:` key). Rule levels: `mandatory` findings are errors,
 * `advisory` ones warnings, `info` informational, `off` dropped. Keys are
 * finding codes, `prefix/*` or `*`; the most specific key wins.
 */
export const Level = Type.Union([Type.Literal("off"), Type.Literal("info"), Type.Literal("advisory"), Type.Literal("mandatory")]);
const KindName = Type.Union(KINDS.map((k) => Type.Literal(k)));

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
  custom_rules: string;
}

export const DEFAULT_POLICY: Policy = {
  rules: {},
  governance: { require_owner: ["workflow"], require_purpose: ["workflow"] },
  protected_environments: [],
  // With no policy file, a protected environment still needs the owner's approval: that is what protection means.
  approvals: [{ owners: true }],
  custom_rules: "policy",
};

export function policyFrom(p: PolicyFile, file?: string): Policy {
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
    custom_rules: p.custom_rules ?? "policy",
  };
}

/** A team's own rule: a function over the stack, or `{ code, check }` (the code is given to findings without one). */
export type CustomRuleExport = ((stack: Stack) => Diagnostic[]) | { code: string; check: (stack: Stack) => Diagnostic[] };
export interface CustomRule { code: string; file: string; check: (stack: Stack) => Diagnostic[] }

