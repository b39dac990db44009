// The quickstart stack of ../quickstart/mops.yaml, written in TypeScript:
// the same resolved model, with types and editor completion from the SDK.
import {
  defineStack, frequencyCap, property, role, segment, subscriptionType, team, template, user, workflow,
} from "mops";

const hi = 'Hi {{ first_name | default: "there" }},\n';

const properties = [
  property("first_name", { type: "string", label: "First name", fallback: "there", pii: true }),
  property("lifetime_value", { type: "number", label: "Lifetime value (EUR)" }),
  property("signup_date", { type: "date", label: "Signed up on" }),
  property("loyalty_tier", { type: "enum", values: ["bronze", "silver", "gold"] }),
];

const people = [
  subscriptionType("newsletter", {
    channel: "email",
    purpose: "marketing",
    default: "opt_in",
    description: "Product news and offers by email.",
  }),
  team("lifecycle", { description: "Lifecycle marketing", email: "lifecycle@example.com" }),
  role("marketer", {
    description: "Builds and publishes journeys.",
    permissions: [{ kinds: ["segment", "workflow", "template"], actions: ["view", "edit", "publish"] }],
  }),
  user("ana", { email: "ana@example.com", first_name: "Ana", role: "marketer", teams: ["lifecycle"] }),
];

const audiences = [
  segment("new_subscribers", {
    type: "dynamic",
    description: "Signed up in the last 7 days and opted in to the newsletter.",
    conditions: { all: [{ property: "signup_date", op: "within", value: "7d" }, { consent: "newsletter" }] },
  }),
  segment("recent_buyers", {
    type: "dynamic",
    description: "Ordered in the last 30 days.",
    conditions: { event: "placed_order", at_least: 1, within: "30d" },
  }),
  segment("vip", {
    type: "dynamic",
    description: "Our best customers.",
    conditions: {
      any: [
        { property: "lifetime_value", op: "gte", value: 500 },
        { property: "loyalty_tier", op: "eq", value: "gold" },
      ],
    },
  }),
];

const messages = [
  template("welcome_email", {
    channel: "email",
    subject: 'Welcome, {{ first_name | default: "there" }}!',
    body: `${hi}thanks for joining. Here is 10% off your first order: WELCOME10.\n`,
  }),
  template("vip_thanks", {
    channel: "email",
    subject: 'A thank-you for you, {{ first_name | default: "there" }}',
    body: `${hi}you are one of our best customers: shipping is on us this month.\n`,
  }),
  frequencyCap("email_weekly", {
    description: "At most 3 marketing emails a week.",
    max: 3,
    period: "7d",
    channels: ["email"],
    exempt: { transactional: true },
  }),
];

const journeys = [
  workflow("welcome_series", {
    status: "active",
    owner: "lifecycle",
    purpose: "Turn new subscribers into first-time buyers.",
    priority: 10,
    trigger: { type: "segment_entry", segment: "new_subscribers" },
    suppression: { segments: ["recent_buyers"] },
    steps: [
      { id: "welcome", type: "send", channel: "email", template: "welcome_email", subscription_type: "newsletter" },
      { type: "wait", duration: "3d" },
      {
        id: "engaged",
        type: "branch",
        condition: { engagement: { step: "welcome", action: "clicked", within: "3d" } },
        then: [{ type: "update_property", property: "loyalty_tier", value: "bronze" }],
        else: [{ type: "exit" }],
      },
    ],
    goal: { event: "placed_order", at_least: 1 },
    reenrollment: { allowed: false },
  }),
  workflow("vip_thank_you", {
    status: "active",
    owner: "ana@example.com",
    purpose: "Thank our best customers and keep them buying.",
    priority: 20,
    trigger: { type: "segment_entry", segment: "vip" },
    entry_filter: { consent: "newsletter" },
    steps: [
      { type: "wait", until: { weekday: ["tue"], time: "10:00", timezone: "Europe/Berlin" } },
      { type: "send", channel: "email", template: "vip_thanks", subscription_type: "newsletter" },
    ],
    reenrollment: { allowed: true, after: "26w" },
  }),
];

export default defineStack({
  stack: "quickstart",
  description: "A small online shop's first lifecycle journeys.",
  default_environment: "sandbox",
  environments: {
    sandbox: {
      description: "Local platform emulator; safe to apply anything.",
      provider: { type: "sandbox" },
    },
    production: {
      description: "The live HubSpot account.",
      // A reference: the token is read from the environment only by the provider, never stored.
      provider: { type: "hubspot", token: "${env:HUBSPOT_TOKEN}" },
      protected: true,
    },
  },
  resources: [properties, people, audiences, messages, journeys],
});
