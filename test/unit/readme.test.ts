import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkStack } from "../../src/cli/check";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** A newcomer pastes the README's example: it must be a clean stack, or the README teaches mistakes. */
describe("README", () => {
  it("its example stack validates with no errors or warnings in every environment", async () => {
    const example = /## What a stack looks like\n\n```yaml\n([\s\S]*?)```/.exec(README)?.[1];
    expect(example).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), "mops-readme-"));
    try {
      writeFileSync(join(dir, "mops.yaml"), example!);
      const r = await checkStack(dir, { env: {} });
      expect(r.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
      expect(r.value?.stack.resources.length).toBeGreaterThan(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
