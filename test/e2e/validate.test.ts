import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const run = promisify(execFile);

/** Run the real CLI as a user would; never throws, returns the exit code and output. */
async function mops(args: string[], cwd = root): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(process.execPath, [join(root, "bin/mops.js"), ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe("mops validate (subprocess)", () => {
  it("exits 1 on a mistake, printing file:line:col and no stack trace", async () => {
    const r = await mops(["validate", "test/fixtures/mistakes/03-unknown-key.yaml"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("error MOPS104: unknown key `triger`");
    expect(r.out).toContain("--> test/fixtures/mistakes/03-unknown-key.yaml:5:5");
    expect(r.out).toContain("did you mean `trigger`?");
    expect(r.out).toMatch(/1 error\n$/);
    expect(r.out + r.err).not.toMatch(STACK_TRACE);
    expect(r.out).not.toContain("\u001b[");
  });

  it("reports a TypeScript stack's runtime error at its line, without a stack trace", async () => {
    const r = await mops(["validate", "test/fixtures/mistakes/33-ts-runtime-error.ts", "--format", "json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.valid).toBe(false);
    expect(j.diagnostics[0]).toMatchObject({ code: "MOPS003", range: { file: "test/fixtures/mistakes/33-ts-runtime-error.ts", line: 10, col: 75 } });
    expect(r.out + r.err).not.toMatch(STACK_TRACE);
  });

  it("init scaffolds a stack that validates clean, and schema prints the JSON Schema", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "mops-init-")), "acme-shop");
    const init = await mops(["init", dir]);
    expect(init.code).toBe(0);
    expect(readFileSync(join(dir, "mops.yaml"), "utf8")).toMatch(/^# yaml-language-server: \$schema=\.\/mops\.schema\.json\n[\s\S]*^stack: acme_shop$/m);
    const v = await mops(["validate"], dir);
    expect(v.code).toBe(0);
    // The scaffold targets HubSpot in production: how its cap is enforced there is a note, not a problem;
    // so is its use of events it does not declare.
    expect(v.out).toMatch(/info cap\/enforcement/);
    expect(v.out).toMatch(/info event\/no-catalogue: .*`mops import --kinds event`/s);
    expect(v.out.trimEnd().split("\n").at(-1)).toBe("stack `acme_shop`: 16 resources, environments sandbox, production: no problems, 2 notes");
    expect((await mops(["init", dir])).code).toBe(1);
    const schema = JSON.parse(readFileSync(join(dir, "mops.schema.json"), "utf8"));
    expect(schema.$id).toBe("https://mops.dev/schema/stack.json");
    expect(JSON.parse((await mops(["schema"])).out)).toEqual(schema);
  });

  it("init --policy starter adds the rule pack, to a new stack or an existing one, and the scaffold stays clean under it", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "mops-init-")), "shop");
    const init = await mops(["init", dir, "--policy", "starter"]);
    expect(init.code).toBe(0);
    expect(init.out).toContain("(the `starter` rule pack)");
    expect(readFileSync(join(dir, "policy.yaml"), "utf8")).toBe(readFileSync(join(root, "examples/policy-packs/starter.yaml"), "utf8"));
    const v = await mops(["validate"], dir);
    expect(v.code).toBe(0);
    expect(v.out.trimEnd().split("\n").at(-1)).toMatch(/: no problems, 2 notes$/);
    // In an existing stack only the policy is written, and an existing policy is kept.
    expect((await mops(["init", dir, "--policy", "starter"])).code).toBe(1);
    rmSync(join(dir, "policy.yaml"));
    const again = await mops(["init", dir, "--policy", "starter"]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^created .*policy\.yaml \(the `starter` rule pack\)/);
    const unknown = await mops(["init", dir, "--policy", "strict"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("no policy pack `strict` (packs: starter)");
  });
});
