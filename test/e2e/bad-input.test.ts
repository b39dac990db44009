import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { mops, type Run } from "../helpers/cli";

/**
 * Bad input the CLI must survive as a process (issue 17): TypeScript that
 * hangs, exits or rejects, pipes and unreadable files, output paths that
 * cannot be written. Each run is killed past a generous bound, so a hang
 * fails the test instead of stalling it; no assertion is about time.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const TS = "test/fixtures/bad-input/ts";
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

const run = (args: string[], opts: { cwd?: string; uid?: number } = {}): Promise<Run> =>
  mops(args, { cwd: opts.cwd ?? ROOT, killAfterMs: 120_000, ...(opts.uid !== undefined ? { uid: opts.uid } : {}) });

/** Ended by itself (not by the bound), with exit code `code`, a diagnostic and no stack trace. */
function ended(r: Run, code: number): string {
  const out = r.stdout + r.stderr;
  expect(r.signal, out).toBeNull();
  expect(r.code, out).toBe(code);
  expect(out).not.toMatch(STACK_TRACE);
  expect(out).not.toContain("internal error");
  return out;
}

describe("TypeScript stacks run bounded", () => {
  it("an endless loop is stopped at --ts-timeout", async () => {
    const out = ended(await run(["validate", `${TS}/loop.ts`, "--ts-timeout", "2"]), 1);
    expect(out).toContain("error MOPS003: the TypeScript stack did not finish within 2 s\n --> test/fixtures/bad-input/ts/loop.ts:1:1");
  }, 150_000);

  it("awaiting a promise that never settles is an error, not exit 0 with no output", async () => {
    const out = ended(await run(["validate", `${TS}/unsettled.ts`]), 1);
    expect(out).toContain("error MOPS003: the TypeScript stack never finished: its top-level code waits for a promise that never settles");
  }, 150_000);

  it("a stray setInterval neither keeps mops running nor spoils the result", async () => {
    const out = ended(await run(["validate", `${TS}/interval.ts`]), 0);
    expect(out).toContain("stack `shop`: 1 resource, environment sandbox: no problems");
  }, 150_000);

  it("process.exit(3) in a stack is a diagnostic at the call, and mops exits 1", async () => {
    const out = ended(await run(["validate", `${TS}/exit.ts`]), 1);
    expect(out).toContain("error MOPS003: the TypeScript stack called process.exit(3)\n --> test/fixtures/bad-input/ts/exit.ts:2:9");
  }, 150_000);

  it("an unhandled rejection is a diagnostic at its line, not a Node stack", async () => {
    const out = ended(await run(["validate", `${TS}/rejection.ts`]), 1);
    expect(out).toContain("a promise was rejected and nothing handled it: nobody catches me\n --> test/fixtures/bad-input/ts/rejection.ts:2:16");
  }, 150_000);

  it("what a stack prints goes to stderr: a JSON report on stdout stays JSON", async () => {
    const r = await run(["validate", `${TS}/prints.ts`, "--format", "json"]);
    ended(r, 0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, resources: 1 });
    expect(r.stderr).toContain("hello from the stack");
  }, 150_000);

  it("a missing import points at the import line", async () => {
    const out = ended(await run(["validate", `${TS}/missing-import.ts`]), 1);
    expect(out).toContain("cannot find `./no-such-file`\n --> test/fixtures/bad-input/ts/missing-import.ts:2:26");
  }, 150_000);

  it.each([
    ["an ES-module package", { "package.json": '{ "type": "module" }' }],
    ["no package (CommonJS)", {}],
  ])("outside the repository, in %s, `import … from \"mops\"` in the worker is the running Mops's SDK", async (_, files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "mops-outside-"));
    copyFileSync(join(ROOT, TS, "interval.ts"), join(dir, "mops.ts"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const out = ended(await run(["validate"], { cwd: dir }), 0);
    expect(out).toContain("stack `shop`: 1 resource, environment sandbox: no problems");
  }, 150_000);

  it("a custom policy rule that never returns is stopped and reported", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mops-rule-"));
    cpSync(join(ROOT, "examples/quickstart"), dir, { recursive: true });
    mkdirSync(join(dir, "policy"));
    writeFileSync(join(dir, "policy", "endless.ts"), "export default () => {\n  for (;;) {}\n};\n");
    const out = ended(await run(["validate", "--env", "sandbox", "--ts-timeout", "2"], { cwd: dir }), 1);
    // Stopped while it runs; on a loaded machine perhaps while its file still loads.
    expect(out).toMatch(/error policy\/(custom-rule-failed: custom rule custom\/endless|bad-custom-rule: the custom rule endless\.ts) did not finish within 2 s/);
  }, 150_000);
});

describe("the file system", () => {
  it("a FIFO named mops.yaml is refused, not read (it would block forever)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mops-fifo-"));
    execFileSync("mkfifo", [join(dir, "mops.yaml")]);
    const out = ended(await run(["validate"], { cwd: dir }), 1);
    expect(out).toContain("error MOPS007: `mops.yaml` is a pipe (a FIFO or a process substitution), not a file");
  }, 150_000);

  it("an unreadable stack file is one error naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mops-eacces-"));
    cpSync(join(ROOT, "examples/quickstart"), dir, { recursive: true });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, "mops.yaml"), 0o000);
    // root reads anything: run as nobody then.
    const out = ended(await run(["validate", dir], process.getuid?.() === 0 ? { uid: 65534 } : {}), 1);
    expect(out).toContain(`error MOPS007: \`${join(dir, "mops.yaml")}\` cannot be read: permission denied`);
  }, 150_000);

  it("plan --out into a missing folder or onto a directory stops before planning, naming the path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mops-out-"));
    cpSync(join(ROOT, "examples/quickstart"), dir, { recursive: true });
    const missing = await run(["plan", "--out", "nope/plan.json"], { cwd: dir });
    expect(ended(missing, 1)).toBe("error cli/out: cannot write `nope/plan.json`: the folder nope does not exist\n  = hint: create it first: mkdir -p nope\n\n1 error\n");
    mkdirSync(join(dir, "plans"));
    const onto = await run(["plan", "--out", "plans"], { cwd: dir });
    expect(ended(onto, 1)).toBe("error cli/out: `plans` is a directory\n  = hint: name a file in it, e.g. plans/plan.json\n\n1 error\n");
  }, 150_000);
});
