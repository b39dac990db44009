import { Type, type Static } from "@sinclair/typebox";
import {
  EventSpec, FrequencyCapSpec, PropertySpec, RoleSpec, SegmentSpec, SubscriptionTypeSpec, TeamSpec, TemplateSpec, UserSpec, WorkflowSpec,
} from "./kinds";
import type {
  EventSpec as EventT, FrequencyCapSpec as FrequencyCapT, PropertySpec as PropertyT, RoleSpec as RoleT, SegmentSpec as SegmentT,
  SubscriptionTypeSpec as SubscriptionTypeT, TeamSpec as TeamT, TemplateSpec as TemplateT, UserSpec as UserT, WorkflowSpec as WorkflowT,
} from "./kinds";
import { Name } from "./common";

/** The kinds, in the order a platform needs them to exist (dependencies first). */
export const KINDS = [
  "property", "event", "subscription_type", "team", "role", "user", "template", "segment", "frequency_cap", "workflow",
] as const;
export type Kind = (typeof KINDS)[number];

/** Kind -> the key that holds it in a stack file (`workflows:`). */
export const KIND_KEYS: Record<Kind, string> = {
  property: "properties",
  event: "events",
  subscription_type: "subscription_types",
  team: "teams",
  role: "roles",
  user: "users",
  template: "templates",
  segment: "segments",
  frequency_cap: "frequency_caps",
  workflow: "workflows",
};
export const KIND_OF_KEY: Record<string, Kind> = Object.fromEntries(Object.entries(KIND_KEYS).map(([k, v]) => [v, k as Kind]));

export const SPEC_SCHEMAS = {
  property: PropertySpec,
  event: EventSpec,
  subscription_type: SubscriptionTypeSpec,
  team: TeamSpec,
  role: RoleSpec,
  user: UserSpec,
  template: TemplateSpec,
  segment: SegmentSpec,
  frequency_cap: FrequencyCapSpec,
  workflow: WorkflowSpec,
} as const;

export interface SpecOf {
  property: PropertyT;
  event: EventT;
  subscription_type: SubscriptionTypeT;
  team: TeamT;
  role: RoleT;
  user: UserT;
  template: TemplateT;
  segment: SegmentT;
  frequency_cap: FrequencyCapT;
  workflow: WorkflowT;
}

/** One declared resource. The address `kind.name` is its identity everywhere. */
export type Resource<K extends Kind = Kind> = { [P in K]: { kind: P; name: string; spec: SpecOf[P] } }[K];

export const address = (kind: Kind, name: string): string => `${kind}.${name}`;
export function parseAddress(addr: string): { kind: Kind; name: string } | undefined {
  const i = addr.indexOf(".");
  if (i < 0) return undefined;
  const kind = addr.slice(0, i) as Kind;
  if (!KINDS.includes(kind)) return undefined;
  return { kind, name: addr.slice(i + 1) };
}

/**
 * A credential or setting that must not be stored: `${env:HUBSPOT_TOKEN}` in a
 * stack stays this reference in the model, state, plans and history; it is
 * resolved only when a provider is constructed.
 */
export const SecretRef = Type.Union([
  Type.String({ pattern: "^\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\}$", description: "${env:NAME}" }),
  Type.Object({ env: Type.String() }, { additionalProperties: false }),
  Type.Object({ file: Type.String() }, { additionalProperties: false }),
]);
export type SecretRef = Static<typeof SecretRef>;

export const ProviderConfig = Type.Object(
  {
    type: Type.String({ description: "sandbox | hubspot | klaviyo | braze" }),
    /** Base URL; the sandbox starts in-process when omitted. */
    url: Type.Optional(Type.String()),
    token: Type.Optional(SecretRef),
    /** Requests per second the client allows itself. */
    rate_limit: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    /** Where the embedded sandbox keeps its data (default .mops/sandbox/<env>). */
    data_dir: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type ProviderConfig = Static<typeof ProviderConfig>;

export const StateConfig = Type.Object(
  {
    backend: Type.Union([Type.Literal("local"), Type.Literal("postgres")]),
    /** local: directory (default .mops); postgres: connection string or ${env:…}. */
    path: Type.Optional(Type.String()),
    url: Type.Optional(SecretRef),
  },
  { additionalProperties: false },
);
export type StateConfig = Static<typeof StateConfig>;

/**
 * Adopt an existing platform object into this environment's state (Terraform's
 * `import` block): the plan takes it over instead of refusing a name that is taken.
 */
export const ImportEntry = Type.Object(
  {
    kind: Type.Union(KINDS.map((k) => Type.Literal(k)), { description: KINDS.join(" | ") }),
    name: Name,
    /** The object's id on the platform. */
    id: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type ImportEntry = Static<typeof ImportEntry>;

/** `<kinds>.<name or *>.<attribute>[.<attribute> | [n]]…`: a value of one resource, or of every resource of a kind. */
export const PINNED_PATTERN = "^[a-z_]+\\.(\\*|[a-z][a-z0-9_]*)(\\.[A-Za-z_][A-Za-z0-9_]*(\\[[0-9]+\\])*)+$";

export const Environment = Type.Object(
  {
    description: Type.Optional(Type.String()),
    /** Existing platform objects to adopt into this environment's state. */
    import: Type.Optional(Type.Array(ImportEntry)),
    provider: ProviderConfig,
    state: Type.Optional(StateConfig),
    /** Changes here need owners' approval and safe rollout (policy). */
    protected: Type.Optional(Type.Boolean()),
    /** Per-kind, per-name partial specs merged over the declarations, e.g. `workflows: { welcome: { status: paused } }`. */
    overrides: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown())))),
    /**
     * Values that belong to this environment and are never promoted to or from it (`mops promote`):
     * `<kinds>.<name or *>.<attribute path>`, e.g. `workflows.*.rollout_percent`, `templates.welcome.from_name`.
     */
    pinned: Type.Optional(Type.Array(Type.String({ pattern: PINNED_PATTERN, description: "workflows.<name or *>.<attribute>, e.g. workflows.*.rollout_percent" }), { uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type Environment = Static<typeof Environment>;

/** The resolved, provider-neutral stack for one environment: what the engine plans from. */
export interface Stack {
  name: string;
  description?: string;
  /** The environment this model was resolved for (overrides applied). */
  environment: string;
  environments: Record<string, Environment>;
  /** Sorted by kind (KINDS order) then name, so equal stacks serialise equally. */
  resources: Resource[];
}

/** The header of a stack file: everything that is not a resource. */
export const StackHeader = {
  stack: Name,
  description: Type.Optional(Type.String()),
  environments: Type.Optional(Type.Record(Name, Environment, { additionalProperties: false })),
  /** Default environment when `--env` is not given. */
  default_environment: Type.Optional(Name),
  policy: Type.Optional(Type.String({ description: "path to the policy file, relative to the stack" })),
  /** YAML files whose declarations belong to this stack too: fragments several stacks share. */
  include: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
    uniqueItems: true,
    description: "YAML files (paths or globs, relative to this file) whose declarations belong to this stack, e.g. ../../shared/properties.yaml",
  })),
};
