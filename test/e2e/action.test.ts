import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { convertActionTemplate, parseAction } from "@actions/workflow-parser/actions/index";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT, tempStack } from "../helpers/cli";

/** Every GitHub Actions file in the repository: the action and the workflows (examples included). */
function actionsFiles(): { workflows: string[]; actions: string[] } {
  const ymls = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)) : []);
  return {
    workflows: [...ymls(join(ROOT, ".github", "workflows")), ...ymls(join(ROOT, "examples", "github-actions"))],
    actions: ["action.yml", "action.yaml"].map((f) => join(ROOT, f)).filter(existsSync),
  };
}

const trace = new NoOperationTraceWriter();
const messages = (errors: { message: string }[]) => errors.map((e) => e.message);

type Step = { id?: string; uses?: string; run?: string; with?: Record<string, unknown> };

describe("GitHub Actions files, checked with GitHub's own parser", () => {
  const { workflows, actions } = actionsFiles();
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { inputs: Record<string, unknown>; runs: { steps: Step[] } };

  it("finds the action and the example workflows", () => {
    expect(actions.map((f) => relative(ROOT, f))).toEqual(["action.yml"]);
    expect(workflows.length).toBeGreaterThanOrEqual(3);
  });

  it.each(workflows.map((f) => [relative(ROOT, f), f]))("%s is a valid workflow", async (_, file) => {
    const parsed = parseWorkflow({ name: file, content: readFileSync(file, "utf8") }, trace);
    expect(messages(parsed.context.errors.getErrors())).toEqual([]);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
  });

  it.each(actions.map((f) => [relative(ROOT, f), f]))("%s is a valid action", (_, file) => {
    const parsed = parseAction({ name: file, content: readFileSync(file, "utf8") }, trace);
    expect(messages(parsed.context.errors.getErrors())).toEqual([]);
    const template = convertActionTemplate(parsed.context, parsed.value!);
    expect(messages(parsed.context.errors.getErrors())).toEqual([]);
    expect(template.runs).toMatchObject({ using: "composite" });
  });

  it("catches a typo (the parser is not a rubber stamp)", () => {
    const content = readFileSync(join(ROOT, "examples", "github-actions", "mops-plan.yml"), "utf8").replace("runs-on:", "run-on:");
    expect(messages(parseWorkflow({ name: "typo.yml", content }, trace).context.errors.getErrors())).toEqual([
      expect.stringContaining("Unexpected value 'run-on'"),
      expect.stringContaining("Required property is missing: runs-on"),
    ]);
    const act = readFileSync(join(ROOT, "action.yml"), "utf8").replace("using: composite", "using: composit");
    expect(messages(parseAction({ name: "action.yml", content: act }, trace).context.errors.getErrors())).toEqual([expect.stringContaining("'composit'")]);
  });

  it("pins every third-party action to a commit SHA, with its tag in a comment", () => {
    for (const file of [...workflows, ...actions]) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        const m = /^\s*(?:- )?uses:\s*(\S+)(.*)$/.exec(line);
        // The examples use this repository's action by its release tag; the owner is the reader's.
        if (!m || m[1]!.startsWith("./") || m[1]!.startsWith("<owner>/mops@")) continue;
        expect({ file: relative(ROOT, file), line: line.trim() }).toEqual({
          file: relative(ROOT, file),
          line: expect.stringMatching(/@[0-9a-f]{40} # v\d+(\.\d+)*$/),
        });
      }
    }
  });

  it("the examples give the Mops action only inputs it declares", () => {
    for (const file of workflows) {
      const wf = parse(readFileSync(file, "utf8")) as { jobs: Record<string, { steps: Step[] }> };
      for (const step of Object.values(wf.jobs).flatMap((j) => j.steps)) {
        if (!step.uses?.startsWith("<owner>/mops@")) continue;
        expect(Object.keys(step.with ?? {}).filter((k) => !(k in action.inputs))).toEqual([]);
      }
    }
  });
});

/**
 * The action's own shell steps, run as the runner runs them (bash -e, the
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), with the built CLI and a
 * stack on the embedded sandbox.
 */
describe("the action's steps", () => {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { runs: { steps: Step[] } };
  const script = (id: string) => action.runs.steps.find((s) => s.id === id)!.run!;
  const work = mkdtempSync(join(tmpdir(), "mops-action-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function step(id: string, env: Record<string, string>, cwd = work): Promise<{ code: number; stdout: string; outputs: Record<string, string>; summary: string }> {
    const outputs = join(work, `${id}.out`);
    const summary = join(work, `${id}.summary`);
    writeFileSync(outputs, "");
    writeFileSync(summary, "");
    const r = await promisify(execFile)("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script(id)], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", CI: "true", MOPS_ACTOR: "ci@example.com", MOPS_SANDBOX_FAULTS: "", GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary, ...env },
    }).then((x) => ({ code: 0, stdout: x.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }));
    const lines = readFileSync(outputs, "utf8").trim().split("\n").filter(Boolean);
    return { ...r, outputs: Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])), summary: readFileSync(summary, "utf8") };
  }

  it("skips a fork's pull request with a notice, and refuses an unknown command", async () => {
    const fork = await step("guard", { COMMAND: "plan", FROM_FORK: "true" });
    expect(fork.code).toBe(0);
    expect(fork.outputs.skip).toBe("true");
    expect(fork.stdout).toContain("::notice title=mops skipped::This pull request comes from a fork");
    expect(fork.summary).toContain("Mops skipped");
    expect(await step("guard", { COMMAND: "plan", FROM_FORK: "false" })).toMatchObject({ code: 0, outputs: {} });
    const bad = await step("guard", { COMMAND: "destroy", FROM_FORK: "false" });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("::error title=mops::input 'command' must be plan, apply or drift");
  });

  it("plans (comment markdown, saved plan), applies exactly that plan, then finds no drift", async () => {
    const stack = tempStack();
    const common = { MOPS: join(ROOT, "bin", "mops.js"), STACK: stack, MOPS_ENVIRONMENT: "sandbox", ARGS: "", PLAN: "", OUT: join(work, "mops") };

    const plan = await step("run", { ...common, COMMAND: "plan" });
    expect(plan.code).toBe(0);
    expect(plan.outputs).toEqual({ "plan-file": join(work, "mops", "plan.json"), report: join(work, "mops", "plan.md"), exitcode: "2" });
    expect(readFileSync(plan.outputs.report!, "utf8").split("\n")[0]).toBe("<!-- mops-plan:quickstart/sandbox -->");
    expect(plan.summary).toContain("16 to add");

    const apply = await step("run", { ...common, COMMAND: "apply", PLAN: plan.outputs["plan-file"]!, ARGS: "--approved-by ana,ben" });
    expect(apply).toMatchObject({ code: 0, outputs: { exitcode: "0" } });

    const drift = await step("run", { ...common, COMMAND: "drift" });
    expect(drift).toMatchObject({ code: 0, outputs: { exitcode: "0" } });
    expect(drift.outputs.report).toBeUndefined();
  });

  it("fails the step on a broken stack, before planning", async () => {
    const stack = tempStack();
    writeFileSync(join(stack, "mops.yaml"), readFileSync(join(stack, "mops.yaml"), "utf8").replace("trigger:", "triger:"));
    const r = await step("run", { MOPS: join(ROOT, "bin", "mops.js"), STACK: stack, MOPS_ENVIRONMENT: "", ARGS: "", PLAN: "", OUT: join(work, "broken"), COMMAND: "plan" });
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({});
    expect(r.stdout).toContain("MOPS104");
  });
});
