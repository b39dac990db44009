import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/types";
import type { Comparison, SimulationResult } from "../../src/simulate";
import { mops, ROOT } from "../helpers/cli";

/**
 * `mops simulate`, `mops sandbox seed` and the blast radius in plans, as a
 * user runs them on the demo stack. The sandbox's clock is fixed, so sizes
 * and simulations are the same on every run.
 */
const env = { MOPS_SANDBOX_CLOCK: "2026-06-01T00:00:00Z" };
const PERIOD = ["--contacts", "1500", "--start", "2026-06-01", "--days", "28"];

/** A copy of the demo stack, its population file cut to 1,500 contacts (what `plan --simulate` uses). */
function northwind(): string {
  const dir = mkdtempSync(join(tmpdir(), "mops-simulate-"));
  cpSync(join(ROOT, "stacks", "northwind-outfitters"), dir, { recursive: true, filter: (src) => !src.includes("/.mops") });
  const file = join(dir, "population.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^contacts: \d+$/m, "contacts: 1500"));
  return dir;
}

// Each test runs the CLI several times on a shared, loaded machine: generous limits, no timing assertions.
const SLOW = { timeout: 300_000 };

/** The change under review: lapsed customers after 60 days instead of 90, and a reminder two days after the win-back offer. */
function change(dir: string): void {
  const seg = join(dir, "segments.yaml");
  writeFileSync(seg, readFileSync(seg, "utf8").replace(/(at_most: 0\n\s+within: )90d/, "$160d"));
  const wb = join(dir, "workflows", "win_back.yaml");
  writeFileSync(wb, readFileSync(wb, "utf8").replace(/- type: wait\n(\s+)duration: 30d/, (_, pad: string) =>
    `- type: wait\n${pad}duration: 2d\n${pad.slice(2)}- id: winback_reminder\n${pad}type: send\n${pad}channel: email\n${pad}template: winback_email\n${pad}subscription_type: newsletter\n${pad.slice(2)}- type: wait\n${pad}duration: 28d`));
}

describe("mops simulate", SLOW, () => {
  let dir: string;
  beforeAll(() => {
    dir = northwind();
  });

  it("reports messages per contact per week, caps, journeys at once, workflows and three contacts, the same on every run", async () => {
    const a = await mops(["simulate", ...PERIOD], { cwd: dir, env });
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    for (const heading of ["Messages per contact per week", "Frequency caps", "Journeys at once", "Workflows", "The busiest contact:", "A typical contact:"]) {
      expect(a.stdout).toContain(heading);
    }
    expect(a.stdout).toMatch(/^Simulation of northwind_outfitters \(sandbox\): 1,500 contacts, 28 days from 2026-06-01/);
    expect(a.stdout).toMatch(/^ {2}cart_abandonment +\d+/m);
    const b = await mops(["simulate", ...PERIOD], { cwd: dir, env });
    expect(b.stdout).toBe(a.stdout);

    const json = await mops(["simulate", ...PERIOD, "--format", "json"], { cwd: dir, env });
    const r = JSON.parse(json.stdout) as SimulationResult;
    expect(r).toMatchObject({ stack: "northwind_outfitters", days: 28, weeks: 4, seed: 7 });
    expect(a.stdout).toContain(`${r.messages.total.toLocaleString("en-US")} messages`);
    expect(r.workflows.map((w) => w.workflow)).toContain("welcome_series");
    expect(r.timelines.map((t) => t.role)).toEqual(expect.arrayContaining(["busiest", "typical"]));
  });

  it("writes a self-contained page with the charts' library inlined", async () => {
    const out = join(dir, "report");
    const r = await mops(["simulate", ...PERIOD, "--html", out], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote ${join(out, "index.html")}`);
    const page = readFileSync(join(out, "index.html"), "utf8");
    expect(page).toContain('<script type="application/json" id="chart-data">');
    expect(page).toMatch(/Chart\.js v4/);
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it("takes real contacts from a CSV file, and says exactly where one is wrong", async () => {
    const csv = join(dir, "contacts.csv");
    writeFileSync(csv, [
      "id,country,orders_count,consent.newsletter,consent.product_updates,event.added_to_cart,event.viewed_product",
      "a,us,0,yes,yes,2026-06-03T10:00:00Z,2026-06-02T09:00:00Z;2026-06-02T09:30:00Z",
      "b,de,3,yes,no,,",
      "c,fr,1,no,no,,",
    ].join("\n"));
    const ok = await mops(["simulate", "--from", csv, "--start", "2026-06-01", "--days", "14", "--follow", "a"], { cwd: dir, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/: 3 contacts, 14 days/);
    expect(ok.stdout).toContain("Followed contact: a");

    writeFileSync(csv, "id,orders_count\na,many\n");
    const bad = await mops(["simulate", "--from", csv], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("row 1, column `orders_count`: `many` is not a number");
    expect(bad.stderr).toContain("contacts.csv:2:1");

    const both = await mops(["simulate", "--from", csv, "--contacts", "10"], { cwd: dir, env });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("`--contacts` and `--from` both say who to simulate");
  });

  it("points at a mistake in the population file", async () => {
    const copy = northwind();
    const file = join(copy, "population.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("    per_week: 1.4", "    per_wek: 1.4"));
    const r = await mops(["simulate", "--contacts", "10"], { cwd: copy, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown key `per_wek` in the population file");
    expect(r.stderr).toContain("did you mean `per_week`?");
    expect(r.stderr).toMatch(/population\.yaml:\d+:5/);
  });
});

describe("blast radius: sandbox contacts, plan audience, and the change simulated", SLOW, () => {
  let dir: string;
  beforeAll(async () => {
    dir = northwind();
    const seed = await mops(["sandbox", "seed", "--contacts", "1500", "--start", "2026-06-01"], { cwd: dir, env });
    expect(seed.stdout).toContain("Loaded 1,500 contacts into the sandbox of `sandbox` (as of 2026-06-01, seed 7).");
    expect(seed.stdout).toContain("The sandbox holds no segments yet");
    expect((await mops(["apply", "--auto-approve"], { cwd: dir, env })).code).toBe(0);
  }, SLOW.timeout);

  it("reports every segment's size through the sandbox's API once it holds them", async () => {
    const r = await mops(["sandbox", "seed", "--contacts", "1500", "--start", "2026-06-01"], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^email_subscribers +[\d,]+$/m);
    expect(r.stdout).toMatch(/^sunset_suppressed +0$/m);
  });

  it("shows per change how many contacts it reaches, and who a changed segment adds", async () => {
    change(dir);
    const json = await mops(["plan", "--format", "json"], { cwd: dir, env });
    const plan = JSON.parse(json.stdout) as Plan;
    const seg = plan.audience!["segment.lapsed_customers_90d"]!;
    expect(seg).toEqual({ size: expect.any(Number), entering: expect.any(Number), leaving: 0 });
    expect(seg.entering).toBeGreaterThan(0);
    expect(plan.audience!["workflow.win_back"]).toEqual({ ...seg, via: "segment.lapsed_customers_90d" });

    const n = (x: number) => x.toLocaleString("en-US");
    const text = await mops(["plan"], { cwd: dir, env });
    expect(text.stdout).toContain(`# audience: ~${n(seg.size!)} contacts; +${n(seg.entering!)} enter`);
    expect(text.stdout).toContain(`# audience: ~${n(seg.size!)} contacts in segment.lapsed_customers_90d (trigger); +${n(seg.entering!)} enter`);
    const md = await mops(["plan", "--format", "markdown"], { cwd: dir, env });
    expect(md.stdout).toContain(`**Estimated audience:** ~${n(seg.size!)} contacts in \`segment.lapsed_customers_90d\` (trigger); +${n(seg.entering!)} enter`);
  });

  it("compares the last applied stack with the change over the same contacts", async () => {
    const r = await mops(["simulate", "--compare", ...PERIOD], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Last applied vs working stack of northwind_outfitters/);
    expect(r.stdout.split("\n")[2]).toMatch(/^\+\d+ % (email )?messages/);
    expect(r.stdout).toMatch(/^ {2}win_back +\d+ → \d+ +\d+ → \d+/m);
    const json = JSON.parse((await mops(["simulate", "--compare", ...PERIOD, "--format", "json"], { cwd: dir, env })).stdout) as Comparison;
    const wb = json.workflows.find((w) => w.workflow === "win_back")!;
    expect(wb.messagesAfter).toBeGreaterThan(wb.messagesBefore);
    expect(json.before.messages.total).toBeLessThan(json.after.messages.total);

    const md = await mops(["plan", "--format", "markdown", "--simulate"], { cwd: dir, env });
    expect(md.stdout).toContain("#### 👥 What customers would get (simulated)");
    expect(md.stdout).toMatch(/\*\*\+\d+ % (email )?messages/);
    expect(existsSync(join(dir, ".mops"))).toBe(true);
  });
});
