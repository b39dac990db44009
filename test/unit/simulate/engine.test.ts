import { describe, expect, it } from "vitest";
import type { Resource } from "../../../src/model";
import { preparePopulation, simulate } from "../../../src/simulate";
import { at, contacts, mail, run, segment, stack, START, wf, workflow } from "./helpers";

const vip = segment("vip", { property: "score", op: "gte", value: 10 });
const entering = (w: Resource) => stack([vip, w]);
const sendTimes = (r: ReturnType<typeof run>, contact: string) =>
  r.timelines.find((t) => t.contact === contact)?.entries.filter((e) => e.kind === "send").map((e) => e.at) ?? [];

describe("simulate: triggers", () => {
  it("starts a journey for a contact entering the trigger segment, not for members it already had (steady state)", () => {
    const r = run(entering(workflow("w", { trigger: { type: "segment_entry", segment: "vip" } })), [
      { id: "new", created_at: at(2), consents: ["news"], properties: { score: 20 } },
      { id: "old", consents: ["news"], properties: { score: 20 } },
      { id: "low", created_at: at(1), consents: ["news"], properties: { score: 5 } },
    ]);
    expect(wf(r, "w")).toMatchObject({ entries: 1, reach: 1, messages: { email: 1 }, sends: { "steps[0]": 1 } });
    expect(r.segments.find((s) => s.segment === "vip")).toMatchObject({ atStart: 1, atEnd: 2, entered: 1, left: 0 });
    expect(sendTimes(r, "new")).toEqual(["2026-06-03T00:00Z"]);
  });

  it("enrols the members a trigger segment already has when the workflow is switched on at the start", () => {
    const s = entering(workflow("w", { trigger: { type: "segment_entry", segment: "vip" } }));
    const rows = contacts(3, (i) => ({ properties: { score: i === 2 ? 1 : 20 } }));
    expect(wf(run(s, rows), "w").entries).toBe(0);
    const r = run(s, rows, { switchedOn: ["w"] });
    expect(wf(r, "w")).toMatchObject({ entries: 2, messages: { email: 2 } });
    expect(sendTimes(r, "p1")).toEqual(["2026-06-01T00:00Z"]);
  });

  it("starts an event-triggered journey for each matching event in the period, filtered on the event's properties", () => {
    const s = stack([workflow("w", { trigger: { type: "event", event: "order", where: [{ property: "total", op: "gt", value: 100 }] } })]);
    const r = run(s, [
      { id: "big", consents: ["news"], events: [{ event: "order", at: at(1), properties: { total: 150 } }, { event: "order", at: at(-30), properties: { total: 500 } }] },
      { id: "small", consents: ["news"], events: [{ event: "order", at: at(1), properties: { total: 50 } }] },
    ]);
    expect(wf(r, "w")).toMatchObject({ entries: 1, reach: 1 });
    expect(sendTimes(r, "big")).toEqual(["2026-06-02T00:00Z"]);
  });

  it("fires a date trigger on the anniversary, with its offset, and not for dates outside the period", () => {
    const s = stack([workflow("bday", { trigger: { type: "date", property: "birthday", anniversary: true, offset: "-3d" } })]);
    const r = run(s, [
      { id: "june", consents: ["news"], properties: { birthday: "1990-06-10" } },
      { id: "may", consents: ["news"], properties: { birthday: "1990-05-01" } },
      { id: "none", consents: ["news"] },
    ]);
    expect(wf(r, "bday").entries).toBe(1);
    expect(sendTimes(r, "june")).toEqual(["2026-06-07T00:00Z"]);
  });

  it("skips drafts, paused and manual workflows, and says why", () => {
    const r = run(stack([
      workflow("d", { status: "draft", trigger: { type: "segment_entry", segment: "vip" } }), vip,
      workflow("m", { trigger: { type: "manual" } }),
    ]), contacts(1));
    expect(wf(r, "d").skipped).toBe("draft");
    expect(wf(r, "m").skipped).toMatch(/manual/);
  });
});

describe("simulate: filters, suppression, goals, re-enrollment", () => {
  it("applies the entry filter and suppression segments at entry", () => {
    const s = stack([
      vip, segment("blocked", { property: "tier", op: "eq", value: "b" }),
      workflow("w", { trigger: { type: "segment_entry", segment: "vip" }, entry_filter: { consent: "news" }, suppression: { segments: ["blocked"] } }),
    ]);
    const r = run(s, [
      { id: "ok", created_at: at(1), consents: ["news"], properties: { score: 20 } },
      { id: "no-consent", created_at: at(1), consents: [], properties: { score: 20 } },
      { id: "blocked", created_at: at(1), consents: ["news"], properties: { score: 20, tier: "b" } },
    ]);
    expect(wf(r, "w")).toMatchObject({ entries: 1, filtered: 1, suppressed: 1 });
  });

  it("takes a contact out mid-journey when it becomes suppressed (segment or event)", () => {
    const s = stack([
      vip, segment("complained", { event: "ticket", at_least: 1, within: "7d" }),
      workflow("w", {
        trigger: { type: "segment_entry", segment: "vip" },
        suppression: { segments: ["complained"], events: [{ event: "refund", at_least: 1, within: "30d" }] },
        steps: [{ type: "wait", duration: "3d" }, mail()],
      }),
    ]);
    const r = run(s, [
      { id: "ticket", created_at: at(1), consents: ["news"], properties: { score: 20 }, events: [{ event: "ticket", at: at(2) }] },
      { id: "refund", created_at: at(1), consents: ["news"], properties: { score: 20 }, events: [{ event: "refund", at: at(3) }] },
      { id: "calm", created_at: at(1), consents: ["news"], properties: { score: 20 } },
    ]);
    expect(wf(r, "w")).toMatchObject({ entries: 3, messages: { email: 1 }, exits: { suppressed: 2, completed: 1 } });
    expect(sendTimes(r, "calm")).toEqual(["2026-06-05T00:00Z"]);
  });

  it("ends a run when the goal is met, and counts the conversion (and the holdout's separately)", () => {
    const s = stack([vip, workflow("w", {
      trigger: { type: "segment_entry", segment: "vip" }, steps: [{ type: "wait", duration: "3d" }, mail()],
      goal: { event: "order", at_least: 1, within: "7d" },
    })]);
    const r = run(s, [
      { id: "buyer", created_at: at(1), consents: ["news"], properties: { score: 20 }, events: [{ event: "order", at: at(2) }] },
      { id: "browser", created_at: at(1), consents: ["news"], properties: { score: 20 } },
    ]);
    expect(wf(r, "w")).toMatchObject({ entries: 2, converted: 1, messages: { email: 1 }, exits: { goal: 1, completed: 1 } });
    const held = run(stack([vip, workflow("w", {
      trigger: { type: "segment_entry", segment: "vip" }, holdout_percent: 100, steps: [{ type: "wait", duration: "3d" }, mail()],
      goal: { event: "order", at_least: 1, within: "7d" },
    })]), [{ id: "buyer", created_at: at(1), consents: ["news"], properties: { score: 20 }, events: [{ event: "order", at: at(2) }] }]);
    expect(wf(held, "w")).toMatchObject({ entries: 0, holdout: 1, holdoutConverted: 1, converted: 0, messages: {} });
  });

  it("re-enrols only as `reenrollment` allows, and only after the journey ended", () => {
    const carted = segment("carted", { event: "cart", at_least: 1, within: "1d" });
    const rows = [{ id: "p", consents: ["news"], events: [at(1), at(5), at(6, 12)].map((t) => ({ event: "cart", at: t })) }];
    const once = run(stack([carted, workflow("w", { trigger: { type: "segment_entry", segment: "carted" }, reenrollment: { allowed: false } })]), rows);
    expect(wf(once, "w")).toMatchObject({ entries: 1, notReenrolled: 2 });
    const after = run(stack([carted, workflow("w", { trigger: { type: "segment_entry", segment: "carted" }, reenrollment: { allowed: true, after: "4d" } })]), rows);
    expect(wf(after, "w")).toMatchObject({ entries: 2, notReenrolled: 1 });
    expect(sendTimes(after, "p")).toEqual(["2026-06-02T00:00Z", "2026-06-06T00:00Z"]);
  });

  it("lets a contact leave a segment when its window closes", () => {
    const r = run(stack([segment("carted", { event: "cart", at_least: 1, within: "1d" })]), [{ id: "p", events: [{ event: "cart", at: at(2) }] }]);
    expect(r.segments[0]).toMatchObject({ segment: "carted", atStart: 0, atEnd: 0, entered: 1, left: 1 });
  });
});

describe("simulate: steps", () => {
  const once = (steps: Resource extends never ? never : Parameters<typeof workflow>[1]["steps"]) =>
    entering(workflow("w", { trigger: { type: "segment_entry", segment: "vip" }, steps }));
  const newcomer = [{ id: "p", created_at: at(2, 12), consents: ["news", "texts"], properties: { score: 20 } }];

  it("waits a duration", () => {
    expect(sendTimes(run(once([{ type: "wait", duration: "2d" }, mail()]), newcomer), "p")).toEqual(["2026-06-05T12:00Z"]);
  });

  it("waits until a weekday and local time in a time zone (DST included), or its max", () => {
    const until = { weekday: ["mon"], time: "09:00", timezone: "America/Denver" };
    // Wednesday 3 June 12:00 UTC -> Monday 8 June 09:00 MDT = 15:00 UTC.
    expect(sendTimes(run(once([{ type: "wait", until }, mail()]), newcomer), "p")).toEqual(["2026-06-08T15:00Z"]);
    expect(sendTimes(run(once([{ type: "wait", until, max: "1d" }, mail()]), newcomer), "p")).toEqual(["2026-06-04T12:00Z"]);
    // Time only: the next 10:00 in Berlin (CEST) is 08:00 UTC the next day.
    expect(sendTimes(run(once([{ type: "wait", until: { time: "10:00", timezone: "Europe/Berlin" } }, mail()]), newcomer), "p")).toEqual(["2026-06-04T08:00Z"]);
  });

  it("reads an unknown time zone as UTC and says so", () => {
    const r = run(once([{ type: "wait", until: { time: "09:00", timezone: "Mars/Olympus" } }, mail()]), newcomer);
    expect(sendTimes(r, "p")).toEqual(["2026-06-04T09:00Z"]);
    expect(r.notes).toContainEqual(expect.objectContaining({ code: "simulate/unknown-timezone", address: "workflow.w" }));
  });

  it("branches on a condition read at that moment", () => {
    const r = run(once([{ type: "branch", condition: { property: "tier", op: "eq", value: "a" }, then: [mail("a")], else: [mail("other", "mail2")] }]), [
      { id: "a", created_at: at(1), consents: ["news"], properties: { score: 20, tier: "a" } },
      { id: "b", created_at: at(1), consents: ["news"], properties: { score: 20, tier: "b" } },
      { id: "none", created_at: at(1), consents: ["news"], properties: { score: 20 } },
    ]);
    expect(wf(r, "w").sends).toEqual({ a: 1, other: 2 });
  });

  it("branches on engagement with the assumed rates, waiting for the action up to `within`", () => {
    const steps = [mail("first"), { type: "branch" as const, condition: { engagement: { step: "first", action: "opened" as const, within: "1d" } }, then: [mail("second", "mail2")], else: [{ type: "exit" as const }] }];
    const always = run(once(steps), newcomer, { spec: { engagement: { templates: { mail: { delivered: 1, opened: 1, delay: "2h" } } } } });
    expect(wf(always, "w").sends).toEqual({ first: 1, second: 1 });
    const [first, second] = sendTimes(always, "p");
    expect(Date.parse(second!)).toBeGreaterThan(Date.parse(first!));
    expect(always.timelines[0]!.entries.some((e) => e.kind === "opened")).toBe(true);
    const never = run(once(steps), newcomer, { spec: { engagement: { templates: { mail: { opened: 0 } } } } });
    expect(wf(never, "w")).toMatchObject({ sends: { first: 1 }, exits: { exit: 1 } });
    expect(never.timelines[0]!.entries.find((e) => e.kind === "exit")!.at).toBe("2026-06-04T12:00Z");
  });

  it("splits contacts at random by the paths' percentages, the same way every run", () => {
    const s = once([{ type: "split", paths: [{ name: "a", percent: 30, steps: [mail("a")] }, { name: "b", percent: 70, steps: [mail("b", "mail2")] }] }]);
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: `p${i}`, created_at: at(1), consents: ["news"], properties: { score: 20 } }));
    const r = run(s, rows);
    const { a, b } = wf(r, "w").sends;
    expect(a! + b!).toBe(1000);
    expect(a).toBeGreaterThan(250);
    expect(a).toBeLessThan(350);
    expect(run(s, rows).workflows).toEqual(r.workflows);
  });

  it("rolls out to `rollout_percent` of the qualifying contacts and holds out `holdout_percent`", () => {
    const s = entering(workflow("w", { trigger: { type: "segment_entry", segment: "vip" }, rollout_percent: 40, holdout_percent: 25 }));
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: `p${i}`, created_at: at(1), consents: ["news"], properties: { score: 20 } }));
    const w = wf(run(s, rows), "w");
    expect(w.notRolledOut + w.entries + w.holdout).toBe(2000);
    expect(w.notRolledOut / 2000).toBeCloseTo(0.6, 1);
    expect(w.holdout / (w.entries + w.holdout)).toBeCloseTo(0.25, 1);
    expect(w.messages.email).toBe(w.entries);
  });

  it("feeds update_property and add_to_segment back into segment membership, which starts other journeys", () => {
    const s = stack([
      vip, segment("tier_b", { property: "tier", op: "eq", value: "b" }), segment("picked"),
      workflow("promote", { trigger: { type: "segment_entry", segment: "vip" }, steps: [{ type: "update_property", property: "tier", value: "b" }, { type: "add_to_segment", segment: "picked" }] }),
      workflow("on_tier", { trigger: { type: "segment_entry", segment: "tier_b" } }),
      workflow("on_pick", { trigger: { type: "segment_entry", segment: "picked" }, steps: [mail(undefined, "mail2")] }),
    ]);
    const r = run(s, [{ id: "p", created_at: at(1), consents: ["news"], properties: { score: 20, tier: "a" } }]);
    expect(wf(r, "on_tier")).toMatchObject({ entries: 1, messages: { email: 1 } });
    expect(wf(r, "on_pick")).toMatchObject({ entries: 1, messages: { email: 1 } });
    expect(r.timelines[0]!.entries.map((e) => e.kind)).toEqual(expect.arrayContaining(["update", "segment"]));
  });

  it("stops journeys that enrol each other with no wait, and says which", () => {
    const s = stack([
      segment("s1"), segment("s2"),
      workflow("a", { trigger: { type: "segment_entry", segment: "s1" }, steps: [{ type: "remove_from_segment", segment: "s1" }, { type: "add_to_segment", segment: "s2" }], reenrollment: { allowed: true } }),
      workflow("b", { trigger: { type: "segment_entry", segment: "s2" }, steps: [{ type: "remove_from_segment", segment: "s2" }, { type: "add_to_segment", segment: "s1" }], reenrollment: { allowed: true } }),
    ]);
    const r = run(s, [{ id: "p", created_at: at(1), segments: ["s1"] }]);
    expect(r.notes).toContainEqual(expect.objectContaining({ code: "simulate/loop" }));
  });
});

describe("simulate: consent and frequency caps", () => {
  const cap = (exempt?: object): Resource => ({ kind: "frequency_cap", name: "weekly", spec: { max: 2, period: "7d", channels: ["email"], ...(exempt ? { exempt } : {}) } });
  const pair = (extra: Resource[] = []) => stack([
    vip, ...extra,
    workflow("a", { trigger: { type: "segment_entry", segment: "vip" }, priority: 10, steps: [mail("a1"), { type: "wait", duration: "1d" }, mail("a2")] }),
    workflow("b", { trigger: { type: "segment_entry", segment: "vip" }, priority: 5, steps: [mail("b1")] }),
    workflow("receipt", { trigger: { type: "segment_entry", segment: "vip" }, steps: [{ type: "send", channel: "email", template: "mail", transactional: true }] }),
  ]);
  const one = [{ id: "p", created_at: at(1), consents: ["news"], properties: { score: 20 } }];

  it("stops the send that would exceed a cap, counts it per cap and workflow, and never counts transactional sends", () => {
    const r = run(pair([cap()]), one);
    expect(r.caps[0]).toMatchObject({ cap: "weekly", hits: 1, contacts: 1, byWorkflow: { a: 1 } });
    expect(wf(r, "a")).toMatchObject({ sends: { a1: 1 }, capped: 1 });
    expect(wf(r, "b").sends).toEqual({ b1: 1 });
    expect(wf(r, "receipt").messages).toEqual({ email: 1 });
    expect(r.messages.blocked.cap).toBe(1);
    expect(r.timelines.find((t) => t.role === "capped")).toMatchObject({ contact: "p" });
    expect(r.timelines.find((t) => t.role === "capped")!.entries.find((e) => e.kind === "capped")!.text).toContain("stopped by cap weekly");
  });

  it("leaves exempt workflows out of a cap, and counts transactional sends when the cap says so", () => {
    expect(run(pair([cap({ workflows: ["b"] })]), one).caps[0]!.hits).toBe(0);
    const strict = run(pair([cap({ transactional: false })]), one);
    expect(strict.caps[0]!.hits).toBe(2);
  });

  it("does not send marketing without consent to the send's subscription type", () => {
    const r = run(pair(), [{ id: "p", created_at: at(1), consents: [], properties: { score: 20 } }]);
    expect(wf(r, "a")).toMatchObject({ noConsent: 2, messages: {} });
    expect(wf(r, "receipt").messages).toEqual({ email: 1 });
    expect(r.messages.blocked.consent).toBe(3);
  });

  it("counts an unsubscribe as lost consent for the rest of the period", () => {
    const s = entering(workflow("w", { trigger: { type: "segment_entry", segment: "vip" }, steps: [mail("m1"), { type: "wait", duration: "2d" }, mail("m2")] }));
    const r = run(s, one, { spec: { engagement: { default: { delivered: 1, unsubscribed: 1 } } } });
    expect(wf(r, "w")).toMatchObject({ sends: { m1: 1 }, noConsent: 1 });
  });
});

describe("simulate: figures", () => {
  it("reports messages per contact per week over every (contact, week), and the journeys a contact is in at once", () => {
    const joined = segment("joined", { event: "join", at_least: 1, within: "30d" });
    const s = stack([
      joined,
      workflow("a", { trigger: { type: "segment_entry", segment: "joined" }, steps: [mail(), { type: "wait", duration: "1d" }, mail()] }),
      workflow("b", { trigger: { type: "segment_entry", segment: "joined" }, steps: [{ type: "wait", duration: "2d" }, mail()] }),
      workflow("receipt", { trigger: { type: "segment_entry", segment: "joined" }, steps: [{ type: "wait", duration: "2d" }, { type: "send", channel: "email", template: "mail", transactional: true }] }),
    ]);
    const r = run(s, [{ id: "busy", consents: ["news"], events: [{ event: "join", at: at(0, 1) }] }, { id: "quiet", consents: ["news"] }]);
    expect(r.weeks).toBe(4);
    // 2 contacts x 4 weeks; busy got 3 marketing emails and a receipt in week 1.
    expect(r.messages.histogram).toEqual([7, 0, 0, 0, 1]);
    expect(r.messages.perContactWeek).toEqual({ median: 0, p95: 4, max: 4, mean: 0.5 });
    expect(r.messages.messagedContacts).toBe(1);
    expect(r.overlaps).toEqual({ contacts: 1, pairs: [{ workflows: ["a", "b"], contacts: 1 }] });
    expect(r.timelines.map((t) => t.role)).toEqual(["busiest", "typical"]);
  });

  it("is deterministic and leaves the population it was given as it was", () => {
    const s = stack([vip, segment("tier_b", { property: "tier", op: "eq", value: "b" }),
      workflow("w", { trigger: { type: "segment_entry", segment: "vip" }, steps: [{ type: "update_property", property: "tier", value: "b" }, mail()] })]);
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, created_at: at(i % 20), consents: i % 3 ? ["news"] : [], properties: { score: i % 40 } }));
    const { population, assumptions } = preparePopulation({ stacks: [s], spec: {}, rows, seed: 3, start: START, days: 21 });
    const go = () => simulate({ stack: s, population, assumptions, start: START, days: 21, seed: 3 });
    const first = go();
    expect(go()).toEqual(first);
    expect(wf(first, "w").entries).toBeGreaterThan(50);
  });
});

describe("simulate: what messages cause", () => {
  it("turns a click into the event it converts to, with properties by the population file's rules, which starts other journeys", () => {
    const s = stack([
      vip,
      workflow("promo", { trigger: { type: "segment_entry", segment: "vip" }, steps: [mail("offer")] }),
      workflow("big_spender", { trigger: { type: "event", event: "order", where: [{ property: "total", op: "gt", value: 100 }] }, steps: [mail("thanks", "mail2")] }),
    ]);
    const spec = {
      events: { order: { per_week: 0, properties: { total: { weights: { "150": 1 } } } } },
      engagement: { templates: { mail: { delivered: 1, opened: 1, clicked: 1, converts: { event: "order", probability: 1, delay: "2h" } } } },
    };
    const r = run(s, [{ id: "p", created_at: at(1), consents: ["news"], properties: { score: 20 } }], { spec });
    expect(wf(r, "big_spender")).toMatchObject({ entries: 1, sends: { thanks: 1 } });
    expect(r.timelines[0]!.entries.filter((e) => e.kind === "event").map((e) => e.text)).toEqual(["order"]);
  });
});

describe("anniversaries", () => {
  it("fall on the same day every year; 29 February on the 28th in other years", async () => {
    const { nextAnniversary } = await import("../../../src/simulate/dates");
    expect(new Date(nextAnniversary(Date.parse("1990-06-10"), START)).toISOString()).toBe("2026-06-10T00:00:00.000Z");
    expect(new Date(nextAnniversary(Date.parse("1990-05-01"), START)).toISOString()).toBe("2027-05-01T00:00:00.000Z");
    expect(new Date(nextAnniversary(Date.parse("2000-02-29"), START)).toISOString()).toBe("2027-02-28T00:00:00.000Z");
    expect(new Date(nextAnniversary(Date.parse("2000-02-29"), Date.parse("2028-01-01"))).toISOString()).toBe("2028-02-29T00:00:00.000Z");
  });
});

describe("simulate: goal and suppression at once", () => {
  it("counts a purchase that meets the goal and joins a suppression segment as a conversion", () => {
    const s = stack([
      vip, segment("buyers", { event: "order", at_least: 1, within: "30d" }),
      workflow("w", { trigger: { type: "segment_entry", segment: "vip" }, suppression: { segments: ["buyers"] }, steps: [{ type: "wait", duration: "3d" }, mail()], goal: { event: "order", at_least: 1 } }),
    ]);
    const r = run(s, [{ id: "p", created_at: at(1), consents: ["news"], properties: { score: 20 }, events: [{ event: "order", at: at(2) }] }]);
    expect(wf(r, "w")).toMatchObject({ converted: 1, exits: { goal: 1 } });
  });
});
