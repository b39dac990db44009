import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition, PropertySpec, SegmentSpec } from "../../../src/model";
import type { ContactRow } from "../../../src/model/population";
import { evaluate, type Contact } from "../../../src/model/evaluate";
import { compile, type Runtime } from "../../../src/simulate/compile";
import { EventLog } from "../../../src/simulate/events";
import { DAY_MS, PopulationBuilder } from "../../../src/simulate/population";
import { addRows } from "../../../src/simulate/rows";

/**
 * The simulation reads conditions through compiled closures over columns;
 * the analysis (and the sandbox platform) through `evaluate` over contact
 * records. They must agree on every contact, at every moment.
 */
const NOW = Date.parse("2026-06-01T12:00:00Z");
const properties = new Map<string, PropertySpec>([
  ["n", { type: "number" }], ["c", { type: "enum", values: ["a", "b", "c"] }], ["s", { type: "string" }], ["d", { type: "date" }],
  ["f", { type: "boolean" }],
]);
const segments = new Map<string, SegmentSpec>([
  ["big", { type: "dynamic", conditions: { any: [{ property: "n", op: "gte", value: 3 }, { event: "order", at_least: 2, within: "7d" }] } }],
  ["listed", { type: "static" }],
]);
const iso = (days: number) => new Date(NOW + days * DAY_MS).toISOString().slice(0, 10);

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ property: fc.constant("n"), op: fc.constantFrom("eq", "neq", "gt", "gte", "lt", "lte", "exists", "not_exists"), value: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ property: fc.constant("n"), op: fc.constantFrom("in", "not_in"), value: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }) }),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })).map(([a, b]) => ({ property: "n", op: "between", value: [Math.min(a, b), Math.max(a, b)] })),
  fc.record({ property: fc.constant("c"), op: fc.constantFrom("eq", "neq", "contains", "starts_with"), value: fc.constantFrom("a", "b", "d") }),
  fc.record({ property: fc.constant("c"), op: fc.constantFrom("in", "not_in"), value: fc.uniqueArray(fc.constantFrom("a", "b", "c"), { minLength: 1 }) }),
  fc.record({ property: fc.constant("s"), op: fc.constantFrom("eq", "neq", "contains", "starts_with", "exists"), value: fc.constantFrom("ab", "a", "b") }),
  fc.record({ property: fc.constant("f"), op: fc.constantFrom("eq", "neq"), value: fc.boolean() }),
  fc.record({ property: fc.constant("d"), op: fc.constantFrom("within", "before", "after"), value: fc.constantFrom("1d", "7d", "30d") }),
  fc.record({ property: fc.constant("d"), op: fc.constantFrom("gt", "lt", "gte", "lte", "eq", "neq", "before", "after"), value: fc.integer({ min: -40, max: 5 }).map(iso) }),
  fc.record({ property: fc.constant("d"), op: fc.constantFrom("eq", "gt", "lt"), value: fc.integer({ min: -40, max: 5 }) }),
  fc.record({ event: fc.constant("order"), at_least: fc.integer({ min: 0, max: 2 }), at_most: fc.integer({ min: 0, max: 3 }), within: fc.constantFrom("1d", "7d", "30d") }, { requiredKeys: ["event"] }),
  fc.record({ event: fc.constant("order"), at_least: fc.integer({ min: 1, max: 2 }), within: fc.constantFrom("7d", "30d"), where: fc.constant([{ property: "total", op: "gt", value: 50 }]) }),
  fc.constantFrom<Condition>({ consent: "news" }, { in_segment: "big" }, { in_segment: "listed" }, { event: "never_seen", at_most: 0 }),
) as fc.Arbitrary<Condition>;
const cond: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof({ depthSize: "small" }, leaf,
    fc.array(tie("c"), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie("c"), { minLength: 1, maxLength: 2 }).map((any) => ({ any })),
    tie("c").map((not) => ({ not }))),
})).c;

const row: fc.Arbitrary<ContactRow> = fc.record({
  n: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  c: fc.option(fc.constantFrom("a", "b", "c"), { nil: undefined }),
  s: fc.option(fc.constantFrom("a", "ab", "ba", "b"), { nil: undefined }),
  d: fc.option(fc.integer({ min: -60, max: 10 }).map(iso), { nil: undefined }),
  f: fc.option(fc.boolean(), { nil: undefined }),
  news: fc.boolean(),
  listed: fc.boolean(),
  orders: fc.array(fc.record({ days: fc.double({ min: -40, max: 5, noNaN: true }), total: fc.integer({ min: 0, max: 100 }) }), { maxLength: 4 }),
}).map((x) => {
  const props: Record<string, string | number | boolean> = {};
  for (const k of ["n", "c", "s", "d", "f"] as const) if (x[k] !== undefined) props[k] = x[k]!;
  return {
    properties: props, consents: x.news ? ["news"] : [], segments: x.listed ? ["listed"] : [],
    events: x.orders.map((o) => ({ event: "order", at: new Date(Math.round(NOW + o.days * DAY_MS)).toISOString(), properties: { total: o.total } })),
  };
});

/** The record `evaluate` reads for this row at `now`: events up to now, as days ago. */
function contactAt(r: ContactRow, now: number): Contact {
  return {
    properties: (r.properties ?? {}) as Contact["properties"],
    events: (r.events ?? []).filter((e) => Date.parse(e.at) <= now).map((e) => ({ event: e.event, daysAgo: (now - Date.parse(e.at)) / DAY_MS, properties: e.properties })),
    consents: r.consents ?? [], segments: r.segments ?? [],
  };
}

describe("compiled conditions", () => {
  it("agree with evaluate on every contact, at different moments", () => {
    fc.assert(fc.property(cond, fc.array(row, { minLength: 1, maxLength: 12 }), fc.integer({ min: -3, max: 3 }), (c, rows, shift) => {
      const now = NOW + shift * DAY_MS / 2;
      const b = new PopulationBuilder(new Map([...properties].map(([k, p]) => [k, p.type])));
      b.declare(["news"], ["listed"]);
      addRows(b, rows);
      const pop = b.build();
      const members = new Map([["big", new Uint8Array(pop.size)]]);
      const rt: Runtime = { pop, events: new EventLog(pop), properties, segments, members };
      const big = compile(segments.get("big")!.conditions!, rt);
      for (let i = 0; i < pop.size; i++) members.get("big")![i] = big.test(i, now) ? 1 : 0;
      const compiled = compile(c, rt);
      const env = { properties, segments, now };
      rows.forEach((r, i) => expect(compiled.test(i, now), JSON.stringify({ c, r, now })).toBe(evaluate(c, contactAt(r, now), env)));
    }), { numRuns: 400 });
  });
});
