import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mops, type Run } from "../../helpers/cli";
import { startFakeKlaviyo, type FakeKlaviyo } from "../../fixtures/klaviyo/fake";
import { TOKEN } from "./helpers";

/** `mops import`, `plan`, `apply`, `drift` as a user runs them, against the fake Klaviyo (real time, Klaviyo's windows enforced). */
describe("mops against Klaviyo from the command line", () => {
  let fake: FakeKlaviyo;
  let dir: string;
  const outputs: Run[] = [];
  const run = async (...args: string[]) => {
    const r = await mops(args, { cwd: dir, env: { KLAVIYO_API_KEY: TOKEN } });
    outputs.push(r);
    return r;
  };
  beforeAll(async () => {
    fake = await startFakeKlaviyo({ token: TOKEN });
    dir = mkdtempSync(join(tmpdir(), "mops-kl-cli-"));
    writeFileSync(join(dir, "mops.yaml"), [
      "stack: northwind",
      "environments:",
      "  prod:",
      "    provider:",
      "      type: klaviyo",
      `      url: ${fake.url}`,
      "      token: ${env:KLAVIYO_API_KEY}",
      "",
    ].join("\n"));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports the account, plans nothing, applies a new segment, and sees drift made in Klaviyo", { timeout: 240_000 }, async () => {
    const imported = await run("import", "--out", "imported");
    expect(imported.stderr).toMatch(/Read \d+ live objects/);
    expect(imported.code, imported.stderr).toBe(0);
    expect(readdirSync(join(dir, "imported")).sort()).toEqual(["properties.yaml", "segments.yaml", "subscription_types.yaml", "templates.yaml", "workflows.yaml"]);
    const workflows = readFileSync(join(dir, "imported", "workflows.yaml"), "utf8");
    expect(workflows).toContain("segment: newsletter");
    expect(workflows).toContain("subscription_type: email_marketing");

    const plan = await run("plan", "--detailed-exitcode");
    expect(plan.stdout).toMatch(/No changes/i);
    // Nothing to change, and the imported account passes the marketing checks (warnings and notes only).
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout + plan.stderr).not.toMatch(/^error /m);

    writeFileSync(join(dir, "new.yaml"), "segments:\n  de_buyers:\n    type: dynamic\n    conditions: { all: [{ property: country, op: eq, value: DE }, { event: Placed Order, at_least: 1, within: 90d }] }\n");
    const applied = await run("apply", "--auto-approve");
    expect(applied.stdout).toMatch(/1 (added|created)/i);
    const made = fake.account.segments.find((s) => s.name === "de_buyers")!;
    expect(made.definition.condition_groups).toHaveLength(2);
    expect(fake.log.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/segments"]);

    const still = await run("drift", "--detailed-exitcode");
    expect(still.code, still.stderr).toBe(0);
    made.definition = { condition_groups: [{ conditions: [{ type: "profile-property", property: "country", filter: { type: "string", operator: "equals", value: "AT" } }] }] };
    const drift = await run("drift", "--detailed-exitcode");
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain("segment.de_buyers");

    // Each command is a new process with a fresh pace: one starting in the second the last one ended may meet a
    // 429, which it waits out (Retry-After) like any client sharing the account. No daily cap was touched.
    expect(fake.throttled.daily).toBeUndefined();
    const state = readdirSync(join(dir, ".mops"), { recursive: true }).map(String).filter((f) => f.endsWith(".json")).map((f) => readFileSync(join(dir, ".mops", f), "utf8"));
    for (const text of [...state, ...outputs.flatMap((o) => [o.stdout, o.stderr])]) expect(text).not.toContain(TOKEN);
  });
});
