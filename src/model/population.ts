import { Type, type Static } from "@sinclair/typebox";
import { Channel, Duration, Name, Scalar } from "./common";

/**
 * The people a simulation runs over, and what it assumes they do. Kept in
 * `population.yaml` beside the stack (or the file `--population` names), not
 * in the stack: these are assumptions about customers, not platform state, so
 * they never change a plan's fingerprint, and `mops simulate --compare` runs
 * the last applied stack and the working one over the very same people.
 */

const Share = Type.Number({ minimum: 0, maximum: 1, description: "a share between 0 and 1" });
const IsoDate = Type.String({ pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}", description: "an ISO date (2026-06-01) or date-time" });

/** How one value is drawn: a distribution for numbers, weights for a set of values, a range for dates. */
export const ValueSpec = Type.Object(
  {
    /** Share of contacts with no value (ignored for `required` properties). */
    missing: Type.Optional(Share),
    /** Draw one of these values, with these relative weights (`{ us: 45, ca: 10 }`). */
    weights: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }), { minProperties: 1 })),
    distribution: Type.Optional(Type.Union(["uniform", "normal", "lognormal", "poisson"].map((d) => Type.Literal(d)), {
      description: "uniform (min, max) | normal (mean, sd) | lognormal (median, p95) | poisson (mean)",
    })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    mean: Type.Optional(Type.Number()),
    sd: Type.Optional(Type.Number({ minimum: 0 })),
    median: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    p95: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** Decimal places kept (0: whole numbers). */
    round: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
    /** Dates: uniformly within this long before the start (`365d`). */
    within: Type.Optional(Duration),
    /** Dates: uniformly between these two dates. */
    between: Type.Optional(Type.Tuple([IsoDate, IsoDate])),
  },
  { additionalProperties: false },
);
export type ValueSpec = Static<typeof ValueSpec>;

/**
 * A contact property: drawn (`ValueSpec`), or kept in step with the contact's
 * events as a storefront sync would (`count_of`, `last_of`), or recomputed
 * nightly from a date (`days_until`: days to its next anniversary).
 */
export const PopulationPropertySpec = Type.Union([
  ValueSpec,
  Type.Object({ count_of: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ last_of: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ days_until: Name }, { additionalProperties: false }),
]);
export type PopulationPropertySpec = Static<typeof PopulationPropertySpec>;

/** A follow-up event: `probability` of it happening `delay` (±50 %) after each `event`. */
export const FollowUp = Type.Object(
  { event: Type.String({ minLength: 1 }), probability: Share, delay: Duration },
  { additionalProperties: false },
);
export type FollowUp = Static<typeof FollowUp>;

export const PopulationEventSpec = Type.Object(
  {
    /** Times per week an active contact does it (a Poisson process). */
    per_week: Type.Optional(Type.Number({ minimum: 0 })),
    /** Share of contacts who ever do it; the others never do. */
    active: Type.Optional(Share),
    /** Also happens as a consequence of another event (cart -> order -> delivery). */
    after: Type.Optional(FollowUp),
    /** How far before the start to generate it (default: the longest window the stack counts it in). */
    history: Type.Optional(Duration),
    properties: Type.Optional(Type.Record(Type.String(), ValueSpec)),
  },
  { additionalProperties: false },
);
export type PopulationEventSpec = Static<typeof PopulationEventSpec>;

/** Assumed engagement with a message: shares of sends, and what follows. */
export const EngagementSpec = Type.Object(
  {
    delivered: Type.Optional(Share),
    /** Of all sends (not of deliveries), as platforms report open and click rates. */
    opened: Type.Optional(Share),
    clicked: Type.Optional(Share),
    replied: Type.Optional(Share),
    unsubscribed: Type.Optional(Share),
    /** Typical time from send to open or click (exponentially distributed). */
    delay: Type.Optional(Duration),
    /** A click leads to this event (a purchase) with this probability. */
    converts: Type.Optional(FollowUp),
    /** Engagement recorded as contact events, for conditions that count them (`{ opened: email_opened }`). */
    record: Type.Optional(Type.Partial(Type.Record(
      Type.Union(["delivered", "opened", "clicked", "replied", "unsubscribed"].map((a) => Type.Literal(a))),
      Type.String({ minLength: 1 }),
    ), { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type EngagementSpec = Static<typeof EngagementSpec>;

export const PopulationSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    /** Contacts to generate when `--contacts` is not given. */
    contacts: Type.Optional(Type.Integer({ minimum: 1 })),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
    /** New contacts: this share of the population appears each week, recorded as `event` when given. */
    signups: Type.Optional(Type.Object(
      { per_week: Share, event: Type.Optional(Type.String({ minLength: 1 })) },
      { additionalProperties: false },
    )),
    properties: Type.Optional(Type.Record(Name, PopulationPropertySpec)),
    /** Share of contacts opted in to each subscription type; `requires` a property to be set (SMS needs a phone). */
    consent: Type.Optional(Type.Record(Name, Type.Union([
      Share,
      Type.Object({ rate: Share, requires: Type.Optional(Name) }, { additionalProperties: false }),
    ]))),
    /** Share of contacts already in each static segment. */
    segments: Type.Optional(Type.Record(Name, Share)),
    events: Type.Optional(Type.Record(Type.String({ minLength: 1 }), PopulationEventSpec)),
    engagement: Type.Optional(Type.Object(
      {
        default: Type.Optional(EngagementSpec),
        channels: Type.Optional(Type.Partial(Type.Record(Channel, EngagementSpec), { additionalProperties: false })),
        templates: Type.Optional(Type.Record(Name, EngagementSpec)),
      },
      { additionalProperties: false },
    )),
  },
  { additionalProperties: false, $id: "https://mops.dev/schema/population.json", title: "Mops population file" },
);
export type PopulationSpec = Static<typeof PopulationSchema>;

/**
 * One contact as files and the sandbox platform carry it: `--from contacts.json`,
 * `mops sandbox seed`, `GET /v1/contacts`. Consent and static segments by name.
 */
export const ContactRow = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1 })),
    /** When the contact appeared; before that it is in no segment and no journey. */
    created_at: Type.Optional(IsoDate),
    properties: Type.Optional(Type.Record(Type.String(), Type.Union([Scalar, Type.Array(Scalar), Type.Null()]))),
    consents: Type.Optional(Type.Array(Type.String())),
    segments: Type.Optional(Type.Array(Type.String())),
    events: Type.Optional(Type.Array(Type.Object(
      {
        event: Type.String({ minLength: 1 }),
        at: IsoDate,
        properties: Type.Optional(Type.Record(Type.String(), Scalar)),
      },
      { additionalProperties: false },
    ))),
  },
  { additionalProperties: false },
);
export type ContactRow = Static<typeof ContactRow>;

export const ContactFile = Type.Union([
  Type.Array(ContactRow),
  Type.Object({ contacts: Type.Array(ContactRow) }, { additionalProperties: false }),
]);
