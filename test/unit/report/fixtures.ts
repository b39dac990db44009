import type { Diagnostic } from "../../../src/diagnostics";
import type { Resource, Stack, WorkflowSpec } from "../../../src/model";
import type { Plan, ResourceChange } from "../../../src/plan/types";
import { orderSteps } from "../../../src/plan/order";

/**
 * A demo shop's stack and a realistic plan over it, built by hand so the
 * renderers are tested independently of the engine.
 */

export const welcomeSeries: WorkflowSpec = {
  status: "active",
  owner: "growth",
  purpose: "Turn new newsletter subscribers into first-time buyers",
  tags: ["onboarding", "email"],
  trigger: { type: "segment_entry", segment: "new_subscribers" },
  entry_filter: { consent: "newsletter" },
  steps: [
    { id: "welcome_email", type: "send", channel: "email", template: "welcome_1", subscription_type: "newsletter" },
    { type: "wait", duration: "2d" },
    {
      id: "opened_check",
      type: "branch",
      condition: { engagement: { step: "welcome_email", action: "opened", within: "2d" } },
      then: [{ type: "send", channel: "email", template: "welcome_2", subscription_type: "newsletter" }],
      else: [{ type: "send", channel: "sms", template: "welcome_sms", subscription_type: "sms_marketing" }],
    },
  ],
  goal: { event: "placed_order", at_least: 1 },
  reenrollment: { allowed: false },
};

const cartBefore: WorkflowSpec = {
  status: "active",
  owner: "ana@acme.example",
  purpose: "Recover abandoned checkouts within a day",
  trigger: { type: "event", event: "started_checkout", where: [{ property: "cart_value", op: "gt", value: 20 }] },
  entry_filter: { all: [{ consent: "newsletter" }, { property: "country", op: "in", value: ["DE", "AT", "CH"] }] },
  suppression: { segments: ["vip"], events: [{ event: "placed_order", at_least: 1, within: "1d" }] },
  steps: [
    { type: "wait", duration: "1h" },
    { id: "reminder", type: "send", channel: "email", template: "cart_reminder", subscription_type: "newsletter" },
    { type: "wait", duration: "1d" },
    { type: "send", channel: "push", template: "cart_push" },
    { type: "exit" },
  ],
  goal: { event: "placed_order", at_least: 1 },
};

export const cartAfter: WorkflowSpec = {
  ...cartBefore,
  steps: [
    { type: "wait", duration: "2h" },
    { id: "reminder", type: "send", channel: "email", template: "cart_reminder", subscription_type: "newsletter" },
    { type: "wait", duration: "1d" },
    {
      id: "channel_test",
      type: "split",
      paths: [
        { name: "sms", percent: 50, steps: [{ type: "send", channel: "sms", template: "cart_sms", subscription_type: "sms_marketing" }] },
        { name: "email", percent: 50, steps: [{ type: "send", channel: "email", template: "cart_last_call", subscription_type: "newsletter" }] },
      ],
    },
    { type: "update_property", property: "cart_recovery_sent", value: true },
    { type: "exit" },
  ],
};

export const winback: WorkflowSpec = {
  status: "draft",
  owner: "ana@acme.example",
  purpose: "Win back customers who have not ordered in 90 days",
  tags: ["retention"],
  trigger: { type: "segment_entry", segment: "churn_risk" },
  suppression: { segments: ["vip"] },
  steps: [
    { type: "wait", until: { weekday: ["mon", "tue"], time: "09:00", timezone: "Europe/Berlin" }, max: "7d" },
    { id: "offer", type: "send", channel: "email", template: "winback_offer", subscription_type: "newsletter" },
    { type: "add_to_segment", segment: "winback_sent" },
    { type: "webhook", url: "https://hooks.acme.example/crm?event=winback&src=mops", method: "POST" },
    { type: "remove_from_segment", segment: "churn_risk" },
  ],
  goal: { event: "placed_order", at_least: 1, within: "30d" },
  holdout_percent: 10,
};

const tpl = (name: string, channel: "email" | "sms" | "push", body: string, subject?: string): Resource => ({
  kind: "template",
  name,
  spec: { channel, body, ...(subject ? { subject } : {}) },
});

/** A fresh copy each time: tests may mutate it. */
export function demoStack(): Stack {
  return structuredClone({
    name: "acme",
    environment: "prod",
    environments: { prod: { provider: { type: "sandbox" }, protected: true }, staging: { provider: { type: "sandbox" } } },
    resources: [
      { kind: "property", name: "first_name", spec: { type: "string", fallback: "there" } },
      { kind: "subscription_type", name: "newsletter", spec: { channel: "email", purpose: "marketing", default: "opt_in" } },
      { kind: "subscription_type", name: "sms_marketing", spec: { channel: "sms", purpose: "marketing", default: "opt_in" } },
      { kind: "team", name: "growth", spec: { email: "growth@acme.example" } },
      { kind: "user", name: "ana", spec: { email: "ana@acme.example", role: "editor", teams: ["growth"] } },
      tpl("cart_last_call", "email", "Last call, {{ first_name | default: \"there\" }}!", "Still thinking it over?"),
      tpl("cart_push", "push", "Your cart misses you"),
      tpl("cart_reminder", "email", "Hi {{ first_name }}, you left something behind.", "You left something behind"),
      tpl("cart_sms", "sms", "Your cart is waiting: {{ cart_url }}"),
      tpl("welcome_1", "email", "Welcome, {{ first_name | default: \"there\" }}!", "Welcome to Acme"),
      tpl("welcome_2", "email", "Here is 10% off your first order.", "A little something"),
      tpl("welcome_sms", "sms", "Welcome to Acme! Reply STOP to opt out."),
      tpl("winback_offer", "email", "We miss you. Here is 15% off.", "We miss you, {{ first_name | default: \"friend\" }}"),
      {
        kind: "segment",
        name: "churn_risk",
        spec: {
          type: "dynamic",
          owner: "ana@acme.example",
          conditions: { all: [{ event: "placed_order", at_most: 0, within: "90d" }, { property: "orders_count", op: "gte", value: 1 }] },
        },
      },
      { kind: "segment", name: "new_subscribers", spec: { type: "dynamic", owner: "growth", conditions: { all: [{ consent: "newsletter" }, { property: "created_at", op: "within", value: "7d" }] } } },
      { kind: "segment", name: "vip", spec: { type: "dynamic", owner: "growth", conditions: { any: [{ property: "lifetime_value", op: "gte", value: 500 }, { in_segment: "churn_risk" }] } } },
      { kind: "segment", name: "winback_sent", spec: { type: "static" } },
      { kind: "frequency_cap", name: "marketing_weekly", spec: { max: 3, period: "1w", channels: ["email", "sms"] } },
      { kind: "workflow", name: "cart_recovery", spec: cartAfter },
      { kind: "workflow", name: "welcome_series", spec: welcomeSeries },
      { kind: "workflow", name: "winback", spec: winback },
    ],
  } satisfies Stack);
}

const fp = { desired: "9f2c1ab0d3", lineage: "3b9e0c1e-lineage", stateSerial: 41, state: "5d1e0c2f", live: "77aa01bc" };

export const demoFindings: Diagnostic[] = [
  {
    code: "analysis/missing-fallback",
    severity: "warning",
    message: "merge field `first_name` has no fallback: contacts without a first name get \"Hi ,\"",
    hint: "write {{ first_name | default: \"there\" }}",
    address: "template.cart_reminder",
    range: { file: "stacks/acme/templates.yaml", line: 14, col: 11 },
  },
  {
    code: "analysis/conflict",
    severity: "warning",
    message: "workflow.cart_recovery and workflow.winback can both email the same contact on the same day",
    hint: "give one a higher priority or suppress the other's audience",
    address: "workflow.cart_recovery",
  },
  {
    code: "analysis/consent",
    severity: "error",
    message: "send step `steps[3].paths[0].steps[0]` (sms) names no subscription type | is | required",
    address: "workflow.cart_recovery",
    range: { file: "stacks/acme/workflows.yaml", line: 40, col: 9 },
  },
  { code: "provider/caps", severity: "info", message: "sandbox enforces frequency caps as entry filters" },
];

export function demoPlan(): Plan {
  const stack = demoStack();
  const spec = (a: string) => stack.resources.find((r) => `${r.kind}.${r.name}` === a)!.spec;
  const changes: ResourceChange[] = [
    { address: "property.first_name", kind: "property", name: "first_name", action: "noop", id: "p-1", before: spec("property.first_name"), after: spec("property.first_name"), reasons: [] },
    { address: "template.winback_offer", kind: "template", name: "winback_offer", action: "create", after: spec("template.winback_offer"), reasons: [{ code: "new" }] },
    { address: "template.cart_sms", kind: "template", name: "cart_sms", action: "create", after: spec("template.cart_sms"), reasons: [{ code: "new" }] },
    {
      address: "template.cart_reminder", kind: "template", name: "cart_reminder", action: "update", id: "t-12",
      before: { channel: "email", body: "Hi {{ first_name }}, you left something behind.", subject: "Forgot something?" },
      after: spec("template.cart_reminder"),
      attributes: [{ path: "subject", before: "Forgot something?", after: "You left something behind" }],
      reasons: [{ code: "stack-changed" }],
    },
    { address: "segment.churn_risk", kind: "segment", name: "churn_risk", action: "create", after: spec("segment.churn_risk"), reasons: [{ code: "new" }] },
    {
      address: "segment.vip", kind: "segment", name: "vip", action: "replace", replaceMode: "create-before-delete", id: "s-7",
      before: { type: "static", owner: "growth" }, after: spec("segment.vip"),
      attributes: [{ path: "type", before: "static", after: "dynamic" }],
      reasons: [{ code: "stack-changed" }, { code: "replace-forced", attributes: ["type"] }],
    },
    {
      address: "workflow.cart_recovery", kind: "workflow", name: "cart_recovery", action: "update", id: "w-3",
      before: cartBefore, after: cartAfter,
      attributes: [{ path: "steps[0].duration", before: "1h", after: "2h" }, { path: "steps[3]", before: cartBefore.steps[3], after: cartAfter.steps[3] }],
      reasons: [{ code: "stack-changed" }],
    },
    {
      address: "workflow.welcome_series", kind: "workflow", name: "welcome_series", action: "update", id: "w-1",
      before: { ...welcomeSeries, status: "paused" }, after: welcomeSeries,
      attributes: [{ path: "status", before: "paused", after: "active" }],
      drift: [{ path: "status", before: "active", after: "paused" }],
      reasons: [{ code: "changed-outside" }],
    },
    { address: "workflow.winback", kind: "workflow", name: "winback", action: "create", after: winback, reasons: [{ code: "new" }] },
    {
      address: "workflow.spring_sale_2025", kind: "workflow", name: "spring_sale_2025", action: "delete", id: "w-9",
      before: { status: "paused", trigger: { type: "manual" }, steps: [{ type: "send", channel: "email", template: "spring_sale" }] },
      reasons: [{ code: "removed-from-stack" }],
    },
    {
      address: "frequency_cap.marketing_weekly", kind: "frequency_cap", name: "marketing_weekly", action: "manual",
      after: spec("frequency_cap.marketing_weekly"),
      reasons: [{ code: "new" }, { code: "api-cannot", operation: "create" }],
      manual: "In Settings > Marketing > Email > Frequency, set \"at most 3 per week\" for email and SMS.",
    },
  ];
  return {
    formatVersion: 2,
    stack: "acme",
    environment: "prod",
    provider: "sandbox",
    createdAt: "2026-11-25T18:00:00.000Z",
    changes,
    steps: orderSteps({ changes: changes.filter((c) => c.action !== "noop"), desired: stack.resources, applied: [] }).steps,
    summary: { add: 4, change: 3, replace: 1, destroy: 1, manual: 1, adopt: 0, drifted: 1 },
    fingerprints: fp,
    diagnostics: demoFindings,
    audience: { "segment.new_subscribers": 12403, "segment.churn_risk": 1840, "segment.vip": 312 },
  };
}

/** `n` changed workflows, each with a real journey: the size of a large account's migration. */
export function bigPlan(n: number): Plan {
  const changes: ResourceChange[] = [];
  for (let i = 0; i < n; i++) {
    const name = `journey_${String(i).padStart(4, "0")}`;
    const after: WorkflowSpec = { ...cartAfter, purpose: `Journey number ${i} for region ${i % 17}` };
    const update = i % 3 === 0;
    changes.push({
      address: `workflow.${name}`, kind: "workflow", name,
      action: update ? "update" : "create",
      ...(update ? { before: cartBefore, id: `w-${i}` } : {}),
      after,
      reasons: [{ code: update ? "stack-changed" : "new" }],
    });
  }
  const update = changes.filter((c) => c.action === "update").length;
  return {
    formatVersion: 2,
    stack: "acme",
    environment: "prod",
    provider: "sandbox",
    createdAt: "2026-11-25T18:00:00.000Z",
    changes,
    steps: changes.map((c) => ({ id: `${c.action}:${c.address}`, change: c.address, phase: c.action as "create", after: [] })),
    summary: { add: n - update, change: update, replace: 0, destroy: 0, manual: 0, adopt: 0, drifted: 0 },
    fingerprints: fp,
    diagnostics: [],
  };
}
