import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CODES } from "../../../src/stack";

const root = resolve(__dirname, "../../..");

describe("diagnostic codes", () => {
  it("docs/stack-format.md lists exactly the codes the loader has", () => {
    const doc = readFileSync(join(root, "docs/stack-format.md"), "utf8");
    const listed = [...doc.matchAll(/^\| (MOPS\d{3}) \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(CODES));
  });

  it("every code the stack loader emits is a declared one", () => {
    const dir = join(root, "src/stack");
    const used = new Set(readdirSync(dir).flatMap((f) => [...readFileSync(join(dir, f), "utf8").matchAll(/"(MOPS\d{3})"/g)].map((m) => m[1])));
    for (const c of used) expect(Object.keys(CODES), c).toContain(c);
  });
});
