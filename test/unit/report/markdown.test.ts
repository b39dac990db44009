import { describe, expect, it } from "vitest";
import type { Plan, ResourceChange } from "../../../src/plan/types";
import {
  combinedComments, GITHUB_COMMENT_LIMIT, planComments, planMarkdown, planMarker, reportComments, summaryLine, type StackReport,
} from "../../../src/report/markdown";
import { bigPlan, demoFindings, demoPlan, demoStack, migrationPlan, okPlan } from "./fixtures";
import { checkComment } from "./gfm";
import { mermaidBlocks, parseMermaid } from "./mermaid-parser";

/** Every comment: under GitHub's limit, starting with its own marker, well-formed GFM, every diagram parsed by Mermaid. */
async function checkAll(comments: string[], family: string, opts: { mermaid?: boolean } = {}): Promise<void> {
  comments.forEach((c, i) => {
    expect(c.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(c.split("\n")[0]).toBe(`<!-- mops-plan:${family}${i ? `#${i + 1}` : ""} -->`);
  });
  for (const c of comments) {
    const { mermaid } = checkComment(c);
    if (opts.mermaid !== false) for (const m of mermaid) expect(await parseMermaid(m)).toBe("flowchart-v2");
  }
}

const rowsOf = (md: string) => md.split("\n").filter((l) => /^\| \S+ `[^`]+` \| `/.test(l));
const addressOfRow = (row: string) => /\| `([^`]+)` \|/.exec(row.replace(/^\| [^|]+/, ""))![1];

describe("planMarkdown", () => {
  it("renders a realistic change set (golden), ranked by risk", async () => {
    const comments = planComments(okPlan(), { stack: demoStack() });
    expect(comments).toHaveLength(1);
    const md = comments[0]!;
    await expect(md).toMatchFileSnapshot("__golden__/plan-comment.md");
    await checkAll(comments, "acme/prod");
    expect(md).toContain("**Plan: 4 to add, 3 to change, 1 to replace, 1 to destroy.** · 1 drifted outside Mops · 1 manual step");
    expect(md).toContain("is a protected environment");
    expect(md).toContain("> 2 resources are destroyed or replaced: listed first.");
    expect(md).not.toContain("property.first_name"); // no-ops are hidden
    // Destroys and replaces, then the active sending journeys' updates, other updates, creates.
    expect(rowsOf(md).map(addressOfRow)).toEqual([
      "segment.vip", "workflow.spring_sale_2025",
      "workflow.cart_recovery", "workflow.welcome_series",
      "template.cart_reminder",
      "frequency_cap.marketing_weekly", "segment.churn_risk", "template.cart_sms", "template.winback_offer", "workflow.winback",
    ]);
    // Journeys come before the YAML diffs.
    expect(md.indexOf("#### Journeys")).toBeLessThan(md.indexOf("#### Details"));
    expect(md.indexOf("```mermaid")).toBeLessThan(md.indexOf("```diff"));
  });

  it("draws a diagram for every created or changed workflow, marking what changed, and each parses", async () => {
    const md = planMarkdown(okPlan());
    const blocks = mermaidBlocks(md);
    expect(blocks.map((b) => /%% workflow\.(\w+)/.exec(b)![1])).toEqual(["cart_recovery", "welcome_series", "winback"]);
    const cart = blocks[0];
    expect(cart).toContain('s0("CHANGED · Wait 2 hours")');
    expect(cart).toContain("NEW · Split 50% / 50%");
    expect(cart).toContain("REMOVED · Send push · cart_push");
    expect(blocks[2]).not.toMatch(/NEW|CHANGED/); // a created workflow is new as a whole
    for (const b of blocks) expect(await parseMermaid(b)).toBe("flowchart-v2");
  });

  it("shows findings by severity, the audience, drift and manual steps", () => {
    const md = planMarkdown(okPlan());
    const warnings = md.indexOf("**⚠️ Warnings (2)**");
    const notes = md.indexOf("**ℹ️ Notes (1)**");
    expect(warnings).toBeGreaterThan(md.indexOf("| Resource |")); // after the table when the plan can be applied
    expect(notes).toBeGreaterThan(warnings);
    expect(md).toContain("**Estimated audience:** ~12,403 contacts in `segment.new_subscribers` (trigger)");
    expect(md).toContain("**Drift:** changed outside Mops: `status` (last applied `active`, live `paused`)");
    expect(md).toContain("- [ ] `frequency_cap.marketing_weekly`: In Settings &gt; Marketing");
  });

  it("a plan with errors says it failed and puts the errors before the plan", () => {
    const md = planMarkdown(demoPlan());
    expect(md.split("\n")[2]).toBe("### ❌ Mops plan failed: `acme` → `prod` (sandbox)");
    expect(md).toContain("> The plan has errors (below): it cannot be applied until they are fixed.");
    const errors = md.indexOf("**❌ Errors (1)**");
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThan(md.indexOf("| Resource |"));
    expect(md).toContain("(`stacks/acme/workflows.yaml:40:9`)");
  });

  it("lists a manual change's step-by-step note as a numbered list under its checkbox, and in its details", () => {
    const plan = demoPlan();
    const cap = plan.changes.find((c) => c.action === "manual")!;
    cap.manual = "1. Open Settings > Frequency Capping.\n2. Add a rule: at most 3 <emails> a week.\nThen save.";
    const md = planMarkdown(plan);
    expect(md).toContain("- [ ] `frequency_cap.marketing_weekly`:\n  1. Open Settings &gt; Frequency Capping.\n  2. Add a rule: at most 3 &lt;emails&gt; a week.\n  - Then save.\n");
    expect(md).toContain("**By hand:** 1. Open Settings &gt; Frequency Capping.<br>2. Add a rule: at most 3 &lt;emails&gt; a week.<br>Then save.");
    checkComment(md);
  });

  it("merges extra findings without repeating those already in the plan", () => {
    const extra = { code: "policy/owner", severity: "warning" as const, message: "workflow has no owner", address: "workflow.x" };
    const md = planMarkdown(demoPlan(), { findings: [demoFindings[0], extra] });
    expect(md).toContain("**⚠️ Warnings (3)**");
    expect(md.split("analysis/missing-fallback").length - 1).toBe(1);
  });

  it("says so when nothing changes", () => {
    const plan: Plan = { ...demoPlan(), diagnostics: [] };
    plan.changes = plan.changes.filter((c) => c.action === "noop");
    plan.summary = { add: 0, change: 0, replace: 0, destroy: 0, manual: 0, adopt: 0, drifted: 0 };
    const md = planMarkdown(plan);
    expect(summaryLine(plan)).toBe("**No changes.** The live account matches the stack.");
    expect(md).not.toContain("<details>");
    expect(md).not.toContain("| Resource |");
  });

  it("lists drift on its own (`mops plan --refresh-only`), for the drift issue", () => {
    const plan = okPlan();
    plan.changes = plan.changes.map((c) => ({ ...c, action: "noop" as const }));
    plan.summary = { add: 0, change: 0, replace: 0, destroy: 0, manual: 0, adopt: 0, drifted: 1 };
    const md = planMarkdown(plan);
    expect(md).toContain("**No changes planned.** · 1 drifted outside Mops");
    expect(md).toContain("| 🟣 `≠` | `workflow.welcome_series` | drifted |");
    expect(md.match(/<details>/g)).toHaveLength(1);
    expect(md).not.toContain("```mermaid");
  });

  it("keeps user text from opening HTML, hiding the rest, or breaking the table", () => {
    const plan = okPlan();
    plan.changes[1].reasons = [{ code: "dependency-recreated", address: "evil <!-- hide | everything" }];
    const md = planMarkdown(plan);
    expect(md).toContain("evil &lt;!-- hide \\| everything");
    expect(md.match(/<!--/g)!.length).toBe(1); // only the marker
    checkComment(md);
  });

  it("sorts naturally within a group: prop_2 before prop_10", () => {
    const prop = (n: number): ResourceChange => ({ address: `property.prop_${n}`, kind: "property", name: `prop_${n}`, action: "create", after: { type: "string" }, reasons: [{ code: "new" }] });
    const plan: Plan = { ...okPlan(), changes: [prop(10), prop(2), prop(1), prop(21)], diagnostics: [] };
    expect(rowsOf(planMarkdown(plan)).map(addressOfRow)).toEqual(["property.prop_1", "property.prop_2", "property.prop_10", "property.prop_21"]);
  });

  it("ranks the delete of a retired object (the old half of a replace) with the destroys", () => {
    const plan = okPlan();
    plan.changes.push({ address: "workflow.abc", kind: "workflow", name: "abc", action: "delete", id: "w-old", retired: true, reasons: [{ code: "drained", id: "w-old" }] });
    const rows = rowsOf(planMarkdown(plan)).map(addressOfRow);
    expect(rows.slice(0, 3)).toEqual(["segment.vip", "workflow.abc (previous, w-old)", "workflow.spring_sale_2025"]);
  });

  it("a 2,000-resource plan with one destroy: the destroy is in the first comment (golden), nothing is cut, every comment parses", async () => {
    const plan = migrationPlan();
    const comments = planComments(plan);
    expect(comments.length).toBeGreaterThan(1);
    await expect(comments[0]).toMatchFileSnapshot("__golden__/plan-comment-2000-first.md");
    const first = comments[0]!;
    expect(first).toContain("**Plan: 1200 to add, 799 to change, 1 to destroy.**");
    expect(first).toContain("> 1 resource is destroyed or replaced: listed first.");
    expect(addressOfRow(rowsOf(first)[0]!)).toBe("workflow.spring_sale_2025");
    // Then the nine active journeys, then the templates, then the properties in natural order.
    const rows = comments.flatMap(rowsOf).map(addressOfRow);
    expect(rows).toHaveLength(2000);
    expect(rows.slice(1, 10)).toEqual(Array.from({ length: 9 }, (_, i) => `workflow.cart_recovery_${i + 1}`));
    expect(rows.slice(10, 13)).toEqual(["template.promo_1", "template.promo_2", "template.promo_3"]);
    expect(rows.slice(800, 803)).toEqual(["property.prop_1", "property.prop_2", "property.prop_3"]);
    // Diagrams of the changed journeys before any YAML diff.
    const all = comments.join("\n");
    expect(all.indexOf("```mermaid")).toBeLessThan(all.indexOf("```diff"));
    await checkAll(comments, "acme/prod", { mermaid: false });
    for (const m of mermaidBlocks(all).slice(0, 2)) expect(await parseMermaid(m)).toBe("flowchart-v2");
  });

  it("splits a plan over three comments, each sticky, continuing the table and sections (golden)", async () => {
    const comments = planComments(okPlan(), { stack: demoStack(), maxChars: 4_500 });
    expect(comments).toHaveLength(3);
    for (const [i, c] of comments.entries()) await expect(c).toMatchFileSnapshot(`__golden__/plan-comment-split-${i + 1}.md`);
    await checkAll(comments, "acme/prod");
    expect(comments[1]).toMatch(/^<!-- mops-plan:acme\/prod#2 -->\n\n### Mops plan: `acme` → `prod` \(sandbox\) — part 2 of 3\n/);
    expect(comments[0]).toContain("<sub>Part 1 of 3; continued in the next comment.</sub>");
    expect(comments[2]).toContain("<sub>Part 3 of 3.</sub>");
    // Everything is there, once: every resource's details and every journey.
    const all = comments.join("\n");
    for (const c of okPlan().changes.filter((x) => x.action !== "noop")) expect(all).toContain(`<code>${c.address}</code> — `);
    expect(mermaidBlocks(all)).toHaveLength(3);
  });

  it("leaves details out rather than exceed the comments allowed, the least risky first; never a destroy's row", async () => {
    const plan = bigPlan(600);
    for (let i = 0; i < 400; i++) {
      plan.changes.push({ address: `template.old_${i}`, kind: "template", name: `old_${i}`, action: "delete", id: `t-${i}`, before: { channel: "email", body: "x" }, reasons: [{ code: "removed-from-stack" }] });
    }
    const comments = planComments(plan, { maxComments: 2, maxChars: 20_000 });
    const rows = comments.flatMap(rowsOf).map(addressOfRow);
    expect(rows.filter((a) => a.startsWith("template.old_"))).toHaveLength(400);
    expect(rows.slice(0, 400).every((a) => a.startsWith("template.old_"))).toBe(true);
    const all = comments.join("\n");
    expect(all).toMatch(/_…and \d+ more changes not listed \(every destroy and replace is\)/);
    await checkAll(comments, "acme/prod", { mermaid: false });
  });

  it("cuts one enormous diff instead of dropping the whole resource", () => {
    const plan = okPlan();
    const tpl = plan.changes.find((c) => c.address === "template.winback_offer")!;
    tpl.after = { channel: "email", body: Array.from({ length: 2000 }, (_, i) => `line ${i}`).join("\n") };
    const comments = planComments(plan, { maxChars: 20_000 });
    for (const c of comments) expect(c.length).toBeLessThanOrEqual(20_000);
    expect(comments.join("\n")).toMatch(/# … \d+ more diff lines not shown/);
    for (const c of comments) checkComment(c);
  });
});

describe("a failed plan's comment", () => {
  const failed: StackReport = {
    stack: "acme",
    environment: "prod",
    command: "plan",
    diagnostics: [
      { code: "MOPS104", severity: "error", message: "unknown key `triger`", hint: "did you mean `trigger`?", range: { file: "stacks/acme/workflows.yaml", line: 5, col: 5 }, address: "workflow.welcome" },
      { code: "MOPS202", severity: "error", message: "template `welcom_email` is not declared", hint: "did you mean `welcome_email`? (templates)", range: { file: "stacks/acme/workflows.yaml", line: 12, col: 19 } },
      { code: "secret/missing-env", severity: "error", message: "environment variable `HUBSPOT_TOKEN` is not set", hint: "set it in the CI job's secrets" },
      { code: "analysis/no-owner", severity: "warning", message: "workflow has no owner | team", address: "workflow.welcome" },
    ],
  };

  it("names why, with file:line and the hint (golden)", async () => {
    const comments = reportComments(failed);
    expect(comments).toHaveLength(1);
    await expect(comments[0]).toMatchFileSnapshot("__golden__/plan-comment-failed.md");
    await checkAll(comments, "acme/prod");
    expect(comments[0]).toContain("### ❌ Mops plan failed: `acme` → `prod`");
    expect(comments[0]).toContain("- `MOPS104` `workflow.welcome`: unknown key `triger` (`stacks/acme/workflows.yaml:5:5`)\n  - hint: did you mean `trigger`?");
    // The same marker as the plan it replaces: the author's comment says the plan failed, not an old plan.
    expect(comments[0]!.split("\n")[0]).toBe(planMarker("acme", "prod"));
  });
});

describe("one comment for several stacks (`--changed`)", () => {
  it("has an overview and a section per stack, the failed one with its errors", async () => {
    const reports: StackReport[] = [
      { stack: "brand_a", environment: "prod", command: "plan", path: "stacks/brand_a", plan: okPlan(), diagnostics: okPlan().diagnostics, model: demoStack() },
      { stack: "brand_b", environment: "prod", command: "plan", path: "stacks/brand_b", diagnostics: [{ code: "MOPS002", severity: "error", message: "YAML syntax error: bad indentation", range: { file: "stacks/brand_b/stack.yaml", line: 3, col: 1 } }] },
      { stack: "brand_c", environment: "prod", command: "plan", path: "stacks/brand_c", plan: { ...okPlan(), changes: [], diagnostics: [], summary: { add: 0, change: 0, replace: 0, destroy: 0, manual: 0, adopt: 0, drifted: 0 } }, diagnostics: [] },
    ];
    const comments = combinedComments(reports, { environment: "prod", base: "origin/main" });
    expect(comments).toHaveLength(1);
    const md = comments[0]!;
    await checkAll(comments, "@changed/prod");
    expect(md).toContain("### Mops plan: 3 stacks");
    expect(md).toContain("| `stacks/brand_a` | `brand_a` | `prod` | Plan: 4 to add, 3 to change, 1 to replace, 1 to destroy. · 1 drifted outside Mops · 1 manual step |");
    expect(md).toContain("| `stacks/brand_b` | `brand_b` | `prod` | ❌ 1 error |");
    expect(md).toContain("| `stacks/brand_c` | `brand_c` | `prod` | No changes. The live account matches the stack. |");
    const sections = ["### `stacks/brand_a` → `prod`", "### `stacks/brand_b` → `prod`", "### `stacks/brand_c` → `prod`"].map((h) => md.indexOf(h));
    expect(sections.every((i, n) => i > 0 && (n === 0 || i > sections[n - 1]!))).toBe(true);
    expect(md.slice(sections[1], sections[2])).toContain("`MOPS002`: YAML syntax error: bad indentation (`stacks/brand_b/stack.yaml:3:1`)");
  });

  it("a section that continues in the next comment repeats its stack's heading", () => {
    const plan = bigPlan(400);
    const comments = combinedComments([{ stack: "acme", environment: "prod", command: "plan", path: "stacks/acme", plan, diagnostics: [] }], { maxChars: 30_000 });
    expect(comments.length).toBeGreaterThan(1);
    expect(comments[1]).toContain("### `stacks/acme` → `prod` (continued)");
    for (const c of comments) checkComment(c);
  });
});

