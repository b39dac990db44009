import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { mops } from "../../helpers/cli";
import { startFakeBraze, type FakeBraze } from "../../fixtures/braze/fake";
import { ENV, KEY, offline, ORIGIN, SCIM_TOKEN } from "./helpers";

/** `mops` as a user runs it, against the fake Braze on 127.0.0.1. */
describe("mops on Braze from the command line", () => {
  let fake: FakeBraze;
  let dir: string;
  beforeEach(async () => {
    offline();
    fake = await startFakeBraze({ key: KEY, scim: { token: SCIM_TOKEN, origin: ORIGIN } });
    dir = mkdtempSync(join(tmpdir(), "mops-braze-cli-"));
    writeFileSync(join(dir, "mops.yaml"), [
      "stack: northwind",
      "environments:",
      "  braze_prod:",
      "    provider:",
      "      type: braze",
      `      url: ${fake.url}`,
      "      token: ${env:BRAZE_API_KEY}",
      "      workspace: Production",
      `      scim: { token: "\${env:BRAZE_SCIM_TOKEN}", origin: ${ORIGIN} }`,
      "      subscription_groups:",
      "        sms_marketing: { id: 7d89bdc3-4aa1-4592-8b8a-4c8b7161c875, channel: sms }",
      "",
    ].join("\n"));
  });
  afterEach(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => mops(args, { cwd: dir, env: ENV });
  const noSecrets = (...texts: string[]) => {
    for (const t of texts) {
      expect(t).not.toContain(KEY);
      expect(t).not.toContain(SCIM_TOKEN);
    }
  };

  it("mops audit: the live workspace checked without a stack; an overlap of two Canvases it cannot rule out, an SMS with no subscription group", async () => {
    const r = await run(["audit", "--env", "braze_prod"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/info conflict\/cannot-decide: cannot decide whether `workflow\.spring_sale_blast` and `workflow\.welcome_journey` reach the same contacts: audience opaque/);
    expect(r.stdout).toMatch(/error consent\/missing-subscription: marketing SMS without a subscription type[^\n]*\n --> workflow\.spring_sale_blast \(braze id canvas:5f1a0c2e-0000-4000-8000-00000000c002\)/);
    await expect(r.stdout).toMatchFileSnapshot("__golden__/audit.txt");
    noSecrets(r.stdout, r.stderr);
    // Reads only: no files, no state, no write to Braze.
    expect(readdirSync(dir)).toEqual(["mops.yaml"]);
    expect(fake.log.filter((l) => l.method !== "GET")).toEqual([]);

    const json = JSON.parse((await run(["audit", "--env", "braze_prod", "--format", "json"])).stdout);
    expect(json).toMatchObject({ stack: "northwind", environment: "braze_prod", provider: "braze", unreadable: ["event", "frequency_cap"], objects: { workflow: 4, segment: 2 } });
    const sms = json.findings.find((f: { code: string }) => f.code === "consent/missing-subscription");
    expect(sms).toMatchObject({ address: "workflow.spring_sale_blast", live: { provider: "braze", id: "canvas:5f1a0c2e-0000-4000-8000-00000000c002" } });
    expect(json.findings.some((f: { code: string }) => f.code === "cap/uncovered-send")).toBe(false);

    const md = await run(["audit", "--env", "braze_prod", "--format", "markdown"]);
    expect(md.stdout).toContain("| `workflow` | 4 |");
    expect(md.stdout).toContain("- `consent/missing-subscription` `workflow.spring_sale_blast (braze id canvas:5f1a0c2e-0000-4000-8000-00000000c002)`");
  }, 120_000);

  it("import, plan, drift and apply: the round trip plans nothing, a dashboard edit is drift, a new template is created", async () => {
    // The SMS names its group, so the imported stack has no error findings to block an apply.
    const sale = fake.account.canvases.find((c) => c.id === "5f1a0c2e-0000-4000-8000-00000000c002")!;
    sale.details.steps[1].messages["mv-s2"].subscription_group_id = "7d89bdc3-4aa1-4592-8b8a-4c8b7161c875";

    const imported = await run(["import", "--env", "braze_prod"]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("Imported 41 objects into state");
    const workflows = readFileSync(join(dir, "imported", "workflows.yaml"), "utf8");
    expect(workflows).toContain("# Read-only on braze: Canvases and campaigns are read-only in the API (export only)");
    expect(readFileSync(join(dir, "imported", "templates.yaml"), "utf8")).toContain("# On braze, by hand only: delete: cannot be deleted through the API: archive it in the Braze dashboard");

    const plan = await run(["plan", "--env", "braze_prod", "--detailed-exitcode"]);
    expect(plan.stdout).toContain("No changes. Your marketing platform matches the stack.");
    expect(plan.code).toBe(0);

    const welcome = fake.account.canvases.find((c) => c.id === "5f1a0c2e-0000-4000-8000-00000000c001")!;
    welcome.last_edited = "2026-03-21T09:00:00Z";
    welcome.details.enabled = false;
    const drift = await run(["drift", "--env", "braze_prod", "--detailed-exitcode"]);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain("workflow.welcome_journey");
    expect(drift.stdout).toMatch(/status/);

    writeFileSync(join(dir, "imported", "new-template.yaml"), [
      "templates:",
      "  trail_news:",
      "    channel: email",
      "    subject: 'Trail news for {{ first_name | default: \"you\" }}'",
      "    body: '<p>New trails this month.</p>'",
      "",
    ].join("\n"));
    const apply = await run(["apply", "--env", "braze_prod", "--auto-approve"]);
    expect(apply.stderr + apply.stdout).toContain("template.trail_news");
    expect(fake.account.email_templates.find((t) => t.template_name === "trail_news")).toMatchObject({ subject: "Trail news for {{ ${first_name} | default: \"you\" }}" });
    noSecrets(imported.stdout, imported.stderr, plan.stdout, plan.stderr, drift.stdout, apply.stdout, apply.stderr);
    for (const f of readdirSync(join(dir, ".mops"), { recursive: true }).map(String).filter((f) => f.endsWith(".json"))) {
      noSecrets(readFileSync(join(dir, ".mops", f), "utf8"));
    }
    expect(existsSync(join(dir, ".mops"))).toBe(true);
  }, 120_000);

  it("a template removed from the stack: the plan says to archive it by hand, apply waits, --confirm-manual records it once, and nothing is deleted", async () => {
    const sale = fake.account.canvases.find((c) => c.id === "5f1a0c2e-0000-4000-8000-00000000c002")!;
    sale.details.steps[1].messages["mv-s2"].subscription_group_id = "7d89bdc3-4aa1-4592-8b8a-4c8b7161c875";
    expect((await run(["import", "--env", "braze_prod"])).code).toBe(0);
    const file = join(dir, "imported", "templates.yaml");
    const doc = parseDocument(readFileSync(file, "utf8"));
    expect(doc.deleteIn(["templates", "spring_sale"])).toBe(true);
    writeFileSync(file, doc.toString());

    const plan = await run(["plan", "--env", "braze_prod", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/template\.spring_sale[^\n]*\n[^]*archive/);

    const waiting = await run(["apply", "--env", "braze_prod", "--auto-approve"]);
    expect(waiting.stdout + waiting.stderr).toContain("mops apply --confirm-manual template.spring_sale");
    expect((await run(["plan", "--env", "braze_prod", "--detailed-exitcode"])).code).toBe(2);

    const confirmed = await run(["apply", "--env", "braze_prod", "--auto-approve", "--confirm-manual", "template.spring_sale"]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    const after = await run(["plan", "--env", "braze_prod", "--detailed-exitcode"]);
    expect(after.stdout).toContain("No changes. Your marketing platform matches the stack.");
    expect(after.code).toBe(0);
    // Braze still has it (the API cannot delete a template), and Mops never tried.
    expect(fake.account.email_templates.map((t) => t.template_name)).toContain("Spring Sale");
    expect(fake.log.filter((l) => l.method === "DELETE" || /archive|delete/i.test(l.path))).toEqual([]);
  }, 180_000);
});
