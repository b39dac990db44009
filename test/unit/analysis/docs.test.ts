import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../../src/stack/policy";

const SRC = join(__dirname, "../../../src/analysis");
const DOC = readFileSync(join(__dirname, "../../../docs/analysis.md"), "utf8");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [readFileSync(join(dir, e.name), "utf8")] : []);
}

describe("docs/analysis.md", () => {
  it("documents every finding code the analysis can emit", () => {
    const codes = new Set<string>();
    // The policy file's own findings come from its loader.
    for (const text of [...sources(SRC), readFileSync(join(__dirname, "../../../src/stack/policy.ts"), "utf8")]) {
      for (const m of text.matchAll(/"((?:conflict|cap|merge|consent|journey|governance|rollout|policy|approval)\/[a-z-]+)"/g)) codes.add(m[1]);
    }
    expect(codes.size).toBeGreaterThan(25);
    for (const c of codes) expect(DOC, c).toContain(`\`${c}\``);
  });

  it("shows a policy example that loads", () => {
    const example = /## The policy file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(DOC)![1];
    const file = join(mkdtempSync(join(tmpdir(), "mops-doc-")), "policy.yaml");
    writeFileSync(file, example);
    expect(loadPolicy(file).diagnostics).toEqual([]);
  });
});
