import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kind, Resource } from "../../../src/model";
import type { CallContext, LiveObject, Provider, RefResolver } from "../../../src/provider/types";
import { createSandboxProvider } from "../../../providers/sandbox";

/** Name <-> id of what a test created, as the engine's resolver would know it from state and refresh. */
export class Refs implements RefResolver {
  private ids = new Map<string, string>();
  private names = new Map<string, string>();
  idOf(kind: Kind, name: string) {
    return this.ids.get(`${kind}.${name}`);
  }
  nameOf(kind: Kind, id: string) {
    return this.names.get(`${kind}.${id}`);
  }
  learn(o: LiveObject): LiveObject {
    this.ids.set(`${o.kind}.${o.name}`, o.id);
    this.names.set(`${o.kind}.${o.id}`, o.name);
    return o;
  }
}

export function context(): CallContext & { refs: Refs } {
  return { refs: new Refs() };
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "mops-sandbox-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A provider on an already running server (`url`), as a stack naming a URL gets. */
export function providerAt(url: string, extra: Record<string, unknown> = {}, onRetry?: (i: { attempt: number; waitMs: number; reason: string }) => void): Promise<Provider> {
  return createSandboxProvider({
    config: { type: "sandbox", url, ...{ backoff_ms: 1, ...extra } },
    stack: "test",
    environment: "test",
    baseDir: tmpdir(),
    env: {},
    onRetry,
  });
}

/** Raw HTTP against the sandbox: what a person editing in the platform's UI does. */
export async function raw(url: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** A realistic stack's worth of resources, one or more per kind, dependencies first. */
export const RESOURCES: Resource[] = [
  { kind: "property", name: "first_name", spec: { type: "string", label: "First name", fallback: "there", pii: true } },
  { kind: "property", name: "plan", spec: { type: "enum", values: ["free", "pro", "enterprise"], required: true } },
  {
    kind: "event",
    name: "cart_updated",
    spec: { source: "custom", description: "The storefront's cart changed", properties: { items: { type: "number" }, currency: { type: "enum", values: ["EUR", "USD"] } } },
  },
  { kind: "subscription_type", name: "newsletter", spec: { channel: "email", purpose: "marketing", default: "opt_in", description: "Monthly newsletter" } },
  { kind: "subscription_type", name: "sms_promos", spec: { channel: "sms", purpose: "marketing", default: "opt_in" } },
  { kind: "team", name: "lifecycle", spec: { description: "Lifecycle marketing", email: "lifecycle@northwind.example" } },
  { kind: "team", name: "growth", spec: {} },
  {
    kind: "role",
    name: "marketer",
    spec: {
      description: "Edits journeys, publishes after review",
      permissions: [
        { kinds: ["workflow", "segment", "template"], actions: ["view", "edit"] },
        { kinds: ["template"], actions: ["publish"] },
      ],
    },
  },
  { kind: "user", name: "ana", spec: { email: "ana@northwind.example", first_name: "Ana", role: "marketer", teams: ["lifecycle", "growth"] } },
  {
    kind: "template",
    name: "cart_reminder",
    spec: {
      channel: "email",
      subject: "{{ first_name | default: \"Hi there\" }}, you left something behind",
      preheader: "Your cart is waiting",
      from_name: "Northwind",
      body: "<p>Hi {{ first_name | default: \"there\" }}, your cart misses you.</p>",
      tags: ["cart"],
    },
  },
  { kind: "template", name: "cart_sms", spec: { channel: "sms", body: "Your cart is waiting: {{ cart_url }}" } },
  {
    kind: "segment",
    name: "engaged",
    spec: { type: "dynamic", conditions: { event: "opened_email", at_least: 1, within: "30d" }, owner: "lifecycle" },
  },
  { kind: "segment", name: "recovered", spec: { type: "static", description: "Filled by the cart workflow" } },
  {
    kind: "segment",
    name: "cart_abandoners",
    spec: {
      type: "dynamic",
      description: "Started checkout, did not order",
      conditions: {
        all: [
          { event: "started_checkout", at_least: 1, within: "1d" },
          { event: "placed_order", at_most: 0, within: "1d" },
          { in_segment: "engaged" },
          { not: { property: "plan", op: "eq", value: "enterprise" } },
          { consent: "newsletter" },
        ],
      },
      tags: ["cart", "revenue"],
    },
  },
  {
    kind: "workflow",
    name: "cart_recovery",
    spec: {
      status: "active",
      owner: "ana@northwind.example",
      purpose: "Recover abandoned carts within a day",
      trigger: { type: "segment_entry", segment: "cart_abandoners" },
      entry_filter: { all: [{ consent: "newsletter" }, { not: { in_segment: "recovered" } }] },
      suppression: { segments: ["recovered"], events: [{ event: "placed_order", within: "1d" }] },
      steps: [
        { id: "wait_1h", type: "wait", duration: "1h" },
        { id: "email_1", type: "send", channel: "email", template: "cart_reminder", subscription_type: "newsletter" },
        {
          id: "opened",
          type: "branch",
          condition: { engagement: { step: "email_1", action: "opened", within: "1d" } },
          then: [{ type: "add_to_segment", segment: "recovered" }],
          else: [
            { type: "wait", until: { weekday: ["mon", "tue"], time: "09:00", timezone: "Europe/Berlin" }, max: "3d" },
            {
              type: "branch",
              condition: { any: [{ in_segment: "engaged" }, { consent: "sms_promos" }] },
              then: [{ type: "send", channel: "sms", template: "cart_sms", subscription_type: "sms_promos" }],
              else: [{ type: "remove_from_segment", segment: "cart_abandoners" }],
            },
          ],
        },
        { type: "update_property", property: "plan", value: "pro" },
        { type: "exit" },
      ],
      goal: { event: "placed_order", at_least: 1 },
      reenrollment: { allowed: true, after: "30d" },
      priority: 10,
      rollout_percent: 50,
      holdout_percent: 10,
    },
  },
  {
    kind: "frequency_cap",
    name: "marketing_email",
    spec: { max: 3, period: "7d", channels: ["email", "sms"], exempt: { transactional: true, workflows: ["cart_recovery"] } },
  },
] as Resource[];
