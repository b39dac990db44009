import { describe, expect, it } from "vitest";
import type { Plan } from "../../../src/plan/types";
import { GITHUB_COMMENT_LIMIT, planMarkdown, planMarker, summaryLine } from "../../../src/report/markdown";
import { bigPlan, demoFindings, demoPlan, demoStack } from "./fixtures";
import { mermaidBlocks, parseMermaid } from "./mermaid-parser";

/** Fences and <details> must pair up, or GitHub swallows the rest of the comment. */
function expectBalanced(md: string): void {
  const fences = md.split("\n").filter((l) => /^`{3,}/.test(l));
  expect(fences.length % 2).toBe(0);
  expect(md.match(/<details>/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
}

describe("planMarkdown", () => {
  it("renders a realistic change set (golden)", async () => {
    const md = planMarkdown(demoPlan(), { stack: demoStack() });
    await expect(md).toMatchFileSnapshot("__golden__/plan-comment.md");
    expect(md.startsWith("<!-- mops-plan:acme/prod -->\n")).toBe(true);
    expect(md).toContain("**Plan: 4 to add, 3 to change, 1 to replace, 1 to destroy.** · 1 drifted outside Mops · 1 manual step");
    expect(md).toContain("is a protected environment");
    expect(md).not.toContain("property.first_name"); // no-ops are hidden
    expectBalanced(md);
  });

  it("draws a diagram for every created or changed workflow, marking what changed, and each parses", async () => {
    const md = planMarkdown(demoPlan());
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
    const md = planMarkdown(demoPlan());
    const errors = md.indexOf("**❌ Errors (1)**");
    const warnings = md.indexOf("**⚠️ Warnings (2)**");
    const notes = md.indexOf("**ℹ️ Notes (1)**");
    expect(errors).toBeGreaterThan(0);
    expect(warnings).toBeGreaterThan(errors);
    expect(notes).toBeGreaterThan(warnings);
    expect(md).toContain("**Estimated audience:** ~12,403 contacts in `segment.new_subscribers` (trigger)");
    expect(md).toContain("**Drift:** changed outside Mops: `status` (last applied `active`, live `paused`)");
    expect(md).toContain("- [ ] `frequency_cap.marketing_weekly`: In Settings &gt; Marketing");
  });

  it("lists a manual change's step-by-step note as a numbered list under its checkbox, and in its details", () => {
    const plan = demoPlan();
    const cap = plan.changes.find((c) => c.action === "manual")!;
    cap.manual = "1. Open Settings > Frequency Capping.\n2. Add a rule: at most 3 <emails> a week.\nThen save.";
    const md = planMarkdown(plan);
    expect(md).toContain("- [ ] `frequency_cap.marketing_weekly`:\n  1. Open Settings &gt; Frequency Capping.\n  2. Add a rule: at most 3 &lt;emails&gt; a week.\n  - Then save.\n");
    expect(md).toContain("**By hand:** 1. Open Settings &gt; Frequency Capping.<br>2. Add a rule: at most 3 &lt;emails&gt; a week.<br>Then save.");
    expectBalanced(md);
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
    const plan = demoPlan();
    plan.changes = plan.changes.map((c) => ({ ...c, action: "noop" as const }));
    plan.summary = { add: 0, change: 0, replace: 0, destroy: 0, manual: 0, adopt: 0, drifted: 1 };
    const md = planMarkdown(plan);
    expect(md).toContain("**No changes planned.** · 1 drifted outside Mops");
    expect(md).toContain("| 🟣 `≠` | `workflow.welcome_series` | drifted |");
    expect(md.match(/<details>/g)).toHaveLength(1);
    expect(md).not.toContain("```mermaid");
  });

  it("keeps user text from opening HTML, hiding the rest, or breaking the table", () => {
    const plan = demoPlan();
    plan.changes[1].reasons = [{ code: "dependency-recreated", address: "evil <!-- hide | everything" }];
    const md = planMarkdown(plan);
    expect(md).toContain("evil &lt;!-- hide \\| everything");
    expect(md.match(/<!--/g)!.length).toBe(1); // only the marker
  });

  it("stays under GitHub's limit on a 3,000-resource plan and says what it left out", () => {
    const plan = bigPlan(3000);
    const md = planMarkdown(plan);
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(50_000); // it uses the room it has
    expect(md.startsWith(planMarker("acme", "prod"))).toBe(true);
    expect(md).toContain("**Plan: 2000 to add, 1000 to change, 0 to destroy.**");
    const shown = md.match(/<details>/g)!.length;
    expect(shown).toBeGreaterThan(0);
    expect(md).toContain(`> ${3000 - shown} more resources not shown; run \`mops plan\` locally or see the plan artifact.`);
    expect(md).toMatch(/_…and \d+ more changes not listed\._/);
    expectBalanced(md);
  });

  it("honours a smaller budget and cuts one enormous diff instead of dropping the whole resource", () => {
    const plan = demoPlan();
    const tpl = plan.changes.find((c) => c.address === "template.winback_offer")!;
    tpl.after = { channel: "email", body: Array.from({ length: 2000 }, (_, i) => `line ${i}`).join("\n") };
    const md = planMarkdown(plan, { maxChars: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/# … \d+ more diff lines not shown/);
    expectBalanced(md);
  });
});
