import { describe, expect, it } from "vitest";
import type { SourceRange } from "../../../src/diagnostics";
import { codeowners } from "../../../src/report/codeowners";
import type { LoadedStack } from "../../../src/stack/types";
import { demoStack } from "./fixtures";

/** The demo stack as if split over files, one per area, the way teams lay stacks out. */
function loaded(): LoadedStack {
  const stack = demoStack();
  const fileOf = (address: string) =>
    address.startsWith("workflow.cart") ? "/repo/stacks/acme/workflows/cart recovery.yaml"
      : address.startsWith("workflow.") ? `/repo/stacks/acme/workflows/${address.slice(9)}.yaml`
        : address.startsWith("segment.") ? "/repo/stacks/acme/segments.yaml"
          : "/repo/stacks/acme/stack.yaml";
  return {
    stack,
    files: [],
    baseDir: "/repo/stacks/acme",
    sources: {
      rangeOf: (address: string, path?: readonly (string | number)[]): SourceRange => ({ file: fileOf(address), line: path ? 5 : 3, col: 3 }),
      text: () => undefined,
    },
  };
}

describe("codeowners", () => {
  it("maps owners per file: declared teams and users by their email, emails as they are (golden)", async () => {
    const r = codeowners(loaded(), { root: "/repo" });
    expect(r.diagnostics).toEqual([]);
    await expect(r.value).toMatchFileSnapshot("__golden__/CODEOWNERS");
    expect(r.value).toContain("/stacks/acme/workflows/welcome_series.yaml growth@acme.example\n");
    expect(r.value).toContain("/stacks/acme/workflows/cart\\ recovery.yaml ana@acme.example\n");
    expect(r.value).toContain("/stacks/acme/segments.yaml ana@acme.example growth@acme.example\n");
  });

  it("uses the owners map for names and emails, and lists several handles", () => {
    const r = codeowners(loaded(), { root: "/repo", map: { growth: ["@acme/growth", "@acme/lifecycle-leads"], "ana@acme.example": "@ana" } });
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toContain("/stacks/acme/workflows/welcome_series.yaml @acme/growth @acme/lifecycle-leads\n");
    expect(r.value).toContain("/stacks/acme/workflows/winback.yaml @ana\n");
  });

  it("warns, with the owner's location and a hint, about owners it cannot map, and leaves them out", () => {
    const l = loaded();
    const wf = l.stack.resources.find((r) => r.name === "winback")!;
    (wf.spec as { owner?: string }).owner = "retention squad";
    const r = codeowners(l, { root: "/repo", map: { growth: "not a handle" } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["codeowners/bad-handle", "codeowners/unmapped-owner", "codeowners/unmapped-owner"]);
    const unmapped = r.diagnostics.find((d) => d.message.includes("retention squad"))!;
    expect(unmapped).toMatchObject({ severity: "warning", address: "workflow.winback", range: { file: "/repo/stacks/acme/workflows/winback.yaml", line: 5 } });
    expect(unmapped.hint).toContain("--map owners.yaml");
    expect(r.value).not.toContain("winback.yaml");
    expect(r.value).not.toContain("not a handle");
  });

  it("refuses paths outside the repository root", () => {
    const r = codeowners(loaded(), { root: "/elsewhere" });
    expect(r.diagnostics.map((d) => d.code)).toEqual(Array(4).fill("codeowners/outside-repo"));
    expect(r.value).not.toMatch(/^\//m);
  });
});
