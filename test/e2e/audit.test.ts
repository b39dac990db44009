import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { runAudit } from "../../src/cli/audit";
import { editStack, mops, tempStack } from "../helpers/cli";
import { BASE_URL, fakeHubSpot } from "../fixtures/hubspot/fake";
import { offline, TOKEN } from "../integration/hubspot/helpers";
import { startFakeKlaviyo } from "../fixtures/klaviyo/fake";
import { TOKEN as KLAVIYO_TOKEN } from "../integration/klaviyo/helpers";

/** `mops audit` is for every provider: the same checks over what is live, pointing at live ids. */
describe("mops audit on the sandbox, HubSpot and Klaviyo", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    process.exitCode = undefined;
  });

  it("sandbox: reads what an apply made and reports a live template's missing fallback at its sandbox id", async () => {
    const dir = tempStack();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    editStack(dir, (doc) => {
      doc.templates.reminder = { channel: "email", subject: "A reminder", body: "You joined on {{ signup_date }}." };
    });
    expect((await mops(["apply", "--auto-approve"], { cwd: dir })).code).toBe(0);
    const r = await mops(["audit"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Audit of environment `sandbox` \(sandbox\): 17 live objects read in \d+ requests\n/);
    expect(r.stdout).toMatch(/warning merge\/no-fallback: `\{\{ signup_date \}\}` has no fallback[^\n]*\n --> template\.reminder \(sandbox id [^)]+\)/);
    expect(r.stdout).not.toContain("mops.yaml:");
  }, 120_000);

  it("HubSpot: the fake account's real consent problem, at the flow's HubSpot id", async () => {
    offline();
    const fake = fakeHubSpot({ token: TOKEN, pageSize: 4 });
    cleanups.push(() => fake.stop());
    const dir = mkdtempSync(join(tmpdir(), "mops-hs-audit-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "mops.yaml"), stringify({
      stack: "northwind",
      environments: { prod: { provider: { type: "hubspot", url: BASE_URL, token: "${env:HUBSPOT_TOKEN}", rate_limit: 10_000 } } },
    }));
    vi.stubEnv("HUBSPOT_TOKEN", TOKEN);
    const out: string[] = [];
    for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, "write").mockImplementation((s) => (out.push(String(s)), true));
    const result = await runAudit(dir, { env: "prod", format: "text" });
    expect(result!.unreadable).toEqual(["frequency_cap"]);
    const flow = fake.account.flows.find((f) => f.name === "Birthday Discount")!;
    const errors = result!.findings.filter((d) => d.severity === "error").map((d) => [d.code, d.address]);
    expect(errors).toEqual([["consent/audience-not-filtered", "workflow.birthday_discount"]]);
    expect(out.join("")).toContain(`--> workflow.birthday_discount (hubspot id ${flow.id})`);
    expect(process.exitCode).toBe(1);
    expect(out.join("")).not.toContain(TOKEN);
    expect(fake.log.filter((l) => l.method !== "GET" && !/\/(search|batch\/read)$/.test(l.path))).toEqual([]);
  });

  it("Klaviyo: two live flows that can reach the same contact, at their Klaviyo ids; what Klaviyo cannot read is named, not guessed", async () => {
    offline();
    const fake = await startFakeKlaviyo({ token: KLAVIYO_TOKEN });
    const dir = mkdtempSync(join(tmpdir(), "mops-kl-audit-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "mops.yaml"), stringify({
      stack: "northwind",
      environments: { prod: { provider: { type: "klaviyo", url: fake.url, token: "${env:KLAVIYO_API_KEY}" } } },
    }));
    vi.stubEnv("KLAVIYO_API_KEY", KLAVIYO_TOKEN);
    const out: string[] = [];
    for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, "write").mockImplementation((s) => (out.push(String(s)), true));
    try {
      const result = await runAudit(dir, { env: "prod", format: "text" });
      expect(result!.unreadable).toEqual(["event", "team", "role", "user", "frequency_cap"]);
      expect(result!.objects).toMatchObject({ workflow: 3, segment: 7, template: 7 });
      expect(result!.findings.map((d) => [d.code, d.address])).toContainEqual(["conflict/overlapping-workflows", "workflow.welcome_series"]);
      // Klaviyo has no readable caps or users: findings that would need them are left out, not claimed.
      expect(result!.findings.filter((d) => d.code.startsWith("cap/") || d.code === "governance/unknown-owner")).toEqual([]);
      const text = out.join("");
      expect(text).toContain("not readable on klaviyo: event, team, role, user, frequency_cap (the checks that need them did not run)");
      expect(text).toMatch(/warning conflict\/overlapping-workflows: `workflow\.abandoned_checkout` and `workflow\.welcome_series`[^\n]*\n --> workflow\.welcome_series \(klaviyo id FWelc1\)/);
      expect(process.exitCode).toBeUndefined();
      expect(text).not.toContain(KLAVIYO_TOKEN);
      expect(fake.log.filter((l) => l.method !== "GET")).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
