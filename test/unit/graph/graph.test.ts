import { describe, expect, it } from "vitest";
import { dependencyGraph, referencesOf, reverse, topoOrder, walk } from "../../../src/graph";
import type { Resource } from "../../../src/model";
import { seg, tpl, wf } from "../../helpers/fakes";

describe("referencesOf", () => {
  it("finds a workflow's segments, templates, subscription types and properties", () => {
    const w = wf("welcome", "new", "hello", {
      entry_filter: { all: [{ in_segment: "vip" }, { consent: "news" }, { property: "country", op: "eq", value: "DE" }] },
      suppression: { segments: ["churned"] },
      goal: { in_segment: "buyers" },
      steps: [
        { type: "send", channel: "email", template: "hello", subscription_type: "news" },
        { type: "branch", condition: { engagement: { step: "s1", action: "opened" } }, then: [{ type: "add_to_segment", segment: "engaged" }] },
        { type: "split", paths: [{ percent: 50, steps: [{ type: "update_property", property: "stage", value: "x" }] }, { percent: 50, steps: [{ type: "send", channel: "email", template: "other" }] }] },
      ],
    });
    expect(referencesOf(w)).toEqual([
      "property.country", "property.stage", "segment.buyers", "segment.churned", "segment.engaged", "segment.new", "segment.vip",
      "subscription_type.news", "template.hello", "template.other",
    ]);
  });

  it("finds segment -> segment, user -> role/teams and cap -> exempt workflows", () => {
    expect(referencesOf(seg("a", { conditions: { not: { in_segment: "b" } } }))).toEqual(["segment.b"]);
    expect(referencesOf({ kind: "user", name: "ann", spec: { email: "a@x.io", role: "editor", teams: ["crm"] } } as Resource)).toEqual([
      "role.editor", "team.crm",
    ]);
    expect(
      referencesOf({ kind: "frequency_cap", name: "c", spec: { max: 1, period: "1d", channels: ["email"], exempt: { workflows: ["receipt"] } } } as Resource),
    ).toEqual(["workflow.receipt"]);
  });
});

describe("topoOrder", () => {
  it("puts dependencies first and keeps only known nodes", () => {
    const rs = [wf("w", "s", "t"), seg("s"), tpl("t")];
    const deps = dependencyGraph(rs);
    expect([...deps.get("workflow.w")!]).toEqual(["segment.s", "template.t"]);
    const order = topoOrder(["workflow.w", "segment.s", "template.t"], deps).value!;
    expect(order.indexOf("workflow.w")).toBe(2);
    expect([...reverse(deps).get("segment.s")!]).toEqual(["workflow.w"]);
  });

  it("reports a cycle as a diagnostic naming its members", () => {
    const rs = [seg("a", { conditions: { in_segment: "b" } }), seg("b", { conditions: { in_segment: "a" } })];
    const r = topoOrder(["segment.a", "segment.b"], dependencyGraph(rs));
    expect(r.value).toBeUndefined();
    expect(r.diagnostics[0].code).toBe("graph/cycle");
    expect(r.diagnostics[0].message).toBe("dependency cycle: segment.a -> segment.b -> segment.a");
  });
});

describe("walk", () => {
  const deps = new Map<string, Set<string>>([
    ["a", new Set()],
    ["b", new Set(["a"])],
    ["c", new Set(["b"])],
    ["x", new Set()],
    ["y", new Set(["x"])],
  ]);

  it("starts a node only after its dependencies and respects the bound", async () => {
    const order: string[] = [];
    let inFlight = 0, max = 0;
    const r = await walk(["c", "b", "a", "y", "x"], deps, {
      concurrency: 2,
      run: async (n) => {
        inFlight++;
        max = Math.max(max, inFlight);
        await new Promise((res) => setTimeout(res, 5));
        order.push(n);
        inFlight--;
      },
    });
    expect([...r.values()].every((x) => x.status === "done")).toBe(true);
    expect(order.indexOf("a")).toBeLessThan(order.indexOf("b"));
    expect(order.indexOf("b")).toBeLessThan(order.indexOf("c"));
    expect(order.indexOf("x")).toBeLessThan(order.indexOf("y"));
    expect(max).toBe(2);
  });

  it("skips dependents of a failure transitively and finishes independent work", async () => {
    const skipped: string[] = [];
    const ran: string[] = [];
    const r = await walk(["a", "b", "c", "x", "y"], deps, {
      concurrency: 4,
      run: async (n) => {
        ran.push(n);
        if (n === "a") throw new Error("boom");
      },
      onSkip: (n, because) => skipped.push(`${n}<-${because}`),
    });
    expect(r.get("a")!.status).toBe("failed");
    expect(r.get("b")).toEqual({ status: "skipped", because: "a" });
    expect(r.get("c")).toEqual({ status: "skipped", because: "a" });
    expect(r.get("y")!.status).toBe("done");
    expect(ran.sort()).toEqual(["a", "x", "y"]);
    expect(skipped).toEqual(["b<-a", "c<-a"]);
  });

  it("starts nothing new once aborted, and lets running nodes finish", async () => {
    const ac = new AbortController();
    const ran: string[] = [];
    const r = await walk(["a", "b", "c"], deps, {
      concurrency: 1,
      signal: ac.signal,
      run: async (n) => {
        ran.push(n);
        ac.abort();
        await new Promise((res) => setTimeout(res, 5));
      },
    });
    expect(ran).toEqual(["a"]);
    expect(r.get("a")!.status).toBe("done");
    expect(r.get("b")).toEqual({ status: "skipped", because: "interrupted" });
  });
});
