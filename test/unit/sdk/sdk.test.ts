import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defineStack, event, frequencyCap, property, segment, STACK, subscriptionType, workflow } from "mops";

const lines = readFileSync(__filename, "utf8").split("\n");
/** 1-based line and column of the first occurrence of `text` in this file. */
function position(text: string): { line: number; col: number } {
  const i = lines.findIndex((l) => l.includes(text));
  return { line: i + 1, col: lines[i].indexOf(text) + 1 };
}

describe("the TypeScript SDK", () => {
  it("records each builder's call site, source-mapped to this file", () => {
    const p = property("zip", { type: "string" }); // marker:property
    const cap =
      frequencyCap("weekly", { max: 3, period: "7d", channels: ["email"] }); // marker:cap
    expect(p).toMatchObject({ kind: "property", name: "zip", spec: { type: "string" } });
    expect(p.at).toEqual({ file: __filename, ...position('property("zip"'), callee: "property" });
    expect(cap.at).toEqual({ file: __filename, ...position('frequencyCap("weekly"'), callee: "frequencyCap" });
    expect(cap.kind).toBe("frequency_cap");
    const e = event("placed_order", { source: "custom", properties: { total: { type: "number" } } }); // marker:event
    expect(e).toMatchObject({ kind: "event", name: "placed_order", spec: { properties: { total: { type: "number" } } } });
    expect(e.at).toEqual({ file: __filename, ...position('event("placed_order"'), callee: "event" });
  });

  it("defineStack keeps the header and the declarations as given, branded for the loader", () => {
    const sub = subscriptionType("news", { channel: "email" });
    const seg = segment("members", { type: "static" });
    const wf = workflow("w", { status: "draft", trigger: { type: "manual" }, steps: [{ type: "exit" }] });
    const s = defineStack({ stack: "s", default_environment: "sandbox", resources: [sub, [seg, wf]] });
    expect(s[STACK]).toBe(true);
    expect(s.stack).toBe("s");
    expect(s.resources).toEqual([sub, [seg, wf]]);
    expect(s.at?.line).toBe(position("defineStack({ stack").line);
  });
});
