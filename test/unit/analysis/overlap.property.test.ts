import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition, PropertySpec, SegmentSpec } from "../../../src/model";
import { AudienceSolver } from "../../../src/analysis/audience";
import { evaluate, type Contact, type ConditionEnv } from "../../../src/analysis/evaluate";
import { analyze, audienceCondition } from "../../../src/analysis";
import type { Resource, WorkflowSpec } from "../../../src/model";

const NOW = Date.parse("2026-06-01T00:00:00Z");
const properties = new Map<string, PropertySpec>([
  ["n", { type: "number" }],
  ["c", { type: "enum", values: ["a", "b", "c"] }],
  ["s", { type: "string" }],
]);
const segments = new Map<string, SegmentSpec>([
  ["big", { type: "dynamic", conditions: { property: "n", op: "gte", value: 3 } }],
  ["listed", { type: "static" }],
]);
const env: ConditionEnv = { properties, segments, now: NOW };

const numLeafOver = (num: fc.Arbitrary<number>): fc.Arbitrary<Condition> => fc.oneof(
  fc.record({ property: fc.constant("n"), op: fc.constantFrom("eq", "neq", "gt", "gte", "lt", "lte"), value: num }),
  fc.tuple(num, num).map(([a, b]) => ({ property: "n", op: "between", value: [Math.min(a, b), Math.max(a, b)] }) as Condition),
  fc.record({ property: fc.constant("n"), op: fc.constantFrom("in", "not_in"), value: fc.uniqueArray(num, { minLength: 1, maxLength: 3 }) }),
  fc.record({ property: fc.constantFrom("n", "c", "s"), op: fc.constantFrom("exists", "not_exists") }),
) as fc.Arbitrary<Condition>;
const numLeaf = numLeafOver(fc.integer({ min: 0, max: 4 }));
const setLeaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ property: fc.constant("c"), op: fc.constantFrom("eq", "neq"), value: fc.constantFrom("a", "b", "c", "d") }),
  fc.record({ property: fc.constant("c"), op: fc.constantFrom("in", "not_in"), value: fc.uniqueArray(fc.constantFrom("a", "b", "c"), { minLength: 1 }) }),
  fc.record({ property: fc.constant("s"), op: fc.constantFrom("eq", "neq", "in", "not_in"), value: fc.constantFrom("a", "b") })
    .map((c) => (c.op === "in" || c.op === "not_in" ? { ...c, value: [c.value] } : c) as Condition),
) as fc.Arbitrary<Condition>;
const eventLeaf: fc.Arbitrary<Condition> = fc.record(
  {
    event: fc.constant("order"),
    at_least: fc.integer({ min: 0, max: 1 }),
    at_most: fc.integer({ min: 0, max: 1 }),
    within: fc.constantFrom("1d", "7d"),
  },
  { requiredKeys: ["event"] },
) as fc.Arbitrary<Condition>;
const otherLeaf: fc.Arbitrary<Condition> = fc.constantFrom<Condition>(
  { consent: "news" }, { in_segment: "big" }, { in_segment: "listed" },
);
const leaf = fc.oneof(numLeafOver(fc.integer({ min: 0, max: 2 })), setLeaf, eventLeaf, otherLeaf);
/** all / any / not trees over some leaves. */
const treeOf = (leaves: fc.Arbitrary<Condition>): fc.Arbitrary<Condition> => fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaves,
    fc.array(tie("c"), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie("c"), { minLength: 1, maxLength: 2 }).map((any) => ({ any })),
    tie("c").map((not) => ({ not })),
  ),
})).c;
const cond = treeOf(leaf);
const conjunction = fc.array(fc.oneof(numLeaf, setLeaf), { minLength: 1, maxLength: 4 }).map((all) => ({ all }) as Condition);

/**
 * Every contact over small domains that hold a point between any two
 * constants the generators use, and enough events in each window bucket.
 */
function* contacts(maxN: number, withEvents: boolean): Generator<Contact> {
  const ns: (number | undefined)[] = [undefined];
  for (let x = -0.5; x <= maxN + 1; x += 0.5) ns.push(x);
  const buckets = withEvents ? [0, 1, 2] : [0];
  for (const n of ns) for (const c of [undefined, "a", "b", "c"]) for (const s of [undefined, "a", "b", "z"]) {
    for (const e1 of buckets) for (const e7 of buckets) for (const eOld of buckets) for (const news of [false, true]) for (const listed of [false, true]) {
      const properties: Contact["properties"] = {};
      if (n !== undefined) properties.n = n;
      if (c !== undefined) properties.c = c;
      if (s !== undefined) properties.s = s;
      const at = (k: number, daysAgo: number) => Array.from({ length: k }, () => ({ event: "order", daysAgo }));
      const events = [...at(e1, 0.5), ...at(e7, 3), ...at(eOld, 30)];
      yield { properties, events, consents: news ? ["news"] : [], segments: listed ? ["listed"] : [] };
    }
  }
}
const FLAT = [...contacts(4, false)];
const NESTED = [...contacts(2, true)];

/**
 * The solver against brute force over every contact in `all`: never "cannot decide", a witness that meets both,
 * and the same answer. Over a domain that may miss the solver's witness (`complete` false), a witness proves the
 * overlap; no overlap must still agree with brute force.
 */
function check(a: Condition, b: Condition, all: Contact[], e: ConditionEnv = env, complete = true) {
  const solver = new AudienceSolver(e);
  const r = solver.intersect(solver.normalize(a), solver.normalize(b));
  expect(r.status).not.toBe("unknown");
  const brute = all.some((x) => evaluate(a, x, e) && evaluate(b, x, e));
  if (r.status === "sat") {
    expect(evaluate(a, r.witness, e)).toBe(true);
    expect(evaluate(b, r.witness, e)).toBe(true);
  } else expect(brute).toBe(false);
  if (complete || brute) expect(r.status === "sat").toBe(brute);
}

describe("overlap decision", () => {
  it("is exact on conjunctions of range and set conditions (brute force over small domains)", () => {
    fc.assert(fc.property(conjunction, conjunction, (a, b) => check(a, b, FLAT)), { numRuns: 200 });
  });

  it("is exact with nesting, negation, events in nested windows, consent and membership", () => {
    fc.assert(fc.property(cond, cond, (a, b) => check(a, b, NESTED)), { numRuns: 60 });
  });

  it("builds witnesses that satisfy both audiences", () => {
    check({ all: [{ property: "n", op: "gt", value: 2 }, { not: { property: "c", op: "eq", value: "a" } }] },
      { all: [{ property: "n", op: "lt", value: 3 }, { event: "order", at_least: 2, within: "7d" }, { event: "order", at_most: 0, within: "1d" }] }, NESTED);
  });

  it("every conflict witness analyze reports enrols in both workflows (triggers, filters, suppression)", () => {
    const trigger = fc.constantFrom<WorkflowSpec["trigger"]>(
      { type: "segment_entry", segment: "big" }, { type: "segment_entry", segment: "listed" }, { type: "event", event: "order" },
      { type: "manual" },
    );
    const workflow = fc.record({
      trigger, entry_filter: cond,
      suppression: fc.constantFrom<WorkflowSpec["suppression"]>(undefined, { segments: ["big"] }, { events: [{ event: "order", at_least: 1, within: "1d" }] }),
    }).map(({ suppression, ...w }): WorkflowSpec => ({
      status: "active", ...w, ...(suppression ? { suppression } : {}),
      steps: [{ type: "send", channel: "email", template: "t", subscription_type: "news" }],
    }));
    let witnesses = 0;
    fc.assert(fc.property(fc.array(workflow, { minLength: 2, maxLength: 4 }), (ws) => {
      const resources: Resource[] = [
        ...[...properties].map(([name, spec]) => ({ kind: "property" as const, name, spec })),
        ...[...segments].map(([name, spec]) => ({ kind: "segment" as const, name, spec })),
        ...ws.map((spec, i) => ({ kind: "workflow" as const, name: `w${i}`, spec })),
      ];
      const found = analyze({ name: "p", environment: "e", environments: {}, resources }, { now: new Date(NOW) });
      for (const d of found.filter((x) => x.code === "conflict/overlapping-workflows")) {
        const [a, b] = d.detail!.workflows as string[];
        const witness = d.detail!.witness as Contact;
        expect(evaluate(audienceCondition(ws[Number(a.slice(1))]), witness, env)).toBe(true);
        expect(evaluate(audienceCondition(ws[Number(b.slice(1))]), witness, env)).toBe(true);
        witnesses++;
      }
    }), { numRuns: 60 });
    expect(witnesses).toBeGreaterThan(10);
  });

  it("decides dates (relative and absolute) and text patterns exactly", () => {
    const dateEnv: ConditionEnv = { properties: new Map([["d", { type: "date" }], ["s", { type: "string" }]]), segments: new Map(), now: NOW };
    const iso = (days: number) => new Date(NOW + days * 86_400_000).toISOString();
    const dateLeaf = fc.oneof(
      fc.record({ property: fc.constant("d"), op: fc.constantFrom("within", "before", "after"), value: fc.constantFrom("1d", "7d", "30d") }),
      fc.record({ property: fc.constant("d"), op: fc.constantFrom("gt", "lt", "gte", "lte", "eq", "neq", "before", "after"), value: fc.integer({ min: -31, max: 3 }).map(iso) }),
      fc.record({ property: fc.constant("d"), op: fc.constantFrom("exists", "not_exists") }),
      fc.record({ property: fc.constant("s"), op: fc.constantFrom("contains", "starts_with", "eq"), value: fc.constantFrom("ab", "a", "b", "ba") }),
    ) as fc.Arbitrary<Condition>;
    const dateCond = treeOf(dateLeaf);
    const people: Contact[] = [];
    for (const s of [undefined, "a", "b", "ab", "ba", "aba", "bab", "abx", "x", "bax", "xab", "xba"]) {
      for (let half = -70; half <= 10; half++) for (const d of [undefined, iso(half / 2)]) {
        const properties: Contact["properties"] = {};
        if (d !== undefined) properties.d = d;
        if (s !== undefined) properties.s = s;
        people.push({ properties, events: [], consents: [], segments: [] });
      }
    }
    fc.assert(fc.property(dateCond, dateCond, (a, b) => check(a, b, people, dateEnv, false)), { numRuns: 300 });
  });

  it("decides list properties exactly (membership of their values)", () => {
    const listEnv: ConditionEnv = { properties: new Map([["l", { type: "list", values: ["a", "b", "c"] }]]), segments: new Map(), now: NOW };
    const listLeaf = fc.oneof(
      fc.record({ property: fc.constant("l"), op: fc.constantFrom("eq", "neq", "contains"), value: fc.constantFrom("a", "b", "c") }),
      fc.record({ property: fc.constant("l"), op: fc.constantFrom("in", "not_in"), value: fc.uniqueArray(fc.constantFrom("a", "b", "c"), { minLength: 1 }) }),
      fc.record({ property: fc.constant("l"), op: fc.constantFrom("exists", "not_exists", "gt") , value: fc.constant(1) }),
    ) as fc.Arbitrary<Condition>;
    const listCond = treeOf(listLeaf);
    const lists: (string[] | undefined)[] = [undefined];
    for (let m = 0; m < 8; m++) lists.push(["a", "b", "c"].filter((_, i) => m & (1 << i)));
    const people = lists.map((l): Contact => ({ properties: l === undefined ? {} : { l }, events: [], consents: [], segments: [] }));
    fc.assert(fc.property(listCond, listCond, (a, b) => check(a, b, people, listEnv)), { numRuns: 300 });
  });

  it("decides text patterns exactly (brute force: every string of up to 5 characters)", () => {
    const textEnv: ConditionEnv = { properties: new Map([["s", { type: "string" }]]), segments: new Map(), now: NOW };
    const textLeaf = fc.record({
      property: fc.constant("s"), op: fc.constantFrom("contains", "starts_with", "eq", "neq"), value: fc.constantFrom("a", "b", "ab", "ba", "aa", "bab"),
    }) as fc.Arbitrary<Condition>;
    const textCond = treeOf(textLeaf);
    // Conjunctions of patterns, some negated, are where a search that ignores a pattern goes wrong.
    const patterns = fc.array(fc.tuple(textLeaf, fc.boolean()).map(([l, neg]) => (neg ? { not: l } : l)), { minLength: 2, maxLength: 4 })
      .map((all) => ({ all }) as Condition);
    const either = fc.oneof(textCond, patterns);
    const strings: (string | undefined)[] = [undefined, ""];
    for (let n = 1, layer = [""]; n <= 5; n++) strings.push(...(layer = layer.flatMap((w) => ["a", "b", "x"].map((c) => w + c))));
    const people = strings.map((s): Contact => ({ properties: s === undefined ? {} : { s }, events: [], consents: [], segments: [] }));
    fc.assert(fc.property(either, either, (a, b) => check(a, b, people, textEnv, false)), { numRuns: 1000 });
  });
});

describe("event occurrences with typed properties", () => {
  // A catalogue: `cart` occurrences carry a number and an enum. Filters compare against 2 and EUR.
  const events = new Map([["cart", { source: "custom" as const, properties: { items: { type: "number" as const }, currency: { type: "enum" as const, values: ["EUR", "USD"] } } }]]);
  const eventEnv: ConditionEnv = { properties: new Map(), segments: new Map(), events, now: NOW };
  const filter: fc.Arbitrary<Condition> = fc.oneof(
    fc.record({ property: fc.constant("items"), op: fc.constantFrom("eq", "neq", "gt", "gte", "lt", "lte"), value: fc.constant(2) }),
    fc.record({ property: fc.constant("currency"), op: fc.constantFrom("eq", "neq"), value: fc.constantFrom("EUR", "USD") }),
    fc.record({ property: fc.constantFrom("items", "currency"), op: fc.constantFrom("exists", "not_exists") }),
  ) as fc.Arbitrary<Condition>;
  const count: fc.Arbitrary<Condition> = fc.record(
    {
      event: fc.constant("cart"),
      where: fc.array(filter, { minLength: 1, maxLength: 2 }),
      at_least: fc.integer({ min: 0, max: 1 }),
      at_most: fc.integer({ min: 0, max: 1 }),
      within: fc.constantFrom("0m", "7d"),
    },
    { requiredKeys: ["event"] },
  ) as fc.Arbitrary<Condition>;
  const eventCond = treeOf(count);

  // Every contact with at most three occurrences, each at one of the windows' times, with each property
  // missing or on either side of the constants.
  const kinds: Contact["events"] = [];
  for (const daysAgo of [0, 3, 30]) for (const items of [undefined, 1, 2, 3]) for (const currency of [undefined, "EUR", "USD"]) {
    const properties: Record<string, string | number> = {};
    if (items !== undefined) properties.items = items;
    if (currency !== undefined) properties.currency = currency;
    kinds.push({ event: "cart", daysAgo, properties });
  }
  const people: Contact[] = [];
  const grow = (from: number, picked: Contact["events"]) => {
    people.push({ properties: {}, events: picked, consents: [], segments: [] });
    if (picked.length === 3) return;
    for (let i = from; i < kinds.length; i++) grow(i, [...picked, kinds[i]]);
  };
  grow(0, []);

  it("is exact against brute force over every contact with up to three occurrences", () => {
    fc.assert(fc.property(eventCond, eventCond, (a, b) => check(a, b, people, eventEnv, false)), { numRuns: 150 });
  });

  it("combines filters on different properties of one occurrence, and keeps contradictory ones apart", () => {
    const solver = new AudienceSolver(eventEnv);
    const trigger = (where: Condition[]) => solver.normalize({ event: "cart", at_least: 1, within: "0m", where } as Condition);
    const both = solver.intersect(trigger([{ property: "items", op: "gte", value: 3 }]), trigger([{ property: "currency", op: "eq", value: "EUR" }]));
    expect(both).toMatchObject({ status: "sat", witness: { events: [{ event: "cart", daysAgo: 0, properties: { items: 3, currency: "EUR" } }] } });
    // Without a cart of at least 3 in the last week, no cart of 3 now either.
    const none = solver.normalize({ event: "cart", at_most: 0, within: "7d", where: [{ property: "items", op: "gte", value: 3 }] } as Condition);
    expect(solver.intersect(trigger([{ property: "items", op: "gt", value: 5 }]), none).status).toBe("unsat");
    expect(solver.intersect(trigger([{ property: "items", op: "lt", value: 3 }]), none).status).toBe("sat");
  });
});
