// GitLab API glue for .gitlab-ci.yml (Node 20, no dependencies). Copy it to ci/ in
// the repository that holds your stacks.
//
//   node ci/mops-gitlab.mjs note comment.md          one merge-request note, updated in place (found by its marker line)
//   node ci/mops-gitlab.mjs reviewed-plan plan.json  download the plan reviewed on the merged MR; writes approvers.txt
//   node ci/mops-gitlab.mjs drift-issue drift.md     open or update the drift issue; with no file, close it
//
// Needs GITLAB_TOKEN: a project access token with the `api` scope (CI_JOB_TOKEN may not write notes).
import { readFileSync, writeFileSync } from "node:fs";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const api = env("CI_API_V4_URL");
const project = encodeURIComponent(env("CI_PROJECT_ID"));
const token = env("GITLAB_TOKEN");

async function call(method, path, body) {
  const res = await fetch(`${api}/projects/${project}${path}`, {
    method,
    headers: { "PRIVATE-TOKEN": token, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 404 && method === "GET") return undefined;
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  const type = res.headers.get("content-type") ?? "";
  return type.includes("json") ? res.json() : res.text();
}

/** Every page of a list endpoint. */
async function all(path) {
  const out = [];
  for (let page = 1; ; page++) {
    const sep = path.includes("?") ? "&" : "?";
    const items = (await call("GET", `${path}${sep}per_page=100&page=${page}`)) ?? [];
    out.push(...items);
    if (items.length < 100) return out;
  }
}

async function note(file) {
  const body = readFileSync(file, "utf8");
  const marker = body.split("\n", 1)[0];
  if (!marker.startsWith("<!-- mops-plan:")) throw new Error(`${file} does not start with the mops marker`);
  const mr = `/merge_requests/${env("CI_MERGE_REQUEST_IID")}`;
  const previous = (await all(`${mr}/notes?sort=asc`)).find((n) => !n.system && (n.body ?? "").startsWith(marker));
  if (previous) await call("PUT", `${mr}/notes/${previous.id}`, { body });
  else await call("POST", `${mr}/notes`, { body });
  console.log(previous ? `updated note ${previous.id}` : "created a note");
}

async function reviewedPlan(out) {
  const mrs = (await call("GET", `/repository/commits/${env("CI_COMMIT_SHA")}/merge_requests`)) ?? [];
  const mr = mrs.find((m) => m.state === "merged");
  if (!mr) return console.log("no merged merge request for this commit: plan here");
  const pipelines = await all(`/merge_requests/${mr.iid}/pipelines`);
  for (const p of pipelines.filter((x) => x.sha === mr.sha)) {
    const jobs = await all(`/pipelines/${p.id}/jobs?scope[]=success`);
    const job = jobs.find((j) => j.name === "mops:plan");
    if (!job) continue;
    const plan = await call("GET", `/jobs/${job.id}/artifacts/plan.json`);
    if (plan === undefined) continue;
    writeFileSync(out, typeof plan === "string" ? plan : JSON.stringify(plan));
    const approvals = (await call("GET", `/merge_requests/${mr.iid}/approvals`)) ?? {};
    writeFileSync("approvers.txt", (approvals.approved_by ?? []).map((a) => a.user.username).join(","));
    return console.log(`reviewed plan of !${mr.iid} from job ${job.id}`);
  }
  console.log(`no saved plan for !${mr.iid} at ${mr.sha}: plan here`);
}

async function driftIssue(file) {
  const title = `Drift: ${env("STACK")} (${env("MOPS_ENV")}) was changed outside Mops`;
  const open = await all(`/issues?state=opened&labels=mops-drift`);
  const existing = open.find((i) => i.title === title);
  if (file) {
    const description = `${readFileSync(file, "utf8")}\n\nFound by the scheduled drift check (${process.env.CI_PIPELINE_URL ?? "CI"}). ` +
      "Either bring the change into the stack (`mops import`) or undo it with `mops apply`.";
    if (existing) await call("PUT", `/issues/${existing.iid}`, { description });
    else await call("POST", "/issues", { title, description, labels: "mops-drift" });
  } else if (existing) {
    await call("POST", `/issues/${existing.iid}/notes`, { body: "No drift any more." });
    await call("PUT", `/issues/${existing.iid}`, { state_event: "close" });
  }
}

const [command, arg] = process.argv.slice(2);
const commands = { note, "reviewed-plan": reviewedPlan, "drift-issue": driftIssue };
if (!commands[command]) {
  console.error(`usage: mops-gitlab.mjs ${Object.keys(commands).join("|")} [file]`);
  process.exit(1);
}
await commands[command](arg);
