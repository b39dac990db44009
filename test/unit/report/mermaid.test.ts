import { describe, expect, it } from "vitest";
import type { Resource, Stack, WorkflowSpec } from "../../../src/model";
import { label, nodeId, stackGraph, stepMarks, workflowFlowchart } from "../../../src/report/mermaid";
import { stepPathWords } from "../../../src/report/words";
import { cartAfter, demoStack, welcomeSeries, winback } from "./fixtures";
import { parseMermaid } from "./mermaid-parser";

const wf = (name: string, spec: WorkflowSpec): Resource<"workflow"> => ({ kind: "workflow", name, spec });

/** Text that breaks naive Mermaid generators. */
const TORTURE = [
  'say "hi"', "a[b]c", "x|y", "#hash", "50%% off %%{init: {}}%%", "<script>alert(1)</script>", "a;b", "end",
  "`tick` start", "style: #35; done", "line\nbreak", "{braces}(parens)", "a --> b", "click x call y()", "😀 ünïcode",
  "&amp; &#35; #quot;", "classDef x fill:#f00", "a".repeat(300),
];

/** Every step type, every trigger type, nesting in both directions. */
const kitchenSink: WorkflowSpec = {
  status: "paused",
  trigger: { type: "date", property: "birthday", anniversary: true, offset: "-3d" },
  steps: [
    { type: "wait", duration: "30m" },
    { type: "wait", until: { time: "08:00" } },
    {
      type: "split",
      paths: [
        { percent: 34, steps: [{ type: "branch", condition: { not: { in_segment: "vip" } }, then: [{ type: "exit" }] }] },
        { name: "control", percent: 33, steps: [] },
        { name: "push", percent: 33, steps: [{ type: "send", channel: "push", template: "bday_push", transactional: true }] },
      ],
    },
    { type: "branch", condition: { property: "email", op: "exists" }, then: [], else: [{ type: "update_property", property: "needs_email", value: null }] },
    { type: "webhook", url: "https://example.test/hook", method: "PUT" },
    { type: "send", channel: "in_app", template: "bday_banner" },
  ],
};

describe("workflowFlowchart", () => {
  it.each([
    ["welcome_series", welcomeSeries],
    ["cart_recovery", cartAfter],
    ["winback", winback],
    ["kitchen_sink", kitchenSink],
  ])("renders %s as a golden flowchart the Mermaid parser accepts", async (name, spec) => {
    const src = workflowFlowchart(wf(name, spec));
    await expect(src).toMatchFileSnapshot(`__golden__/flowchart-${name}.mmd`);
    expect(await parseMermaid(src)).toBe("flowchart-v2");
  });

  it("draws branch and split edges with their labels and joins them to the next step", () => {
    const src = workflowFlowchart(wf("w", kitchenSink));
    expect(src).toContain('s2 -->|"34%"| s2_p0_0');
    expect(src).toContain('s2 -->|"control 33%"| s3');
    expect(src).toContain('s3 -->|"yes"| s4'); // an empty then-branch goes straight on
    expect(src).toContain('s3 -->|"no"| s3_e0');
    expect(src).toContain('s2_p0_0_t0(["Exit"])');
    expect(src).not.toMatch(/s2_p0_0_t0 -->/); // nothing follows an exit
  });

  it("escapes torture labels so that every one of them still parses", async () => {
    for (const text of TORTURE) {
      const spec: WorkflowSpec = {
        status: "active",
        trigger: { type: "event", event: text },
        entry_filter: { property: text, op: "eq", value: text },
        steps: [
          { type: "send", channel: "email", template: text },
          { type: "branch", condition: { event: text, at_least: 2 }, then: [{ type: "webhook", url: text }] },
          { type: "split", paths: [{ name: text, percent: 50, steps: [] }, { name: "b", percent: 50, steps: [] }] },
        ],
        goal: { property: text, op: "contains", value: text },
      };
      const src = workflowFlowchart(wf(text, spec));
      expect(await parseMermaid(src), text).toBe("flowchart-v2");
      // Every label is one quoted string: the only quotes are the delimiters.
      for (const line of src.split("\n").filter((l) => l.includes('"'))) {
        expect(line.match(/"/g)!.length % 2, line).toBe(0);
        expect(line).not.toMatch(/<script/);
      }
    }
  });

  it("escapes with entities Mermaid decodes and keeps labels to one short line", () => {
    expect(label('a "b" #c | <d>')).toBe("a #34;b#34; #35;c #124; #60;d#62;");
    expect(label("one\ntwo")).toBe("one two");
    expect([...label("x".repeat(500))].length).toBe(90);
  });

  it("says where a removed step was in words", () => {
    expect(stepPathWords("steps[3]")).toBe("step 4");
    expect(stepPathWords("steps[2].then[0]")).toBe("step 3 › yes › 1");
    expect(stepPathWords("steps[0].paths[1].steps[2].else[0]")).toBe("step 1 › path 2 › 3 › no › 1");
  });

  it("rejects broken sources (the parser check can fail)", async () => {
    await expect(parseMermaid('flowchart TD\n  a["x"y"]')).rejects.toThrow(/Parse error/);
  });

  it("marks added, changed and removed steps with a class and a text marker", async () => {
    const src = workflowFlowchart(wf("w", cartAfter), {
      changed: new Set(["steps[0]", "reminder"]),
      added: new Set(["channel_test"]),
      removed: [{ step: { type: "send", channel: "push", template: "cart_push" }, path: "steps[3]" }],
    });
    expect(src).toContain('s0("CHANGED · Wait 2 hours")');
    expect(src).toContain('s1["CHANGED · Send email');
    expect(src).toContain('s3{"NEW · Split');
    expect(src).toContain('removed0["REMOVED · Send push · cart_push (was step 4)"]');
    expect(src).toMatch(/class s0,s1 changed/);
    expect(src).toMatch(/class s3 added/);
    expect(src).toMatch(/classDef removed .*stroke-dasharray/);
    expect(await parseMermaid(src)).toBe("flowchart-v2");
  });
});

describe("stepMarks", () => {
  const base = welcomeSeries;
  it("marks nothing for a created workflow or an unchanged one", () => {
    expect(stepMarks(undefined, base)).toEqual({ changed: new Set(), added: new Set(), removed: [] });
    expect(stepMarks(base, structuredClone(base))).toEqual({ changed: new Set(), added: new Set(), removed: [] });
  });

  it("an inserted step marks only itself, not every step after it", () => {
    const after = { ...base, steps: [{ type: "wait" as const, duration: "1h" }, ...base.steps] };
    const m = stepMarks(base, after);
    expect([...m.added]).toEqual(["steps[0]"]);
    expect(m.changed.size).toBe(0);
    expect(m.removed).toEqual([]);
  });

  it("matches steps by id, marks edits inside branches by their new path, and lists removed steps", () => {
    const after: WorkflowSpec = structuredClone(base);
    const branch = after.steps[2] as Extract<WorkflowSpec["steps"][number], { type: "branch" }>;
    branch.then[0] = { type: "send", channel: "email", template: "welcome_2b", subscription_type: "newsletter" };
    branch.else = [];
    after.trigger = { type: "segment_entry", segment: "everyone" };
    const m = stepMarks(base, after);
    expect([...m.changed].sort()).toEqual(["steps[2].then[0]", "trigger"]);
    expect(m.removed.map((r) => r.path)).toEqual(["steps[2].else[0]"]);
  });

  it("a step replaced by one of another type is removed + added", () => {
    const after = { ...base, steps: [{ type: "exit" as const }, ...base.steps.slice(1)] };
    const m = stepMarks(base, after);
    expect([...m.added]).toEqual(["steps[0]"]);
    expect(m.removed.map((r) => r.path)).toEqual(["steps[0]"]);
  });
});

describe("stackGraph", () => {
  it("draws segments → workflows → templates and consent types, and parses", async () => {
    const src = stackGraph(demoStack());
    await expect(src).toMatchFileSnapshot("__golden__/stack-graph.mmd");
    expect(src).toContain('seg_new_subscribers -->|"enters"| wf_welcome_series');
    expect(src).toContain('seg_vip -.->|"suppresses"| wf_winback');
    expect(src).toContain('wf_winback -->|"email"| tpl_winback_offer');
    expect(src).toContain("wf_winback -.-> sub_newsletter");
    expect(await parseMermaid(src)).toBe("flowchart-v2");
  });

  it("keeps ids Mermaid-safe and distinct for names that are not", async () => {
    expect(nodeId("seg", "a-b")).not.toBe(nodeId("seg", "a_b"));
    expect(nodeId("seg", "a b\"]")).toMatch(/^[A-Za-z0-9_]+$/);
    const stack: Stack = {
      name: 'odd "stack"', environment: "x", environments: {},
      resources: [
        { kind: "segment", name: "end", spec: { type: "static" } },
        { kind: "segment", name: "a-b", spec: { type: "static" } },
        { kind: "workflow", name: "graph", spec: { status: "active", trigger: { type: "segment_entry", segment: "end" }, steps: [{ type: "add_to_segment", segment: "a-b" }] } },
      ],
    };
    const src = stackGraph(stack);
    expect(src).toContain("seg_end -->");
    expect(await parseMermaid(src)).toBe("flowchart-v2");
  });

  it("draws no edge to undeclared resources", () => {
    const stack: Stack = {
      name: "s", environment: "x", environments: {},
      resources: [{ kind: "workflow", name: "w", spec: { status: "active", trigger: { type: "segment_entry", segment: "ghost" }, steps: [{ type: "exit" }] } }],
    };
    expect(stackGraph(stack)).not.toContain("ghost");
  });
});
