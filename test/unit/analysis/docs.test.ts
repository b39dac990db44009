import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { analyze } from "../../../src/analysis";
import { loadStack } from "../../../src/stack";
import { loadPolicy } from "../../../src/stack/policy";

const SRC = join(__dirname, "../../../src/analysis");
const DOC = readFileSync(join(__dirname, "../../../docs/analysis.md"), "utf8");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [readFileSync(join(dir, e.name), "utf8")] : []);
}

/** The codes the analysis (and the policy loader, and validate's state note) can emit. */
function emitted(): Set<string> {
  const codes = new Set<string>();
  const files = [...sources(SRC), ...["src/stack/policy.ts", "src/cli/check.ts"].map((f) => readFileSync(join(__dirname, "../../..", f), "utf8"))];
  for (const text of files) {
    for (const m of text.matchAll(/"((?:conflict|cap|merge|consent|journey|governance|rollout|policy|approval|event|requirement|state)\/[a-z-]+)"/g)) codes.add(m[1]);
  }
  return codes;
}

/** The fenced examples: ```yaml base, ```yaml bad <code>, ```yaml fixed <code>. */
const blocks = [...DOC.matchAll(/```yaml (base|bad|fixed)(?: (\S+))?\n([\s\S]*?)```/g)].map((m) => ({ kind: m[1], code: m[2] ?? "", text: m[3] }));
const base = parse(blocks.find((b) => b.kind === "base")!.text) as Record<string, unknown>;

/** Mappings merge, `null` removes, anything else replaces (as environment overrides do). */
function merge(a: unknown, b: unknown): unknown {
  if (!a || !b || typeof a !== "object" || typeof b !== "object" || Array.isArray(a) || Array.isArray(b)) return b;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

/** The findings of one example: the base stack with the fragment, its `x-policy` as the policy file, nothing applied yet. */
async function findingsOf(fragment: string) {
  const { "x-policy": policy, ...rest } = parse(fragment) as Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), "mops-doc-example-"));
  writeFileSync(join(dir, "mops.yaml"), stringify(merge(base, rest)));
  if (policy) writeFileSync(join(dir, "policy.yaml"), stringify(policy));
  const loaded = await loadStack(dir, { env: {} });
  expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const { stack, sources: src, policyFile } = loaded.value!;
  const pol = policyFile ? loadPolicy(policyFile) : undefined;
  expect(pol?.diagnostics ?? []).toEqual([]);
  return analyze(stack, { sources: src, policy: pol?.value, previous: { ...stack, resources: [] }, now: new Date("2026-06-01T00:00:00Z") });
}

describe("docs/analysis.md", () => {
  it("documents every finding code the analysis can emit", () => {
    const codes = emitted();
    expect(codes.size).toBeGreaterThan(30);
    for (const c of codes) expect(DOC, c).toContain(`\`${c}\``);
  });

  it("shows a bad and a fixed example for every rule a stack can trigger", () => {
    // Policy-file, apply-time, plan-time and loader-covered codes are shown in prose and output instead.
    const elsewhere = /^(policy|approval|state)\/|^event\/not-in-account$|^consent\/wrong-channel$/;
    const withExamples = new Set(blocks.filter((b) => b.kind === "bad").map((b) => b.code));
    for (const c of emitted()) {
      if (elsewhere.test(c)) continue;
      expect(withExamples, c).toContain(c);
      expect(blocks.some((b) => b.kind === "fixed" && b.code === c), `${c} has a fixed example`).toBe(true);
    }
    expect([...withExamples].some((c) => c.startsWith("requirement/"))).toBe(true);
  });

  for (const bad of blocks.filter((b) => b.kind === "bad")) {
    it(`${bad.code}: the bad example raises it, the fixed one raises no error or warning`, async () => {
      const found = await findingsOf(bad.text);
      expect(found.map((d) => d.code), "bad").toContain(bad.code);
      for (const fixed of blocks.filter((b) => b.kind === "fixed" && b.code === bad.code)) {
        const after = await findingsOf(fixed.text);
        expect(after.filter((d) => d.code === bad.code || d.severity !== "info").map((d) => `${d.code}: ${d.message}`), "fixed").toEqual([]);
      }
    });
  }

  it("shows a policy example that loads", () => {
    const example = /## The policy file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(DOC)![1];
    const file = join(mkdtempSync(join(tmpdir(), "mops-doc-")), "policy.yaml");
    writeFileSync(file, example);
    expect(loadPolicy(file).diagnostics).toEqual([]);
  });
});
