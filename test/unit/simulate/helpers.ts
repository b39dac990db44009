import type { Resource, Stack, Step, WorkflowSpec } from "../../../src/model";
import type { ContactRow, PopulationSpec } from "../../../src/model/population";
import { DEFAULT_WARMUP_DAYS, preparePopulation, simulate, type SimulationResult } from "../../../src/simulate";
import { DAY_MS } from "../../../src/simulate/population";

/** Monday 1 June 2026, 00:00 UTC: the start of every simulated period here. */
export const START = Date.parse("2026-06-01T00:00:00Z");
export const at = (days: number, hours = 0) => new Date(START + days * DAY_MS + hours * 3_600_000).toISOString();

/** A stack of these resources, with an email and SMS subscription type and the properties most tests read. */
export function stack(resources: Resource[]): Stack {
  const base: Resource[] = [
    { kind: "property", name: "tier", spec: { type: "enum", values: ["a", "b"] } },
    { kind: "property", name: "score", spec: { type: "number" } },
    { kind: "property", name: "birthday", spec: { type: "date" } },
    { kind: "subscription_type", name: "news", spec: { channel: "email" } },
    { kind: "subscription_type", name: "texts", spec: { channel: "sms" } },
    { kind: "template", name: "mail", spec: { channel: "email", subject: "Hi", body: "Hello" } },
    { kind: "template", name: "mail2", spec: { channel: "email", subject: "Hi again", body: "Hello" } },
    { kind: "template", name: "text", spec: { channel: "sms", body: "Hi" } },
  ];
  const names = new Set(resources.map((r) => `${r.kind}.${r.name}`));
  return {
    name: "t", environment: "sandbox", environments: { sandbox: { provider: { type: "sandbox" } } },
    resources: [...base.filter((r) => !names.has(`${r.kind}.${r.name}`)), ...resources],
  };
}

export const segment = (name: string, conditions?: object): Resource =>
  ({ kind: "segment", name, spec: conditions ? { type: "dynamic", conditions } : { type: "static" } }) as Resource;

export const mail = (id?: string, template = "mail"): Step =>
  ({ ...(id ? { id } : {}), type: "send", channel: "email", template, subscription_type: "news" }) as Step;

export const workflow = (name: string, spec: Partial<WorkflowSpec> & Pick<WorkflowSpec, "trigger">): Resource =>
  ({ kind: "workflow", name, spec: { status: "active", steps: [mail()], ...spec } }) as Resource;

/** Contacts with consent to `news` unless they say otherwise. */
export function contacts(n: number, row: (i: number) => ContactRow = () => ({})): ContactRow[] {
  return Array.from({ length: n }, (_, i) => ({ id: `p${i + 1}`, consents: ["news"], ...row(i) }));
}

/** Run `s` over exactly these contacts (no generated behaviour unless `spec` says so). */
export function run(s: Stack, rows: ContactRow[], opts: { days?: number; spec?: PopulationSpec; seed?: number; warmupDays?: number; switchedOn?: string[] } = {}): SimulationResult {
  const days = opts.days ?? 28;
  const spec: PopulationSpec = { ...opts.spec, events: { ...opts.spec?.events } };
  // Events the stack counts get no invented rate: these populations are exactly the rows.
  const prepared = preparePopulation({ stacks: [s], spec: withZeroRates(s, spec), rows, seed: opts.seed ?? 1, start: START, days, warmupDays: opts.warmupDays });
  return simulate({
    stack: s, population: prepared.population, assumptions: prepared.assumptions, start: START, days,
    seed: opts.seed ?? 1, warmupDays: opts.warmupDays ?? DEFAULT_WARMUP_DAYS, switchedOn: opts.switchedOn,
  });
}

function withZeroRates(s: Stack, spec: PopulationSpec): PopulationSpec {
  const events = { ...spec.events };
  const json = JSON.stringify(s.resources);
  for (const m of json.matchAll(/"event":"([^"]+)"/g)) events[m[1]!] ??= { per_week: 0 };
  return { ...spec, events };
}

export const wf = (r: SimulationResult, name: string) => r.workflows.find((w) => w.workflow === name)!;
