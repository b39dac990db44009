import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { editStack, mops, tempStack, withPlatform } from "../helpers/cli";

/** The event catalogue from the CLI: a stack without one is told how to get it, import writes it, plan asks the account. */
describe("the event catalogue", { timeout: 120_000 }, () => {
  const dir = tempStack();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => mops(args, { cwd: dir });
  const none = { idOf: () => undefined, nameOf: () => undefined };

  it("`mops import --kinds event` writes the account's catalogue into the stack, and its checks switch on", async () => {
    await withPlatform(dir, async (p) => {
      await p.create({ kind: "event", name: "placed_order", spec: { source: "custom", properties: { total: { type: "number" } } } }, { refs: none });
      await p.create({ kind: "event", name: "email_clicked", spec: { source: "platform" } }, { refs: none });
      await p.create({ kind: "team", name: "growth", spec: { description: "made in the UI" } }, { refs: none });
    });
    const before = await run("validate");
    expect(before.stdout).toContain("info event/no-catalogue: the stack names events (`placed_order`) but declares no `events:`");

    const imported = await run("import", "--kinds", "event");
    expect(imported.code).toBe(0);
    expect(readdirSync(join(dir, "imported"))).toEqual(["events.yaml"]);
    expect(imported.stdout).toContain("Imported 2 objects into state");

    const after = await run("validate");
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain("event/");
    const bad = await run("import", "--kinds", "evnt");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("`evnt` is not a kind: did you mean `event`?");
  });

  it("`mops plan` says which declared events the account does not have", async () => {
    editStack(dir, (doc) => {
      doc.events = { returned_item: { source: "custom", description: "A return was requested." } };
      doc.segments.recent_returns = { type: "dynamic", description: "Returned something this month.", conditions: { event: "returned_item", at_least: 1, within: "30d" } };
      doc.workflows.welcome_series.suppression.segments.push("recent_returns");
    });
    const plan = await run("plan");
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain("info event/not-in-account: the account has no event `returned_item`: this apply defines it; segment.recent_returns waits for it");
  });
});
