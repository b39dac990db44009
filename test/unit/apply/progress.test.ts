import { afterEach, describe, expect, it, vi } from "vitest";
import { progress } from "../../../src/cli/progress";

const stream = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, isTTY, columns: 80, write: (s: string) => out.push(s) };
};

const diagnostic = { code: "sandbox/invalid_field", severity: "error" as const, message: "`steps[0].template`: no template with id tpl_1" };

describe("progress", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("prints one plain line per finished operation when not on a terminal", () => {
    const s = stream(false);
    const p = progress(s);
    p.sink({ type: "refresh-start", kinds: ["workflow"] });
    p.sink({ type: "refresh-done", objects: 3, requests: 2, ms: 40 });
    p.sink({ type: "apply-start", total: 3 });
    p.sink({ type: "op-start", address: "workflow.welcome", action: "create", phase: "create" });
    p.sink({ type: "op-done", address: "workflow.welcome", action: "create", phase: "create", id: "wf_123", ms: 120 });
    p.sink({ type: "op-failed", address: "segment.vip", action: "update", phase: "update", diagnostic });
    p.sink({ type: "op-skipped", address: "workflow.vip", action: "update", phase: "update", because: "segment.vip failed" });
    p.sink({ type: "retry", attempt: 1, waitMs: 1000, reason: "429 rate limited" });
    p.sink({ type: "apply-done", outcome: "partial", done: 1, failed: 1, skipped: 1, ms: 300 });
    expect(s.out.join("")).toBe(
      [
        "Read 3 live objects in 2 requests (40 ms).",
        "workflow.welcome: creating… done (120 ms, id wf_123)",
        "segment.vip: updating… failed",
        "error sandbox/invalid_field: `steps[0].template`: no template with id tpl_1",
        "workflow.vip: skipped (segment.vip failed)",
        "retrying in 1000 ms (attempt 1: 429 rate limited)",
        "",
      ].join("\n"),
    );
  });

  it("keeps one live line with completed/total and what runs on a terminal, without colour under NO_COLOR", () => {
    vi.stubEnv("NO_COLOR", "1");
    const s = stream(true);
    const p = progress(s);
    p.sink({ type: "apply-start", total: 2 });
    p.sink({ type: "op-start", address: "segment.a", action: "create", phase: "create" });
    p.sink({ type: "op-start", address: "segment.b", action: "create", phase: "create" });
    expect(s.out.at(-1)).toBe("\r\x1b[K[0/2] segment.a, segment.b");
    p.sink({ type: "op-done", address: "segment.a", action: "create", phase: "create", ms: 5 });
    expect(s.out.slice(-3)).toEqual(["\r\x1b[K", "segment.a: creating… done (5 ms)\n", "\r\x1b[K[1/2] segment.b"]);
    p.done();
    expect(s.out.at(-1)).toBe("\r\x1b[K");
    expect(s.out.join("")).not.toContain("\x1b[3");
  });
});
