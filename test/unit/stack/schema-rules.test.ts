import { describe, expect, it } from "vitest";
import { schemaIssues } from "../../../src/stack/schema-check";

/** A valid stack file with one resource of every kind: each row below breaks one rule of it. */
function base(): any {
  return {
    stack: "shop",
    environments: {
      sandbox: { provider: { type: "sandbox" } },
      production: { provider: { type: "hubspot", token: "${env:HUBSPOT_TOKEN}", rate_limit: 10, concurrency: 4 }, state: { backend: "local" } },
    },
    properties: { first_name: { type: "string", fallback: "there" }, tier: { type: "enum", values: ["a", "b"] } },
    subscription_types: { newsletter: { channel: "email", purpose: "marketing", default: "opt_in" } },
    teams: { lifecycle: { email: "lc@example.com" } },
    roles: { marketer: { permissions: [{ kinds: ["workflow"], actions: ["view"] }] } },
    users: { ana: { email: "ana@example.com", role: "marketer", teams: ["lifecycle"] } },
    templates: { hello: { channel: "email", subject: "Hi", body: "Hello" } },
    segments: { vip: { type: "dynamic", conditions: { all: [{ property: "tier", op: "eq", value: "b" }, { event: "placed_order", at_least: 1, within: "30d" }] } } },
    frequency_caps: { weekly: { max: 3, period: "7d", channels: ["email"], exempt: { transactional: true, workflows: ["welcome"] } } },
    workflows: {
      welcome: {
        status: "active",
        trigger: { type: "segment_entry", segment: "vip" },
        steps: [
          { id: "first", type: "send", channel: "email", template: "hello", subscription_type: "newsletter" },
          { type: "wait", duration: "2d", until: { weekday: ["tue"], time: "10:00" } },
          { type: "branch", condition: { engagement: { step: "first", action: "opened" } }, then: [{ type: "exit" }] },
          { type: "split", paths: [{ percent: 50, steps: [] }, { percent: 50, steps: [] }] },
          { type: "update_property", property: "tier", value: "a" },
        ],
        rollout_percent: 100,
        priority: 10,
        reenrollment: { allowed: true, after: "4w" },
      },
    },
  };
}

type Row = [rule: string, mutate: (s: any) => void, code: string, path: (string | number)[]];
const W = ["workflows", "welcome"];
const S = [...W, "steps"];

const ROWS: Row[] = [
  // unknown keys
  ["top-level key", (s) => (s.workflow = {}), "MOPS103", ["workflow"]],
  ["property key", (s) => (s.properties.first_name.fallbak = "x"), "MOPS104", ["properties", "first_name", "fallbak"]],
  ["workflow key", (s) => (s.workflows.welcome.triger = {}), "MOPS104", [...W, "triger"]],
  ["step key", (s) => (s.workflows.welcome.steps[1].durration = "1d"), "MOPS104", [...S, 1, "durration"]],
  ["trigger key", (s) => (s.workflows.welcome.trigger.segmnt = "vip"), "MOPS104", [...W, "trigger", "segmnt"]],
  ["condition leaf key", (s) => (s.segments.vip.conditions.all[0] = { propety: "tier", op: "eq" }), "MOPS104", ["segments", "vip", "conditions", "all", 0, "propety"]],
  ["environment key", (s) => (s.environments.sandbox.protect = true), "MOPS104", ["environments", "sandbox", "protect"]],
  ["role permission key", (s) => (s.roles.marketer.permissions[0].kind = ["workflow"]), "MOPS104", ["roles", "marketer", "permissions", 0, "kind"]],
  // required keys
  ["property type", (s) => delete s.properties.first_name.type, "MOPS102", ["properties", "first_name"]],
  ["template body", (s) => delete s.templates.hello.body, "MOPS102", ["templates", "hello"]],
  ["user role", (s) => delete s.users.ana.role, "MOPS102", ["users", "ana"]],
  ["workflow steps", (s) => delete s.workflows.welcome.steps, "MOPS102", W],
  ["cap period", (s) => delete s.frequency_caps.weekly.period, "MOPS102", ["frequency_caps", "weekly"]],
  ["send template", (s) => delete s.workflows.welcome.steps[0].template, "MOPS102", [...S, 0]],
  ["step type", (s) => delete s.workflows.welcome.steps[1].type, "MOPS102", [...S, 1]],
  ["provider type", (s) => delete s.environments.sandbox.provider.type, "MOPS102", ["environments", "sandbox", "provider"]],
  // types
  ["boolean", (s) => (s.properties.first_name.required = "yes"), "MOPS101", ["properties", "first_name", "required"]],
  ["integer", (s) => (s.workflows.welcome.priority = 1.5), "MOPS101", [...W, "priority"]],
  ["list", (s) => (s.frequency_caps.weekly.channels = "email"), "MOPS101", ["frequency_caps", "weekly", "channels"]],
  ["mapping", (s) => (s.workflows.welcome.trigger = "manual"), "MOPS101", [...W, "trigger"]],
  ["scalar union", (s) => (s.workflows.welcome.steps[4].value = { a: 1 }), "MOPS101", [...S, 4, "value"]],
  ["step is a mapping", (s) => (s.workflows.welcome.steps[1] = "wait"), "MOPS101", [...S, 1]],
  // enums
  ["property type value", (s) => (s.properties.first_name.type = "text"), "MOPS105", ["properties", "first_name", "type"]],
  ["segment type", (s) => (s.segments.vip.type = "dynamc"), "MOPS105", ["segments", "vip", "type"]],
  ["channel", (s) => (s.templates.hello.channel = "emial"), "MOPS105", ["templates", "hello", "channel"]],
  ["status", (s) => (s.workflows.welcome.status = "live"), "MOPS105", [...W, "status"]],
  ["operator", (s) => (s.segments.vip.conditions.all[0].op = "equals"), "MOPS105", ["segments", "vip", "conditions", "all", 0, "op"]],
  ["step type value", (s) => (s.workflows.welcome.steps[1].type = "pause"), "MOPS105", [...S, 1, "type"]],
  ["trigger type", (s) => (s.workflows.welcome.trigger.type = "segment"), "MOPS105", [...W, "trigger", "type"]],
  ["role action", (s) => (s.roles.marketer.permissions[0].actions = ["veiw"]), "MOPS105", ["roles", "marketer", "permissions", 0, "actions", 0]],
  ["role kind", (s) => (s.roles.marketer.permissions[0].kinds = ["workflows"]), "MOPS105", ["roles", "marketer", "permissions", 0, "kinds", 0]],
  ["weekday", (s) => (s.workflows.welcome.steps[1].until.weekday = ["tues"]), "MOPS105", [...S, 1, "until", "weekday", 0]],
  ["engagement action", (s) => (s.workflows.welcome.steps[2].condition.engagement.action = "open"), "MOPS105", [...S, 2, "condition", "engagement", "action"]],
  ["consent default", (s) => (s.subscription_types.newsletter.default = "optin"), "MOPS105", ["subscription_types", "newsletter", "default"]],
  ["state backend", (s) => (s.environments.production.state.backend = "s3"), "MOPS105", ["environments", "production", "state", "backend"]],
  // names and formats
  ["resource name", (s) => (s.segments["VIP"] = { type: "static" }), "MOPS111", ["segments", "VIP"]],
  ["environment name", (s) => (s.environments["Prod"] = { provider: { type: "sandbox" } }), "MOPS111", ["environments", "Prod"]],
  ["stack name", (s) => (s.stack = "My Shop"), "MOPS106", ["stack"]],
  ["reference name", (s) => (s.users.ana.role = "Marketer"), "MOPS106", ["users", "ana", "role"]],
  ["duration", (s) => (s.frequency_caps.weekly.period = "1 week"), "MOPS106", ["frequency_caps", "weekly", "period"]],
  ["event window", (s) => (s.segments.vip.conditions.all[1].within = "30days"), "MOPS106", ["segments", "vip", "conditions", "all", 1, "within"]],
  ["time of day", (s) => (s.workflows.welcome.steps[1].until.time = "25:00"), "MOPS106", [...S, 1, "until", "time"]],
  ["step id", (s) => (s.workflows.welcome.steps[0].id = "First"), "MOPS106", [...S, 0, "id"]],
  ["secret is a reference", (s) => (s.environments.production.provider.token = "pat-na1-123"), "MOPS106", ["environments", "production", "provider", "token"]],
  ["user email", (s) => (s.users.ana.email = "ana.example.com"), "MOPS108", ["users", "ana", "email"]],
  ["team email", (s) => (s.teams.lifecycle.email = "lifecycle"), "MOPS108", ["teams", "lifecycle", "email"]],
  // ranges
  ["percent above 100", (s) => (s.workflows.welcome.rollout_percent = 150), "MOPS107", [...W, "rollout_percent"]],
  ["percent below 0", (s) => (s.workflows.welcome.holdout_percent = -5), "MOPS107", [...W, "holdout_percent"]],
  ["split percent", (s) => (s.workflows.welcome.steps[3].paths[0].percent = 101), "MOPS107", [...S, 3, "paths", 0, "percent"]],
  ["priority", (s) => (s.workflows.welcome.priority = 2000), "MOPS107", [...W, "priority"]],
  ["cap max", (s) => (s.frequency_caps.weekly.max = 0), "MOPS107", ["frequency_caps", "weekly", "max"]],
  ["rate limit", (s) => (s.environments.production.provider.rate_limit = 0), "MOPS107", ["environments", "production", "provider", "rate_limit"]],
  // sizes
  ["no steps", (s) => (s.workflows.welcome.steps = []), "MOPS109", [...W, "steps"]],
  ["no channels", (s) => (s.frequency_caps.weekly.channels = []), "MOPS109", ["frequency_caps", "weekly", "channels"]],
  ["one split path", (s) => s.workflows.welcome.steps[3].paths.pop(), "MOPS109", [...S, 3, "paths"]],
  ["empty all", (s) => (s.segments.vip.conditions.all = []), "MOPS109", ["segments", "vip", "conditions", "all"]],
  ["empty body", (s) => (s.templates.hello.body = ""), "MOPS109", ["templates", "hello", "body"]],
  ["repeated channel", (s) => (s.frequency_caps.weekly.channels = ["email", "email"]), "MOPS109", ["frequency_caps", "weekly", "channels", 1]],
];

describe("schema rules: one issue per mistake, at the right path", () => {
  it("the base stack is valid", () => {
    expect(schemaIssues(base())).toEqual([]);
  });

  it.each(ROWS)("%s", (_rule, mutate, code, path) => {
    const s = base();
    mutate(s);
    const issues = schemaIssues(s);
    expect(issues.map((i) => [i.code, i.path])).toEqual([[code, path]]);
    expect(issues[0].message.length).toBeGreaterThan(5);
  });

  it("suggests the closest key and value", () => {
    const s = base();
    s.workflows.welcome.triger = s.workflows.welcome.trigger;
    delete s.workflows.welcome.trigger;
    s.templates.hello.channel = "emial";
    const hints = schemaIssues(s).map((i) => i.hint);
    expect(hints).toContain("did you mean `trigger`?");
    expect(hints).toContain("did you mean `email`? allowed: email, sms, push, in_app, webhook");
  });
});
