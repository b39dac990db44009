import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main";
import { summarize } from "../../../src/apply/version";
import { openBackend } from "../../../src/state";
import { demoStack } from "./fixtures";

const stackDir = new URL("./cli-stack", import.meta.url).pathname;
const repo = new URL("../../..", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "mops-report-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI in-process and collects what it prints. */
async function mops(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(["node", "mops", ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = 0; // main() sets it; the test worker must not inherit a failing one
  }
}

describe("mops graph / inventory / codeowners", () => {
  it("graph prints the whole stack, or one workflow, as Mermaid", async () => {
    const all = await mops("graph", "--stack", stackDir);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/^flowchart LR\n/);
    expect(all.out).toContain('seg_new_subscribers -->|"enters"| wf_welcome_series');
    const one = await mops("graph", "workflow.cart_recovery", "--stack", stackDir);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^flowchart TD\n  %% workflow\.cart_recovery\n/);
    expect(one.out).toContain('s1 -->|"no"| s1_e0');
  });

  it("graph names the workflows it knows when asked for one that does not exist", async () => {
    const r = await mops("graph", "cart_recovry", "--stack", stackDir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("no workflow `cart_recovry`");
    expect(r.err).toContain("did you mean `cart_recovery`?");
  });

  it("inventory prints each format, and writes the HTML page", async () => {
    const table = await mops("inventory", stackDir, "--no-history");
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^WORKFLOW +STATUS +OWNER/);
    const json = JSON.parse((await mops("inventory", stackDir, "--format", "json", "--no-history")).out) as { workflow: string }[];
    expect(json.map((r) => r.workflow)).toEqual(["cart_recovery", "welcome_series"]);
    expect((await mops("inventory", stackDir, "--format", "csv", "--no-history")).out).toMatch(/^workflow,address,status,/);
    expect((await mops("inventory", stackDir, "-f", "markdown", "--no-history")).out).toMatch(/^\| Workflow \|/);
    const html = await mops("inventory", stackDir, "--html", join(tmp, "page"), "--no-history");
    expect(html.code).toBe(0);
    expect(readFileSync(join(tmp, "page", "index.html"), "utf8")).toContain("<title>acme_cli (sandbox): workflow inventory</title>");
  });

  it("inventory reads \"last changed\" from the state backend's history", async () => {
    const dir = join(tmp, "with-history");
    cpSync(stackDir, dir, { recursive: true });
    const before = await mops("inventory", dir, "--format", "json");
    expect((JSON.parse(before.out) as { lastChangedVersion?: number }[]).every((x) => x.lastChangedVersion === undefined)).toBe(true);

    // What a run records: the resource with the version that wrote it, and that version.
    const be = (await openBackend(undefined, { stack: "acme_cli", environment: "sandbox", baseDir: dir, env: {} })).value!;
    const spec = demoStack().resources.find((r) => r.name === "cart_recovery")!.spec;
    await be.state.apply({ type: "resource", address: "workflow.cart_recovery", resource: { address: "workflow.cart_recovery", kind: "workflow", name: "cart_recovery", id: "wf_1", attributes: spec, origin: "created", changedIn: 1, updatedAt: "t" } });
    const changes = [{ address: "workflow.cart_recovery", kind: "workflow" as const, name: "cart_recovery", action: "create" as const, reasons: [], id: "wf_1" }];
    await be.history.append({ time: "2026-11-24T12:00:00.000Z", actor: "ci", command: "apply", desired: demoStack(), changes, summary: summarize(changes), outcome: "complete", stateSerial: 1 });
    await be.close();

    const r = await mops("inventory", dir, "--format", "json");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as { workflow: string; lastChangedVersion?: number }[];
    expect(rows.map((x) => [x.workflow, x.lastChangedVersion])).toEqual([["cart_recovery", 1], ["welcome_series", undefined]]);
  });

  it("codeowners writes CODEOWNERS paths from the repository root, through the owners map", async () => {
    const map = join(tmp, "owners.yaml");
    writeFileSync(map, 'growth: "@acme/growth"\n');
    const out = join(tmp, "CODEOWNERS");
    const r = await mops("codeowners", stackDir, "--map", map, "--out", out, "--root", repo);
    expect(r.code).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain("\n/test/unit/report/cli-stack/workflows/welcome_series.yaml @acme/growth\n");
    expect(text).toContain("\n/test/unit/report/cli-stack/workflows/cart_recovery.yaml ana@acme.example\n");
    expect(text).toContain("\n/test/unit/report/cli-stack/stack.yaml @acme/growth\n");
  });

  it("codeowners rejects an owners map that is not a mapping", async () => {
    const map = join(tmp, "bad.yaml");
    writeFileSync(map, "- just\n- a list\n");
    const r = await mops("codeowners", stackDir, "--map", map);
    expect(r.code).toBe(1);
    expect(r.err).toContain("the owners map must be a mapping");
  });
});
