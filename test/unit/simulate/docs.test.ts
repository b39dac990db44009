import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAssumptions } from "../../../src/simulate";
import { loadStack } from "../../../src/stack";
import { loadPolicy } from "../../../src/stack/policy";
import { loadPopulation } from "../../../src/stack/population";

const ROOT = resolve(import.meta.dirname, "../../..");
const DOC = readFileSync(join(ROOT, "docs/simulate.md"), "utf8");
const block = (after: string) => new RegExp(`${after}[\\s\\S]*?\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(DOC)![1]!;
const file = (name: string, text: string) => {
  const f = join(mkdtempSync(join(tmpdir(), "mops-doc-")), name);
  writeFileSync(f, text);
  return f;
};

describe("docs/simulate.md", () => {
  it("shows a population file that loads and fits the demo stack", async () => {
    const spec = loadPopulation(file("population.yaml", block("## The population file")));
    expect(spec.diagnostics).toEqual([]);
    const { value } = await loadStack(join(ROOT, "stacks/northwind-outfitters"), { env: {} });
    expect(resolveAssumptions(spec.value!, [value!.stack], 0).diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });

  it("shows an approval rule that loads", () => {
    expect(loadPolicy(file("policy.yaml", block("### Extra approval above an audience size"))).diagnostics).toEqual([]);
  });
});
