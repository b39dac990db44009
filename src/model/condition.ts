import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { Duration, Name, Scalar } from "./common";

/**
 * Conditions: the audience language shared by segments, entry filters, branches
 * and goals. Leaves compare a property, count events in a window, test
 * membership of another segment, or test consent; `all` / `any` / `not` nest.
 */
export const PropertyOperator = Type.Union(
  [
    "eq", "neq", "in", "not_in", "contains", "starts_with",
    "gt", "gte", "lt", "lte", "between", "exists", "not_exists",
    "within", "before", "after",
  ].map((o) => Type.Literal(o)),
  { description: "eq | neq | in | not_in | contains | starts_with | gt | gte | lt | lte | between | exists | not_exists | within | before | after" },
);
export type PropertyOperator = Static<typeof PropertyOperator>;

/**
 * `{ property: lifetime_value, op: gte, value: 500 }`.
 * `in` / `not_in` take a list; `between` takes `[low, high]` (inclusive);
 * `exists` / `not_exists` take no value; `within` / `before` / `after` take a
 * relative duration (`30d`: within the last 30 days, before 30 days ago, after
 * 30 days ago) or an ISO date for before/after.
 */
export const PropertyCondition = Type.Object(
  {
    property: Type.String(),
    op: PropertyOperator,
    value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar)])),
  },
  { additionalProperties: false },
);
export type PropertyCondition = Static<typeof PropertyCondition>;

/** A filter on an event's own properties: `{ property: total, op: gt, value: 100 }`. */
export const EventPropertyFilter = PropertyCondition;

/** "placed_order at least 1 time within 30d". `at_most: 0` means "did not". */
export const EventCondition = Type.Object(
  {
    event: Type.String({ minLength: 1 }),
    at_least: Type.Optional(Type.Integer({ minimum: 0 })),
    at_most: Type.Optional(Type.Integer({ minimum: 0 })),
    within: Type.Optional(Duration),
    where: Type.Optional(Type.Array(EventPropertyFilter)),
  },
  { additionalProperties: false },
);
export type EventCondition = Static<typeof EventCondition>;

export const MembershipCondition = Type.Object({ in_segment: Name }, { additionalProperties: false });
export type MembershipCondition = Static<typeof MembershipCondition>;

/** Contact has opted in to a subscription type. */
export const ConsentCondition = Type.Object({ consent: Name }, { additionalProperties: false });
export type ConsentCondition = Static<typeof ConsentCondition>;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | PropertyCondition
  | EventCondition
  | MembershipCondition
  | ConsentCondition;

export const Condition: TSchema = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object({ all: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ any: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ not: Self }, { additionalProperties: false }),
      PropertyCondition,
      EventCondition,
      MembershipCondition,
      ConsentCondition,
    ]),
  { $id: "Condition", description: "all / any / not, or a property, event, in_segment or consent leaf" },
);

export const isAll = (c: Condition): c is { all: Condition[] } => "all" in c;
export const isAny = (c: Condition): c is { any: Condition[] } => "any" in c;
export const isNot = (c: Condition): c is { not: Condition } => "not" in c;
export const isPropertyCondition = (c: Condition): c is PropertyCondition => "property" in c && "op" in c;
export const isEventCondition = (c: Condition): c is EventCondition => "event" in c;
export const isMembership = (c: Condition): c is MembershipCondition => "in_segment" in c;
export const isConsent = (c: Condition): c is ConsentCondition => "consent" in c;

/** Every leaf of a condition tree, depth first. */
export function* leaves(c: Condition): Generator<Exclude<Condition, { all: unknown } | { any: unknown } | { not: unknown }>> {
  if (isAll(c)) for (const x of c.all) yield* leaves(x);
  else if (isAny(c)) for (const x of c.any) yield* leaves(x);
  else if (isNot(c)) yield* leaves(c.not);
  else yield c as never;
}
