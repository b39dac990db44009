import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { Channel, Duration, Name, Percent, Scalar, Tags } from "./common";
import { Condition, EventCondition } from "./condition";

/**
 * Schema annotation of a field whose value is shown masked in plans, comments
 * and history views (a URL with a token). Editors ignore it; Mops' renderers
 * ask `isSensitivePath`.
 */
export const SENSITIVE = "x-sensitive";

/* ------------------------------------------------------------------ property */
export const PropertyType = Type.Union(
  ["string", "number", "boolean", "date", "enum", "list"].map((t) => Type.Literal(t)),
  { description: "string | number | boolean | date | enum | list" },
);
export const PropertySpec = Type.Object(
  {
    type: PropertyType,
    label: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    /** Allowed values, for `enum` (and optionally `list`). */
    values: Type.Optional(Type.Array(Type.String(), { minItems: 1, uniqueItems: true })),
    /** Every contact has it: personalization needs no fallback. */
    required: Type.Optional(Type.Boolean()),
    /** Value used by merge fields when the contact has none. */
    fallback: Type.Optional(Scalar),
    /** Personally identifiable: never shown in examples or witnesses verbatim. */
    pii: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PropertySpec = Static<typeof PropertySpec>;

/* --------------------------------------------------------------------- event */
/** One property an event carries: `{ type: number }`, `{ type: enum, values: [EUR, USD] }`. */
export const EventPropertySpec = Type.Object(
  {
    type: PropertyType,
    description: Type.Optional(Type.String()),
    /** Allowed values, for `enum` (and optionally `list`). */
    values: Type.Optional(Type.Array(Type.String(), { minItems: 1, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type EventPropertySpec = Static<typeof EventPropertySpec>;

/**
 * An entry of the account's event catalogue: what triggers, goals, segment
 * counts and `where` filters may name. `platform` events are built in (email
 * opened, form submitted); `custom` ones are sent by the team's own systems
 * (placed_order, cart_updated). Default: custom.
 */
export const EventSpec = Type.Object(
  {
    description: Type.Optional(Type.String()),
    source: Type.Optional(Type.Union([Type.Literal("platform"), Type.Literal("custom")], { description: "platform | custom" })),
    /** The properties each occurrence carries, by name. */
    properties: Type.Optional(Type.Record(Type.String({ minLength: 1 }), EventPropertySpec)),
  },
  { additionalProperties: false },
);
export type EventSpec = Static<typeof EventSpec>;

/* ------------------------------------------------------------------- segment */
export const SegmentSpec = Type.Object(
  {
    type: Type.Union([Type.Literal("dynamic"), Type.Literal("static")], { description: "dynamic | static" }),
    description: Type.Optional(Type.String()),
    /** Required for dynamic segments; static segments are filled by workflows or imports. */
    conditions: Type.Optional(Condition),
    owner: Type.Optional(Type.String()),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type SegmentSpec = Omit<Static<typeof SegmentSpec>, "conditions"> & { conditions?: Condition };

/* ------------------------------------------------------------------ template */
export const TemplateSpec = Type.Object(
  {
    channel: Channel,
    description: Type.Optional(Type.String()),
    /** Email only. Merge fields: `{{ first_name | default: "there" }}`. */
    subject: Type.Optional(Type.String({ minLength: 1 })),
    preheader: Type.Optional(Type.String()),
    from_name: Type.Optional(Type.String()),
    body: Type.String({ minLength: 1 }),
    /** Webhook only. Often carries a token: shown masked, keep the token in `${env:…}`. */
    url: Type.Optional(Type.String({ [SENSITIVE]: true })),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type TemplateSpec = Static<typeof TemplateSpec>;

/* ------------------------------------------------------------- frequency cap */
export const FrequencyCapSpec = Type.Object(
  {
    description: Type.Optional(Type.String()),
    max: Type.Integer({ minimum: 1 }),
    period: Duration,
    channels: Type.Array(Channel, { minItems: 1, uniqueItems: true }),
    exempt: Type.Optional(
      Type.Object(
        {
          /** Transactional sends never count (default true). */
          transactional: Type.Optional(Type.Boolean()),
          workflows: Type.Optional(Type.Array(Name, { uniqueItems: true })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type FrequencyCapSpec = Static<typeof FrequencyCapSpec>;

/* --------------------------------------------------------- role / user / team */
export const RESOURCE_KINDS_FOR_ROLES = [
  "property", "segment", "workflow", "template", "frequency_cap", "role", "user", "team", "subscription_type",
] as const;
export const RoleAction = Type.Union(["view", "edit", "publish", "delete"].map((a) => Type.Literal(a)), {
  description: "view | edit | publish | delete",
});
export const RoleSpec = Type.Object(
  {
    description: Type.Optional(Type.String()),
    permissions: Type.Array(
      Type.Object(
        {
          kinds: Type.Array(Type.Union(RESOURCE_KINDS_FOR_ROLES.map((k) => Type.Literal(k))), { minItems: 1, uniqueItems: true }),
          actions: Type.Array(RoleAction, { minItems: 1, uniqueItems: true }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type RoleSpec = Static<typeof RoleSpec>;

export const UserSpec = Type.Object(
  {
    email: Type.String({ format: "email" }),
    first_name: Type.Optional(Type.String()),
    last_name: Type.Optional(Type.String()),
    role: Name,
    teams: Type.Optional(Type.Array(Name, { uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type UserSpec = Static<typeof UserSpec>;

export const TeamSpec = Type.Object(
  { description: Type.Optional(Type.String()), email: Type.Optional(Type.String({ format: "email" })) },
  { additionalProperties: false },
);
export type TeamSpec = Static<typeof TeamSpec>;

/* --------------------------------------------------------- subscription type */
export const SubscriptionTypeSpec = Type.Object(
  {
    channel: Channel,
    description: Type.Optional(Type.String()),
    /** marketing consent vs. service/transactional notices. */
    purpose: Type.Optional(Type.Union([Type.Literal("marketing"), Type.Literal("transactional")])),
    /** opt_in: nobody is subscribed until they say yes (GDPR default). */
    default: Type.Optional(Type.Union([Type.Literal("opt_in"), Type.Literal("opt_out")])),
  },
  { additionalProperties: false },
);
export type SubscriptionTypeSpec = Static<typeof SubscriptionTypeSpec>;

/* ------------------------------------------------------------------ workflow */
export const Trigger = Type.Union(
  [
    Type.Object({ type: Type.Literal("segment_entry"), segment: Name }, { additionalProperties: false }),
    Type.Object(
      { type: Type.Literal("event"), event: Type.String({ minLength: 1 }), where: Type.Optional(EventCondition.properties.where) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        type: Type.Literal("date"),
        /** A date property; fires on its anniversary (birthday) or once (renewal_date). */
        property: Type.String(),
        anniversary: Type.Optional(Type.Boolean()),
        /** Fire this long before (`-3d`) or after (`2d`) the date. */
        offset: Type.Optional(Type.String({ pattern: "^-?[0-9]+(m|h|d|w)$" })),
      },
      { additionalProperties: false },
    ),
    Type.Object({ type: Type.Literal("manual") }, { additionalProperties: false }),
  ],
  { description: "trigger: segment_entry | event | date | manual" },
);
export type Trigger = Static<typeof Trigger>;

const Weekday = Type.Union(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => Type.Literal(d)));
const StepId = Type.Optional(Type.String({ pattern: "^[a-z][a-z0-9_]*$", description: "step id, unique in the workflow" }));

/** Branch on how a contact engaged with an earlier send step. */
export const EngagementCondition = Type.Object(
  {
    engagement: Type.Object(
      {
        step: Type.String(),
        action: Type.Union(["delivered", "opened", "clicked", "replied", "bounced", "unsubscribed"].map((a) => Type.Literal(a))),
        within: Type.Optional(Duration),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type EngagementCondition = Static<typeof EngagementCondition>;

export type Step =
  | { id?: string; type: "wait"; duration?: string; until?: { weekday?: string[]; time?: string; timezone?: string }; max?: string }
  | { id?: string; type: "send"; channel: Channel; template: string; subscription_type?: string; transactional?: boolean }
  | { id?: string; type: "branch"; condition: Condition | EngagementCondition; then: Step[]; else?: Step[] }
  | { id?: string; type: "split"; paths: { name?: string; percent: number; steps: Step[] }[] }
  | { id?: string; type: "update_property"; property: string; value: Scalar | null }
  | { id?: string; type: "add_to_segment"; segment: string }
  | { id?: string; type: "remove_from_segment"; segment: string }
  | { id?: string; type: "webhook"; url: string; method?: "POST" | "PUT" | "GET" }
  | { id?: string; type: "exit" };

export const Step: TSchema = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object(
        {
          id: StepId,
          type: Type.Literal("wait"),
          duration: Type.Optional(Duration),
          until: Type.Optional(
            Type.Object(
              {
                weekday: Type.Optional(Type.Array(Weekday, { minItems: 1, uniqueItems: true })),
                time: Type.Optional(Type.String({ pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$", description: "HH:MM" })),
                timezone: Type.Optional(Type.String()),
              },
              { additionalProperties: false },
            ),
          ),
          /** Upper bound on an `until` wait. */
          max: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          id: StepId,
          type: Type.Literal("send"),
          channel: Channel,
          template: Name,
          subscription_type: Type.Optional(Name),
          transactional: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          id: StepId,
          type: Type.Literal("branch"),
          condition: Type.Union([EngagementCondition, Condition]),
          then: Type.Array(Self),
          else: Type.Optional(Type.Array(Self)),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          id: StepId,
          type: Type.Literal("split"),
          paths: Type.Array(
            Type.Object(
              { name: Type.Optional(Type.String()), percent: Percent, steps: Type.Array(Self) },
              { additionalProperties: false },
            ),
            { minItems: 2 },
          ),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        { id: StepId, type: Type.Literal("update_property"), property: Type.String(), value: Type.Union([Scalar, Type.Null()]) },
        { additionalProperties: false },
      ),
      Type.Object({ id: StepId, type: Type.Literal("add_to_segment"), segment: Name }, { additionalProperties: false }),
      Type.Object({ id: StepId, type: Type.Literal("remove_from_segment"), segment: Name }, { additionalProperties: false }),
      Type.Object(
        {
          id: StepId,
          type: Type.Literal("webhook"),
          url: Type.String({ minLength: 1, [SENSITIVE]: true }),
          method: Type.Optional(Type.Union([Type.Literal("POST"), Type.Literal("PUT"), Type.Literal("GET")])),
        },
        { additionalProperties: false },
      ),
      Type.Object({ id: StepId, type: Type.Literal("exit") }, { additionalProperties: false }),
    ]),
  { $id: "Step", description: "a step: wait | send | branch | split | update_property | add_to_segment | remove_from_segment | webhook | exit" },
);

export const WorkflowSpec = Type.Object(
  {
    status: Type.Union([Type.Literal("draft"), Type.Literal("active"), Type.Literal("paused")], {
      description: "draft | active | paused",
    }),
    owner: Type.Optional(Type.String({ description: "a declared user (email or name) or team" })),
    purpose: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    tags: Type.Optional(Tags),
    trigger: Trigger,
    entry_filter: Type.Optional(Condition),
    /** Negative triggers: contacts matching these never enter, and leave mid-journey. */
    suppression: Type.Optional(
      Type.Object(
        {
          segments: Type.Optional(Type.Array(Name, { uniqueItems: true })),
          events: Type.Optional(Type.Array(EventCondition)),
        },
        { additionalProperties: false },
      ),
    ),
    steps: Type.Array(Step, { minItems: 1 }),
    /** Contacts who meet the goal exit the journey (conversion). */
    goal: Type.Optional(Condition),
    reenrollment: Type.Optional(
      Type.Object(
        { allowed: Type.Boolean(), after: Type.Optional(Duration) },
        { additionalProperties: false },
      ),
    ),
    /** Higher wins when two workflows would message the same contact. */
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    rollout_percent: Type.Optional(Percent),
    holdout_percent: Type.Optional(Percent),
  },
  { additionalProperties: false },
);
export type WorkflowSpec = Omit<Static<typeof WorkflowSpec>, "entry_filter" | "steps" | "goal" | "suppression"> & {
  entry_filter?: Condition;
  steps: Step[];
  goal?: Condition;
  suppression?: { segments?: string[]; events?: EventCondition[] };
};
