import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PopulationSchema } from "../../../src/model/population";
import { preparePopulation, resolveAssumptions, toRows } from "../../../src/simulate";
import { loadStack } from "../../../src/stack";
import { loadContacts, loadPopulation, populationFileOf } from "../../../src/stack/population";
import { at, stack, START } from "./helpers";

const ROOT = resolve(import.meta.dirname, "../../..");
const tmp = () => mkdtempSync(join(tmpdir(), "mops-population-"));

describe("population file", () => {
  it("stacks/population.schema.json is the current one (regenerate: mops schema --population -o stacks/population.schema.json)", () => {
    expect(JSON.parse(readFileSync(join(ROOT, "stacks/population.schema.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(PopulationSchema)));
  });

  it("northwind's file loads, names only what the stack declares, and leaves no default unsaid", async () => {
    const { value } = await loadStack(join(ROOT, "stacks/northwind-outfitters"), { env: {} });
    const spec = loadPopulation(populationFileOf(value!.baseDir));
    expect(spec.diagnostics).toEqual([]);
    const { diagnostics } = resolveAssumptions(spec.value!, [value!.stack], 0);
    expect(diagnostics).toEqual([]);
  });

  it("reports a mistake with file:line:col and what would be right", () => {
    const dir = tmp();
    const file = join(dir, "population.yaml");
    writeFileSync(file, "contacts: 100\nconsent:\n  news: 1.5\nevents:\n  order: { per_wek: 1 }\n");
    const r = loadPopulation(file);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: "population/unknown-key", message: "unknown key `per_wek` in the population file", hint: "did you mean `per_week`?", range: expect.objectContaining({ file, line: 5, col: 12 }) }),
      expect.objectContaining({ code: "population/bad-value", range: expect.objectContaining({ file, line: 3, col: 9 }) }),
    ]));
  });

  it("warns about rules for what the stack does not declare, and notes every assumed default", () => {
    const s = stack([]);
    const { diagnostics } = resolveAssumptions({ properties: { nope: { missing: 0 } }, consent: { unknown: 0.5 }, engagement: { templates: { ghost: { opened: 1 } } } }, [s], 0);
    expect(diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ["warning", "simulate/unknown-property"], ["info", "simulate/default-values"], ["warning", "simulate/unknown-subscription-type"], ["warning", "simulate/unknown-template"],
    ]);
  });
});

describe("generated population", () => {
  it("draws values by their rules, keeps derived properties in step with events, and is the same for a seed", async () => {
    const { value } = await loadStack(join(ROOT, "stacks/northwind-outfitters"), { env: {} });
    const spec = loadPopulation(populationFileOf(value!.baseDir)).value!;
    const make = (seed: number) => preparePopulation({ stacks: [value!.stack], spec, contacts: 2000, seed, start: START, days: 7 }).population;
    const p = make(7);
    const rows = [...toRows(p, START)];
    expect(rows.length).toBeGreaterThan(1900);
    expect(rows.length).toBeLessThan(2000); // signups: some appear after the start
    const share = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).length / rows.length;
    expect(share((r) => r.consents!.includes("newsletter"))).toBeCloseTo(0.68, 1);
    expect(share((r) => r.properties!.country === "us")).toBeCloseTo(0.46, 1);
    expect(share((r) => r.consents!.includes("sms_marketing") && r.properties!.phone === undefined)).toBe(0);
    // orders_count counts placed_order events, last_order_date is the latest of them.
    for (const r of rows.slice(0, 300)) {
      const orders = r.events!.filter((e) => e.event === "placed_order");
      expect(r.properties!.orders_count).toBe(orders.length);
      if (orders.length) expect(Date.parse(String(r.properties!.last_order_date))).toBe(Math.max(...orders.map((o) => Date.parse(o.at))));
    }
    // Deliveries follow orders, a few days later.
    const withOrder = rows.find((r) => r.events!.some((e) => e.event === "placed_order" && Date.parse(e.at) < START - 10 * 86_400_000))!;
    expect(withOrder.events!.some((e) => e.event === "order_delivered")).toBe(true);
    expect([...toRows(make(7), START)]).toEqual(rows);
    expect([...toRows(make(8), START)]).not.toEqual(rows);
  });
});

describe("contacts file", () => {
  it("reads JSON contacts, and refuses a shape it does not know with the file and the field", () => {
    const dir = tmp();
    const good = join(dir, "c.json");
    writeFileSync(good, JSON.stringify({ contacts: [{ id: "a", consents: ["news"], events: [{ event: "order", at: at(1) }] }] }));
    expect(loadContacts(good, new Map()).value).toEqual([{ id: "a", consents: ["news"], events: [{ event: "order", at: at(1) }] }]);
    writeFileSync(good, JSON.stringify([{ id: "a", events: [{ event: "order" }] }]));
    const bad = loadContacts(good, new Map());
    expect(bad.diagnostics[0]).toMatchObject({ code: "contacts/bad-value", range: { file: good } });
    expect(bad.diagnostics[0]!.message).toContain("/0/events/0");
  });
});
