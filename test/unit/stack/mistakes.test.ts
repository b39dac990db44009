import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDiagnostics } from "../../../src/report/diagnostics";
import { loadStack } from "../../../src/stack";

const root = resolve(__dirname, "../../..");
const dir = resolve(root, "test/fixtures/mistakes");

/**
 * One row per user mistake: the fixture, the options it is loaded with, and
 * the one diagnostic it must produce (code and file:line:col). The rendered
 * output is kept as a golden file beside this test.
 */
const CASES: [fixture: string, code: string, at: string, opts?: { environment?: string }][] = [
  ["01-yaml-syntax.yaml", "MOPS002", "01-yaml-syntax.yaml:5:66"],
  ["02-wrong-type.yaml", "MOPS101", "02-wrong-type.yaml:4:10"],
  ["03-unknown-key.yaml", "MOPS104", "03-unknown-key.yaml:5:5"],
  ["04-unknown-kind-key.yaml", "MOPS103", "04-unknown-kind-key.yaml:2:1"],
  ["05-dangling-segment.yaml", "MOPS201", "05-dangling-segment.yaml:8:46"],
  ["06-dangling-template.yaml", "MOPS202", "06-dangling-template.yaml:11:19"],
  ["07-dangling-property.yaml", "MOPS203", "07-dangling-property.yaml:8:17"],
  ["08-dangling-subscription-type.yaml", "MOPS204", "08-dangling-subscription-type.yaml:11:75"],
  ["09-dangling-role.yaml", "MOPS205", "09-dangling-role.yaml:9:11"],
  ["10-dangling-team.yaml", "MOPS206", "10-dangling-team.yaml:12:24"],
  ["11-duplicate-across-files", "MOPS210", "11-duplicate-across-files/b.yaml:4:3"],
  ["12-duplicate-step-id.yaml", "MOPS211", "12-duplicate-step-id.yaml:8:15"],
  ["13-segment-cycle.yaml", "MOPS212", "13-segment-cycle.yaml:11:25"],
  ["14-bad-duration.yaml", "MOPS106", "14-bad-duration.yaml:8:19"],
  ["15-percent-over-100.yaml", "MOPS107", "15-percent-over-100.yaml:6:22"],
  ["16-split-not-100.yaml", "MOPS215", "16-split-not-100.yaml:8:9"],
  ["17-enum-typo.yaml", "MOPS105", "17-enum-typo.yaml:4:14"],
  ["18-missing-required.yaml", "MOPS102", "18-missing-required.yaml:3:3"],
  ["19-email-format.yaml", "MOPS108", "19-email-format.yaml:8:12"],
  ["20-template-wrong-channel.yaml", "MOPS213", "20-template-wrong-channel.yaml:9:49"],
  ["21-unknown-env-var.yaml", "MOPS219", "21-unknown-env-var.yaml:2:14"],
  ["22-unknown-environment.yaml", "MOPS220", "22-unknown-environment.yaml:2:1", { environment: "staging" }],
  ["23-ts-stack-mistake.ts", "MOPS202", "23-ts-stack-mistake.ts:7:5"],
  ["24-ts-compile-error.ts", "MOPS003", "24-ts-compile-error.ts:5:7"],
  ["25-unknown-step-type.yaml", "MOPS105", "25-unknown-step-type.yaml:7:15"],
  ["26-invalid-name.yaml", "MOPS111", "26-invalid-name.yaml:3:3"],
  ["27-wait-without-duration.yaml", "MOPS216", "27-wait-without-duration.yaml:7:9"],
  ["28-dynamic-without-conditions.yaml", "MOPS217", "28-dynamic-without-conditions.yaml:4:11"],
  ["29-duplicate-yaml-key.yaml", "MOPS110", "29-duplicate-yaml-key.yaml:5:5"],
  ["30-engagement-unknown-step.yaml", "MOPS208", "30-engagement-unknown-step.yaml:11:42"],
  ["31-override-unknown-resource.yaml", "MOPS221", "31-override-unknown-resource.yaml:7:9"],
  ["32-condition-key-typo.yaml", "MOPS104", "32-condition-key-typo.yaml:9:13"],
  ["33-ts-runtime-error.ts", "MOPS003", "33-ts-runtime-error.ts:10:75"],
  ["34-cap-exempts-unknown-workflow.yaml", "MOPS207", "34-cap-exempts-unknown-workflow.yaml:7:27"],
  ["35-date-trigger-not-date.yaml", "MOPS223", "35-date-trigger-not-date.yaml:7:38"],
  ["36-override-breaks-spec.yaml", "MOPS105", "36-override-breaks-spec.yaml:7:28"],
  ["37-number-in-quotes.yaml", "MOPS101", "37-number-in-quotes.yaml:5:15"],
  ["38-ts-not-a-stack.ts", "MOPS004", "38-ts-not-a-stack.ts:1:1"],
  ["39-literal-token.yaml", "MOPS106", "39-literal-token.yaml:5:39"],
];

describe("diagnostics for user mistakes", () => {
  it.each(CASES)("%s -> %s at %s", async (fixture, code, at, opts) => {
    const r = await loadStack(resolve(dir, fixture), { env: {}, ...opts });
    expect(r.value).toBeUndefined();
    // Exactly one diagnostic per mistake: no cascade, no union noise.
    expect(r.diagnostics.map((d) => d.code)).toEqual([code]);
    const d = r.diagnostics[0];
    expect(d.severity).toBe("error");
    expect(`${d.range?.file}:${d.range?.line}:${d.range?.col}`).toBe(resolve(dir, at));
    const text = renderDiagnostics(r.diagnostics, { cwd: root, color: false, source: (f) => readFileSync(f, "utf8") });
    expect(text).toContain(`--> test/fixtures/mistakes/${at}\n`);
    await expect(text).toMatchFileSnapshot(`__golden__/${fixture.replace(/\.(ya?ml|ts)$/, "")}.txt`);
  });

  it("covers every fixture in the folder", () => {
    expect(readdirSync(dir).sort()).toEqual(CASES.map((c) => c[0]).sort());
  });
});
