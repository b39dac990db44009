/**
 * Analysis of a generated stack: 1,000 workflows over 2,000 segments.
 * Prints wall and CPU time, peak heap and the findings per code. Run: npx tsx bench/analysis.ts
 * FILTERS=1 also gives a third of the event conditions `where` filters on typed
 * properties (an event catalogue) and the policy the starter pack's suppression rules.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { analyze } from "../src/analysis";
import { policyFrom, type Condition, type PolicyFile, type PropertyCondition, type Resource, type Stack, type Step } from "../src/model";

const WORKFLOWS = Number(process.env.WORKFLOWS ?? 1000);
const SEGMENTS = Number(process.env.SEGMENTS ?? 2000);
const FILTERS = process.env.FILTERS === "1";

// Deterministic pseudo-random numbers (mulberry32), so runs compare.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const COUNTRIES = Array.from({ length: 20 }, (_, i) => `C${i}`);
const EVENTS = ["placed_order", "viewed_product", "added_to_cart", "signed_up", "opened_app", "returned_item"];

function leaf(i: number): Condition {
  switch (Math.floor(rand() * 6)) {
    case 0: return { property: "country", op: "in", value: [pick(COUNTRIES), pick(COUNTRIES)] };
    case 1: { const lo = Math.floor(rand() * 1000); return { property: "lifetime_value", op: "between", value: [lo, lo + Math.floor(rand() * 500)] }; }
    case 2: return { property: "tier", op: pick(["eq", "neq"] as const), value: pick(["bronze", "silver", "gold"]) };
    case 3: return { event: pick(EVENTS), at_least: 1, within: pick(["7d", "30d", "90d"]), ...filtered() };
    case 4: return { event: pick(EVENTS), at_most: 0, within: pick(["7d", "30d"]) };
    default: return i > 10 ? { in_segment: `seg_${Math.floor(rand() * i)}` } : { property: "orders", op: "gte", value: 1 };
  }
}

/** With FILTERS=1, a third of event conditions filter on the event's own properties. */
function filtered(): { where?: PropertyCondition[] } {
  if (!FILTERS || rand() > 1 / 3) return {};
  return rand() < 0.5
    ? { where: [{ property: "total", op: pick(["gte", "lt"] as const), value: pick([50, 100, 200]) }] as PropertyCondition[] }
    : { where: [{ property: "category", op: "eq", value: pick(CATEGORIES) }] as PropertyCondition[] };
}
const CATEGORIES = ["camping", "hiking", "climbing", "footwear"];

const resources: Resource[] = [
  { kind: "property", name: "country", spec: { type: "enum", values: COUNTRIES } },
  { kind: "property", name: "lifetime_value", spec: { type: "number" } },
  { kind: "property", name: "orders", spec: { type: "number" } },
  { kind: "property", name: "tier", spec: { type: "enum", values: ["bronze", "silver", "gold"] } },
  { kind: "property", name: "first_name", spec: { type: "string" } },
  { kind: "subscription_type", name: "newsletter", spec: { channel: "email" } },
  { kind: "subscription_type", name: "sms_marketing", spec: { channel: "sms" } },
  { kind: "team", name: "lifecycle", spec: {} },
  { kind: "template", name: "mail", spec: { channel: "email", subject: "Hi {{ first_name | default: \"there\" }}", body: "Hello" } },
  { kind: "template", name: "text", spec: { channel: "sms", body: "Sale. Reply STOP to opt out." } },
  { kind: "frequency_cap", name: "weekly", spec: { max: 3, period: "7d", channels: ["email", "sms"] } },
];
if (FILTERS) {
  for (const e of EVENTS) {
    resources.push({ kind: "event", name: e, spec: { properties: { total: { type: "number" }, category: { type: "enum", values: CATEGORIES } } } });
  }
  resources.push({ kind: "event", name: "support_ticket_opened", spec: {} }, { kind: "event", name: "email_clicked", spec: { source: "platform" } });
}
for (let i = 0; i < SEGMENTS; i++) {
  const n = 1 + Math.floor(rand() * 3);
  const conds = Array.from({ length: n }, () => leaf(i));
  resources.push({ kind: "segment", name: `seg_${i}`, spec: { type: "dynamic", conditions: rand() < 0.2 ? { any: conds } : { all: conds } } });
}
for (let i = 0; i < WORKFLOWS; i++) {
  const sms = rand() < 0.2;
  const steps: Step[] = [];
  for (let k = 0, n = 1 + Math.floor(rand() * 3); k < n; k++) {
    if (k) steps.push({ type: "wait", duration: pick(["1d", "2d", "3d", "7d"]) });
    steps.push(sms && k === n - 1
      ? { type: "send", channel: "sms", template: "text", subscription_type: "sms_marketing" }
      : { type: "send", channel: "email", template: "mail", subscription_type: "newsletter" });
  }
  const r = rand();
  const trigger = r < 0.7 ? { type: "segment_entry" as const, segment: `seg_${Math.floor(rand() * SEGMENTS)}` }
    : r < 0.9 ? { type: "event" as const, event: pick(EVENTS), ...filtered() } : { type: "date" as const, property: "first_order_date" };
  const consents: Condition[] = [{ consent: "newsletter" }, ...(sms ? [{ consent: "sms_marketing" }] : [])];
  resources.push({
    kind: "workflow", name: `wf_${i}`,
    spec: {
      status: "active", owner: "lifecycle", purpose: "generated", trigger,
      entry_filter: { all: [...consents, { property: "country", op: "in", value: [pick(COUNTRIES), pick(COUNTRIES), pick(COUNTRIES)] }] },
      ...(rand() < 0.5 ? { suppression: { segments: [`seg_${Math.floor(rand() * SEGMENTS)}`] } } : {}),
      priority: pick([100, 200, 300, 400, 500]),
      ...(FILTERS ? { tags: [pick(["promotion", "recovery", "onboarding"]), `category:${pick(CATEGORIES)}`], purpose: pick(["Upsell the range.", "Recover abandoned carts.", "generated"]) } : {}),
      steps,
    },
  });
}
const stack: Stack = { name: "bench", environment: "prod", environments: { prod: { provider: { type: "sandbox" } } }, resources };

const policy = FILTERS ? policyFrom(parse(readFileSync(new URL("../examples/policy-packs/starter.yaml", import.meta.url), "utf8")) as PolicyFile) : undefined;
const before = process.memoryUsage();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const findings = analyze(stack, { policy });
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const after = process.memoryUsage();
// analyze() is synchronous, so the process's peak resident set is the honest peak figure.
const peakRss = process.resourceUsage().maxRSS * 1024;
const byCode = new Map<string, number>();
for (const f of findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
console.log(`workflows ${WORKFLOWS}, segments ${SEGMENTS}${FILTERS ? ", filtered events, catalogue and the starter pack's requirements" : ""}`);
console.log(`analyze: ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU; heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)} MB; peak RSS ${mb(peakRss)} MB`);
console.log(`findings ${findings.length}: ${[...byCode].sort().map(([c, n]) => `${c} ${n}`).join(", ")}`);
