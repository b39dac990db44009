import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSandboxProvider } from "../../providers/sandbox";
import { mops } from "../helpers/cli";
import { checkComment } from "../unit/report/gfm";

/** A throwaway repository: three brand stacks sharing a properties file, committed on `main`, then a branch. */
function fixtureRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "mops-changed-"));
  const write = (name: string, text: string) => {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  };
  write("mops.config.yaml", "stacks: [brands/*]\ndefault_environment: sandbox\n");
  write("shared/properties.yaml", "properties:\n  loyalty_tier: { type: enum, values: [gold, silver] }\n");
  for (const b of ["acme", "globex", "initech"]) {
    const include = b === "initech" ? "" : "include: [../../shared/properties.yaml]\n";
    write(`brands/${b}/mops.yaml`, `stack: ${b}\n${include}environments:\n  sandbox: { provider: { type: sandbox } }\nsegments:\n  ${b}_all: { type: static }\n`);
  }
  write(".gitignore", ".mops/\n");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "root");
  git("add", "-A");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "stacks");
  git("checkout", "-q", "-b", "change");
  return dir;
}

const commit = (dir: string) => {
  execFileSync("git", ["add", "-A"], { cwd: dir });
  execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "change"], { cwd: dir });
};

describe("mops plan --changed", () => {
  it("plans only the stacks a change touches, through their own files or a shared file they include", async () => {
    const dir = fixtureRepo();
    const none = await mops(["plan", "--changed", "--base", "main"], { cwd: dir });
    expect(none.stderr).toBe("");
    expect(none.stdout).toBe("No stack of mops.config.yaml changed since main.\n");
    expect(none.code).toBe(0);

    writeFileSync(join(dir, "shared/properties.yaml"), "properties:\n  loyalty_tier: { type: enum, values: [gold, silver, bronze] }\n");
    commit(dir);
    const shared = await mops(["plan", "--changed", "--base", "main", "--format", "json", "--detailed-exitcode"], { cwd: dir });
    expect(shared.code).toBe(2);
    expect(JSON.parse(shared.stdout).map((r: { path: string; stack: string }) => [r.path, r.stack])).toEqual([["brands/acme", "acme"], ["brands/globex", "globex"]]);

    // An uncommitted edit of one stack counts too; so does running from a subdirectory.
    writeFileSync(join(dir, "brands/initech/mops.yaml"), "stack: initech\nsegments:\n  initech_all: { type: dynamic }\n");
    const local = await mops(["plan", "--changed", "--base", "HEAD", "--format", "json"], { cwd: join(dir, "brands") });
    expect(JSON.parse(local.stdout).map((r: { stack: string }) => r.stack)).toEqual(["initech"]);
  });

  it("renders one combined comment, and a stack that fails to load makes the exit code 1 and says why", async () => {
    const dir = fixtureRepo();
    writeFileSync(join(dir, "brands/acme/mops.yaml"), "stack: acme\nsegments:\n  acme_all: { type: statik }\n");
    writeFileSync(join(dir, "brands/globex/extra.yaml"), "segments:\n  globex_vip: { type: static }\n");
    const r = await mops(["plan", "--changed", "--base", "main", "--format", "markdown"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe("<!-- mops-plan:@changed -->");
    expect(checkComment(r.stdout).tables).toBeGreaterThan(0);
    expect(r.stdout).toContain("❌ 1 error");
    expect(r.stdout).toMatch(/brands\/acme\/mops\.yaml:3/);
    expect(r.stdout).toContain("globex_vip");
    expect(r.stdout).toContain("| `brands/acme` | `acme` | `sandbox` | ❌ 1 error |");
    expect(r.stdout).not.toContain("initech");
  });

  it("without a repository config, or with an unknown base, is a one-line error", async () => {
    const dir = fixtureRepo();
    const bad = await mops(["plan", "--changed", "--base", "nope"], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("git cannot find `nope`");
    const bare = mkdtempSync(join(tmpdir(), "mops-noconfig-"));
    const none = await mops(["plan", "--changed"], { cwd: bare });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no mops.config.yaml here or above");
  });
});

describe("mops plan --all --refresh-only (the scheduled drift check)", () => {
  it("exits 2 when one stack drifted and reports only that stack's drift as a comment", async () => {
    const dir = fixtureRepo();
    for (const b of ["acme", "globex", "initech"]) expect((await mops(["apply", `brands/${b}`, "--auto-approve"], { cwd: dir })).code).toBe(0);
    const clean = await mops(["plan", "--all", "--refresh-only", "--detailed-exitcode", "--format", "markdown"], { cwd: dir });
    expect(clean.code).toBe(0);
    const p = await createSandboxProvider({ config: { type: "sandbox" }, stack: "globex", environment: "sandbox", baseDir: join(dir, "brands/globex"), env: {} });
    try {
      const refs = { idOf: () => undefined, nameOf: () => undefined };
      const [seg] = (await p.list("segment", { refs })).filter((o) => o.name === "globex_all");
      await p.update({ kind: "segment", name: "globex_all", spec: { ...seg!.spec, description: "edited in the UI" } } as never, seg!, { refs });
    } finally {
      await p.close();
    }
    const drift = await mops(["plan", "--all", "--refresh-only", "--detailed-exitcode", "--format", "markdown"], { cwd: dir });
    expect(drift.code).toBe(2);
    checkComment(drift.stdout);
    // A row of a changes table for the drifted segment, none for the others (they are in notes only).
    expect(drift.stdout).toMatch(/^\| .* \| `segment\.globex_all` \|/m);
    expect(drift.stdout).not.toMatch(/^\| .* \| `segment\.(acme|initech)_all` \|/m);
    expect(drift.stdout).toContain("| `brands/acme` | `acme` | `sandbox` | No changes.");
  });
});

describe("mops schema", () => {
  it("prints the policy file's and the repository config's schemas too", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "mops-schema-"));
    expect(JSON.parse((await mops(["schema", "--policy"], { cwd })).stdout).$id).toBe("https://mops.dev/schema/policy.json");
    expect(JSON.parse((await mops(["schema", "--config"], { cwd })).stdout).$id).toBe("https://mops.dev/schema/config.json");
    expect((await mops(["schema", "--policy", "--config"], { cwd })).code).toBe(1);
  });
});
