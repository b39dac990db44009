import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runApplyCommand } from "../../../src/cli/apply";
import { runPlan } from "../../../src/cli/plan";
import { openBackend } from "../../../src/state";
import { BASE_URL, fakeHubSpot, type FakeHubSpot } from "../../fixtures/hubspot/fake";
import { offline, TOKEN } from "./helpers";

/**
 * HubSpot has no API for frequency caps: the plan asks for a manual step. Once
 * a person confirms it, the state records it and plans converge, instead of
 * `--detailed-exitcode` saying 2 forever.
 */
describe("a manual change on HubSpot, confirmed once", () => {
  let fake: FakeHubSpot;
  let dir: string;
  let out: string[];
  beforeEach(() => {
    offline();
    fake = fakeHubSpot({ token: TOKEN, pageSize: 4 });
    dir = mkdtempSync(join(tmpdir(), "mops-hs-manual-"));
    vi.stubEnv("HUBSPOT_TOKEN", TOKEN);
    vi.stubEnv("MOPS_ACTOR", "ops@example.com");
    out = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (out.push(String(s)), true));
    process.exitCode = undefined;
    writeFileSync(join(dir, "mops.yaml"), [
      "stack: capped",
      "environments:",
      "  prod:",
      `    provider: { type: hubspot, url: "${BASE_URL}", token: "\${env:HUBSPOT_TOKEN}", rate_limit: 10000 }`,
      "frequency_caps:",
      "  marketing_weekly: { max: 3, period: 7d, channels: [email] }",
      "",
    ].join("\n"));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    fake.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exitCode = undefined;
  });

  it("shows it until confirmed with --confirm-manual, then plans nothing and says it cannot be verified", async () => {
    const first = await runPlan(dir, { detailedExitcode: true });
    expect(first!.changes[0]).toMatchObject({ address: "frequency_cap.marketing_weekly", action: "manual" });
    expect(process.exitCode).toBe(2);

    process.exitCode = undefined;
    await runApplyCommand(dir, { autoApprove: true });
    expect(out.join("")).toContain("Once done by hand, record it: mops apply --confirm-manual frequency_cap.marketing_weekly");

    out.length = 0;
    await runApplyCommand(dir, { autoApprove: true, confirmManual: ["frequency_cap.marketing_weekly"] });
    expect(process.exitCode ?? 0).toBe(0);
    expect(out.join("")).toMatch(/Recorded version 1 \(complete\)/);
    const be = (await openBackend(undefined, { stack: "capped", environment: "prod", baseDir: dir, env: {} })).value!;
    expect((await be.state.read()).resources["frequency_cap.marketing_weekly"]).toMatchObject({ origin: "confirmed", confirmedBy: "ops@example.com" });
    await be.close();

    out.length = 0;
    const after = await runPlan(dir, { detailedExitcode: true });
    expect(process.exitCode ?? 0).toBe(0);
    expect(after!.changes.map((c) => c.action)).toEqual(["noop"]);
    expect(out.join("")).toContain("frequency_cap.marketing_weekly was done by hand (confirmed by ops@example.com): not verifiable through the API");
    // Nothing was sent to HubSpot for the cap: it has no API.
    expect(fake.log.filter((r) => r.method !== "GET" && !r.path.includes("/search"))).toEqual([]);
  });
});
