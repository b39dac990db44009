import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planMarkdown } from "../../../src/report/markdown";
import { demoPlan } from "./fixtures";

const root = new URL("../../../examples/", import.meta.url).pathname;
const load = (file: string) => parse(readFileSync(join(root, file), "utf8"), { strict: true, uniqueKeys: true });

type Step = { id?: string; name?: string; uses?: string; run?: string; with?: Record<string, string>; if?: string; env?: Record<string, string> };
type Workflow = { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
type Action = { inputs: Record<string, unknown>; runs: { using: string; steps: Step[] } };
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const githubScript = (all: Step[], nameIncludes: string) =>
  all.find((s) => s.uses?.startsWith("actions/github-script") && s.name?.includes(nameIncludes))!.with!.script;
/** The example's step that runs the Mops action (`uses: <owner>/mops@v1`). */
const mopsStep = (wf: Workflow) => steps(wf).find((s) => /^[^/]+\/mops@/.test(s.uses ?? ""))!;

/** Runs an actions/github-script body the way the action does: an async function of github, context, core, require. */
async function runGithubScript(script: string, globals: Record<string, unknown>): Promise<unknown> {
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...a: string[]) => (...v: unknown[]) => Promise<unknown>;
  const names = Object.keys(globals);
  return new AsyncFunction(...names, script)(...names.map((n) => globals[n]));
}

const core = { info: () => undefined, setOutput: () => undefined };

describe("GitHub Actions examples and the Mops action", () => {
  const plan = load("github-actions/mops-plan.yml") as Workflow;
  const apply = load("github-actions/mops-apply.yml") as Workflow;
  const drift = load("github-actions/mops-drift.yml") as Workflow;
  const action = parse(readFileSync(new URL("../../../action.yml", import.meta.url), "utf8"), { strict: true, uniqueKeys: true }) as Action;
  const runScript = action.runs.steps.find((s) => s.id === "run")!.run!;

  it("plan on pull requests: validate, saved plan as artifact, markdown comment", () => {
    expect(plan.on).toHaveProperty("pull_request");
    expect(plan.permissions["pull-requests"]).toBe("write");
    expect(mopsStep(plan).with).toMatchObject({ command: "plan", path: "stacks/prod", environment: "prod" });
    expect(runScript).toContain('validate "$STACK"');
    expect(runScript).toMatch(/plan "\$STACK" .*--out "\$OUT\/plan\.json" --format markdown --detailed-exitcode .*> "\$OUT\/plan\.md"/);
    expect(action.runs.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))!.with!.path).toBe("${{ steps.run.outputs.plan-file }}");
  });

  it("apply on main: the reviewed plan, auto-approved, one at a time", () => {
    expect(apply.on).toMatchObject({ push: { branches: ["main"] } });
    expect(steps(apply).some((s) => s.uses?.startsWith("actions/download-artifact"))).toBe(true);
    expect(mopsStep(apply).with).toMatchObject({ command: "apply", plan: expect.stringContaining("'plan.json'") });
    expect(runScript).toMatch(/apply "\$PLAN" --stack "\$STACK" .*--auto-approve/);
    expect((load("github-actions/mops-apply.yml") as { concurrency: { "cancel-in-progress": boolean } }).concurrency["cancel-in-progress"]).toBe(false);
  });

  it("drift on a schedule with --detailed-exitcode", () => {
    expect(drift.on).toHaveProperty("schedule");
    expect(mopsStep(drift).with).toMatchObject({ command: "drift" });
    expect(runScript).toContain('drift "$STACK" "${env_flag[@]}" --detailed-exitcode');
  });

  it("keeps one sticky comment: created once, then updated, never duplicated", async () => {
    const script = githubScript(action.runs.steps, "Comment");
    const body = planMarkdown(demoPlan());
    const comments: { id: number; user: { type: string }; body: string }[] = [
      { id: 1, user: { type: "User" }, body: `${body.split("\n")[0]}\nquoting the bot` }, // a human quoting it is left alone
    ];
    const calls: string[] = [];
    const issues = {
      listComments: "listComments",
      createComment: async (a: { body: string }) => {
        calls.push("create");
        comments.push({ id: comments.length + 1, user: { type: "Bot" }, body: a.body });
        return { data: { id: comments.length } };
      },
      updateComment: async (a: { comment_id: number; body: string }) => {
        calls.push(`update ${a.comment_id}`);
        comments.find((c) => c.id === a.comment_id)!.body = a.body;
      },
    };
    const globals = {
      github: { paginate: async () => comments, rest: { issues } },
      context: { repo: { owner: "acme", repo: "stacks" }, payload: { pull_request: { number: 7 } } },
      core,
      require: (m: string) => (m === "fs" ? { readFileSync: () => body } : undefined),
    };
    await runGithubScript(script, globals);
    await runGithubScript(script, globals);
    expect(calls).toEqual(["create", "update 2"]);
    expect(comments.filter((c) => c.user.type === "Bot")).toHaveLength(1);
  });

  it("opens the drift issue once, updates it, and closes it when drift is gone", async () => {
    const script = githubScript(steps(drift), "drift issue");
    const issues: { number: number; title: string; body: string; state: string }[] = [];
    const log: string[] = [];
    const github = {
      paginate: async () => issues.filter((i) => i.state === "open"),
      rest: {
        issues: {
          listForRepo: "listForRepo",
          create: async (a: { title: string; body: string }) => { log.push("create"); issues.push({ number: 1, title: a.title, body: a.body, state: "open" }); },
          update: async (a: { issue_number: number; body?: string; state?: string }) => {
            log.push(a.state ? `close ${a.issue_number}` : `update ${a.issue_number}`);
            Object.assign(issues.find((i) => i.number === a.issue_number)!, a.body ? { body: a.body } : {}, a.state ? { state: a.state } : {});
          },
          createComment: async () => { log.push("comment"); },
        },
      },
    };
    const context = { repo: { owner: "acme", repo: "stacks" }, serverUrl: "https://github.test", runId: 9 };
    const run = (drifted: boolean) => {
      process.env.DRIFTED = String(drifted);
      process.env.STACK = "stacks/prod";
      process.env.MOPS_ENV = "prod";
      return runGithubScript(script, { github, context, core, require: () => ({ readFileSync: () => "drift body" }) });
    };
    try {
      await run(true);
      await run(true);
      await run(false);
      await run(false);
    } finally {
      delete process.env.DRIFTED;
    }
    expect(log).toEqual(["create", "update 1", "comment", "close 1"]);
  });

  it("the comment script looks for the marker planMarkdown writes", () => {
    expect(planMarkdown(demoPlan()).split("\n")[0]).toBe("<!-- mops-plan:acme/prod -->");
    expect(githubScript(action.runs.steps, "Comment")).toContain('"<!-- mops-plan:"');
  });
});

describe("GitLab CI example", () => {
  const ci = load("gitlab-ci/.gitlab-ci.yml") as Record<string, { stage?: string; script?: string[]; rules?: { if: string }[]; artifacts?: { paths: string[] } }> & { stages: string[] };

  it("validates and plans merge requests, applies on the default branch, checks drift on a schedule", () => {
    expect(ci.stages).toEqual(["validate", "plan", "apply", "drift"]);
    expect(ci["mops:validate"].script!.join("\n")).toContain("mops validate");
    expect(ci["mops:plan"].script!.join("\n")).toMatch(/mops plan .*--out plan\.json --format markdown/);
    expect(ci["mops:plan"].script!.join("\n")).toContain("node ci/mops-gitlab.mjs note comment.md");
    expect(ci["mops:plan"].artifacts!.paths).toContain("plan.json");
    expect(ci["mops:apply"].script!.join("\n")).toMatch(/mops apply plan\.json .*--auto-approve/);
    expect(ci["mops:drift"].rules![0].if).toContain("schedule");
    expect(ci["mops:drift"].script!.join("\n")).toContain("--detailed-exitcode");
  });

  describe("mops-gitlab.mjs against a fake GitLab API on 127.0.0.1", () => {
    let server: Server;
    let url: string;
    let dir: string;
    const notes: { id: number; body: string; system: boolean }[] = [{ id: 10, body: "LGTM", system: false }];
    const requests: string[] = [];
    const readBody = (req: IncomingMessage) =>
      new Promise<string>((ok) => {
        let s = "";
        req.on("data", (c) => (s += c));
        req.on("end", () => ok(s));
      });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "mops-gitlab-"));
      server = createServer(async (req, res) => {
        const path = req.url!.replace(/\?.*$/, "");
        requests.push(`${req.method} ${path}`);
        expect(req.headers["private-token"]).toBe("glpat-test");
        const base = "/api/v4/projects/42/merge_requests/5/notes";
        const body = await readBody(req);
        res.setHeader("content-type", "application/json");
        if (req.method === "GET" && path === base) return res.end(JSON.stringify(notes));
        if (req.method === "POST" && path === base) {
          notes.push({ id: 11, body: JSON.parse(body).body, system: false });
          return res.end("{}");
        }
        if (req.method === "PUT" && path === `${base}/11`) {
          notes.find((n) => n.id === 11)!.body = JSON.parse(body).body;
          return res.end("{}");
        }
        res.statusCode = 500;
        res.end("{}");
      });
      await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
    });
    afterAll(() => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("creates the merge-request note once, then updates it in place", async () => {
      const file = join(dir, "comment.md");
      const env = { ...process.env, CI_API_V4_URL: url, CI_PROJECT_ID: "42", CI_MERGE_REQUEST_IID: "5", GITLAB_TOKEN: "glpat-test" };
      const run = () => promisify(execFile)(process.execPath, [join(root, "gitlab-ci/mops-gitlab.mjs"), "note", file], { env });
      writeFileSync(file, planMarkdown(demoPlan()));
      expect((await run()).stdout).toContain("created a note");
      writeFileSync(file, planMarkdown({ ...demoPlan(), environment: "prod" }).replace("4 to add", "5 to add"));
      expect((await run()).stdout).toContain("updated note 11");
      expect(notes).toHaveLength(2);
      expect(notes[1].body).toContain("5 to add");
      expect(requests.filter((r) => !r.startsWith("GET"))).toEqual([
        "POST /api/v4/projects/42/merge_requests/5/notes",
        "PUT /api/v4/projects/42/merge_requests/5/notes/11",
      ]);
    });
  });
});
