import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runImport } from "../../../src/cli/import";
import { runPlan } from "../../../src/cli/plan";
import { BASE_URL, fakeHubSpot, type FakeHubSpot } from "../../fixtures/hubspot/fake";
import { offline, TOKEN } from "./helpers";

/** `mops import` then `mops plan`, in-process so nock serves the HubSpot account. */
describe("mops import from HubSpot, then mops plan", () => {
  let fake: FakeHubSpot;
  let dir: string;
  let out: string[];
  beforeEach(() => {
    offline();
    fake = fakeHubSpot({ token: TOKEN, pageSize: 4 });
    dir = mkdtempSync(join(tmpdir(), "mops-hs-cli-"));
    vi.stubEnv("HUBSPOT_TOKEN", TOKEN);
    out = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (out.push(String(s)), true));
    process.exitCode = undefined;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    fake.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exitCode = undefined;
  });

  it("writes the account as YAML into the stack, adopts it, and plans no changes; the only error is a real consent finding", async () => {
    writeFileSync(join(dir, "mops.yaml"), [
      "stack: northwind",
      "environments:",
      "  prod:",
      "    provider:",
      "      type: hubspot",
      `      url: ${BASE_URL}`,
      "      token: ${env:HUBSPOT_TOKEN}",
      "      rate_limit: 10000",
      "",
    ].join("\n"));
    await runImport(dir, { out: join(dir, "imported") });
    expect(process.exitCode ?? 0).toBe(0);
    expect(readdirSync(join(dir, "imported")).sort()).toEqual([
      "events.yaml", "properties.yaml", "roles.yaml", "segments.yaml", "subscription_types.yaml", "teams.yaml", "templates.yaml", "users.yaml", "workflows.yaml",
    ]);
    const templates = readFileSync(join(dir, "imported", "templates.yaml"), "utf8");
    expect(templates).toContain("{{ firstname | default: 'explorer' }}");
    expect(templates).not.toContain("contact.");
    const workflows = readFileSync(join(dir, "imported", "workflows.yaml"), "utf8");
    expect(workflows).toContain("subscription_type: marketing_information");

    const plan = await runPlan(dir, { format: "json" });
    expect(plan!.changes.filter((c) => c.action !== "noop")).toEqual([]);
    // HubL merge fields and the emails' subscription types map onto the neutral model: no artefact of the mapping is an error.
    const codes = plan!.diagnostics.map((d) => d.code);
    expect(codes.filter((c) => /^(merge|hubspot)\//.test(c) || c === "consent/missing-subscription")).toEqual(["hubspot/unsupported-action"]);
    // The one error is real: Birthday Discount enrolls contacts by hand (HubSpot's MANUAL enrollment has no
    // filter) and sends marketing email with no consent branch, so anyone enrolled is mailed without consent.
    const errors = plan!.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.address]);
    expect(errors).toEqual([["consent/audience-not-filtered", "workflow.birthday_discount"]]);
    expect(process.exitCode).toBe(1);
    const written = [...readdirSync(join(dir, "imported")).map((f) => readFileSync(join(dir, "imported", f), "utf8")), ...readdirSync(join(dir, ".mops"), { recursive: true })
      .map(String).filter((f) => f.endsWith(".json")).map((f) => readFileSync(join(dir, ".mops", f), "utf8"))];
    for (const text of [...written, out.join("")]) expect(text).not.toContain(TOKEN);
  });
});
