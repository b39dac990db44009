import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analysis";
import type { Contact } from "../../../src/model/evaluate";
import type { Condition, Resource, Stack, WorkflowSpec } from "../../../src/model";
import type { ContactRow } from "../../../src/model/population";
import { preparePopulation, simulate, toRows, type SimulationResult } from "../../../src/simulate";
import { DAY_MS } from "../../../src/simulate/population";
import { loadStack } from "../../../src/stack";

/**
 * The simulation agrees with the static checks: every overlap the conflict
 * check proves with a witness contact happens in the simulation when that
 * contact is among the people simulated — both journeys message it.
 */
const START = Date.parse("2026-06-01T00:00:00Z");
const CORPUS = join(__dirname, "../../analysis-corpus");

/** The witness as a contact appearing at the start, its events placed `daysAgo` before it. */
function witnessRow(w: Contact): ContactRow {
  return {
    id: "witness",
    created_at: new Date(START).toISOString(),
    properties: w.properties,
    consents: w.consents,
    segments: w.segments,
    events: w.events.map((e) => ({ event: e.event, at: new Date(START - e.daysAgo * DAY_MS).toISOString(), ...(e.properties ? { properties: e.properties } : {}) })),
  };
}

/** The stack over 200 generated contacts plus the witness. */
function withWitness(stack: Stack, witness: Contact): SimulationResult {
  const { population: generated } = preparePopulation({ stacks: [stack], spec: { contacts: 200 }, seed: 5, start: START, days: 7 });
  const rows = [...toRows(generated, START), witnessRow(witness)];
  const { population, assumptions } = preparePopulation({ stacks: [stack], spec: {}, rows, seed: 5, start: START, days: 7 });
  return simulate({ stack, population, assumptions, start: START, days: 7, seed: 5, follow: ["witness"] });
}

/** Workflows that sent the witness a message (or, with `kind`, did that to it). */
function messagedBy(r: SimulationResult, kind = "send"): Set<string> {
  const t = r.timelines.find((x) => x.role === "followed" && x.contact === "witness");
  return new Set((t?.entries ?? []).filter((e) => e.kind === kind).map((e) => e.workflow!));
}

function corpusFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? corpusFiles(p) : /^(bad|good)\.yaml$/.test(e) ? [p] : [];
  }).sort();
}

describe("simulation and conflict check agree", () => {
  const files = corpusFiles(CORPUS);
  let witnesses = 0;
  for (const file of files) {
    it(`reproduces every overlap witness of ${relative(CORPUS, file)}`, async () => {
      const loaded = await loadStack(file, { env: {} });
      if (!loaded.value) return;
      const { stack } = loaded.value;
      const found = analyze(stack, { now: new Date(START) }).filter((d) => d.code === "conflict/overlapping-workflows");
      for (const d of found) {
        const [a, b] = d.detail!.workflows as [string, string];
        const sent = messagedBy(withWitness(stack, d.detail!.witness as Contact));
        expect([...sent].sort(), `${a} and ${b} both message the witness`).toEqual(expect.arrayContaining([a, b]));
        witnesses++;
      }
      // A contact the consent check says can reach a send without consent reaches it, and is not sent it.
      for (const d of analyze(stack, { now: new Date(START) }).filter((x) => x.code === "consent/audience-not-filtered" && x.detail?.witness)) {
        const workflow = d.address!.replace(/^workflow\./, "");
        expect([...messagedBy(withWitness(stack, d.detail!.witness as Contact), "no-consent")]).toContain(workflow);
        witnesses++;
      }
    });
  }
  it("covered the corpus's overlap cases", () => {
    expect(witnesses).toBeGreaterThanOrEqual(9);
  });
});

describe("simulation and conflict check agree on generated stacks", () => {
  const props: Resource[] = [
    { kind: "property", name: "n", spec: { type: "number" } },
    { kind: "property", name: "c", spec: { type: "enum", values: ["a", "b", "c"] } },
    { kind: "subscription_type", name: "news", spec: { channel: "email" } },
    { kind: "template", name: "t", spec: { channel: "email", subject: "s", body: "b" } },
    { kind: "segment", name: "big", spec: { type: "dynamic", conditions: { property: "n", op: "gte", value: 3 } } },
    { kind: "segment", name: "recent", spec: { type: "dynamic", conditions: { event: "order", at_least: 1, within: "7d" } } },
    { kind: "segment", name: "listed", spec: { type: "static" } },
  ];
  const leaf = fc.oneof(
    fc.record({ property: fc.constant("n"), op: fc.constantFrom("eq", "neq", "gt", "gte", "lt", "lte"), value: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ property: fc.constant("c"), op: fc.constantFrom("eq", "neq"), value: fc.constantFrom("a", "b", "c") }),
    fc.record({ event: fc.constant("order"), at_least: fc.integer({ min: 0, max: 2 }), at_most: fc.integer({ min: 0, max: 2 }), within: fc.constantFrom("1d", "7d", "30d") }, { requiredKeys: ["event"] }),
    fc.constantFrom<Condition>({ in_segment: "big" }, { in_segment: "listed" }, { in_segment: "recent" }),
  ) as fc.Arbitrary<Condition>;
  const cond = fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("c"), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie("c"), { minLength: 1, maxLength: 2 }).map((any) => ({ any })), tie("c").map((not) => ({ not }))),
  })).c;
  const workflow = fc.record({
    trigger: fc.constantFrom<WorkflowSpec["trigger"]>(
      { type: "segment_entry", segment: "big" }, { type: "segment_entry", segment: "listed" }, { type: "segment_entry", segment: "recent" },
      { type: "event", event: "order" },
    ),
    filter: cond,
    suppression: fc.constantFrom<WorkflowSpec["suppression"]>(undefined, { segments: ["big"] }, { events: [{ event: "order", at_least: 1, within: "1d" }] }),
  }).map(({ trigger, filter, suppression }): WorkflowSpec => ({
    status: "active", trigger, entry_filter: { all: [{ consent: "news" }, filter] }, ...(suppression ? { suppression } : {}),
    steps: [{ type: "send", channel: "email", template: "t", subscription_type: "news" }],
  }));

  it("every witness the check reports is messaged by both journeys", () => {
    let checked = 0;
    fc.assert(fc.property(fc.array(workflow, { minLength: 2, maxLength: 3 }), (ws) => {
      const stack: Stack = {
        name: "p", environment: "e", environments: {},
        resources: [...props, ...ws.map((spec, i) => ({ kind: "workflow" as const, name: `w${i}`, spec }))],
      };
      for (const d of analyze(stack, { now: new Date(START) }).filter((x) => x.code === "conflict/overlapping-workflows")) {
        const [a, b] = d.detail!.workflows as [string, string];
        const sent = messagedBy(withWitness(stack, d.detail!.witness as Contact));
        expect(sent.has(a) && sent.has(b), JSON.stringify({ a, b, witness: d.detail!.witness, ws })).toBe(true);
        checked++;
      }
    }), { numRuns: 40 });
    expect(checked).toBeGreaterThan(10);
  });
});
