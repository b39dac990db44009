import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mops } from "../../helpers/cli";
import { startFakeKlaviyo, type FakeKlaviyo } from "../../fixtures/klaviyo/fake";
import { TOKEN } from "./helpers";

let fake: FakeKlaviyo | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a field Klaviyo refuses, from the command line", () => {
  it("is shown at the stack's file:line that wrote it, with that line, not as the JSON pointer alone", { timeout: 120_000 }, async () => {
    fake = await startFakeKlaviyo({ token: TOKEN });
    fake.inject((r) => r.method === "POST" && r.path === "/api/segments", {
      status: 400,
      body: { errors: [{ id: "e1", code: "invalid", title: "Invalid input.", detail: "'value' must be at least 1.", source: { pointer: "/data/attributes/definition/condition_groups/1/conditions/0/measurement_filter/value" } }] },
    });
    dir = mkdtempSync(join(tmpdir(), "mops-kl-err-"));
    writeFileSync(join(dir, "mops.yaml"), [
      "stack: northwind",
      "environments:",
      "  prod:",
      `    provider: { type: klaviyo, url: ${fake.url}, token: "\${env:KLAVIYO_API_KEY}" }`,
      "segments:",
      "  buyers:",
      "    type: dynamic",
      "    conditions:",
      "      all:",
      "        - { event: Placed Order, at_least: 1, within: 30d }",
      "        - { event: Placed Order, at_least: 2, within: 90d }",
      "",
    ].join("\n"));
    const r = await mops(["apply", "--auto-approve"], { cwd: dir, env: { KLAVIYO_API_KEY: TOKEN } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/segment\.buyers: creating… failed\nerror klaviyo\/invalid: segment\.buyers\.conditions\.all\[1\]: Klaviyo refused POST \/api\/segments \(400\): 'value' must be at least 1\.\n\s*--> mops\.yaml:11:\d+\n/);
    expect(r.stdout).toContain("11 |         - { event: Placed Order, at_least: 2, within: 90d }");
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});
