import { afterEach, describe, expect, it, vi } from "vitest";
import { colorEnabled, guard } from "../../../src/cli/render";
import { error, warning, type Diagnostic } from "../../../src/diagnostics";
import { renderDiagnostic, renderDiagnostics, summarize } from "../../../src/report/diagnostics";

const text = "stack: shop\nworkflows:\n  welcome:\n\ttriger: x\n" + "\n".repeat(6) + "          value: 3\n";
const source = () => text;

describe("rendering diagnostics", () => {
  it("prints code, location, the line, a caret under the range and the hint", () => {
    const d = error("MOPS104", "unknown key `triger`", { range: { file: "/s/x.yaml", line: 4, col: 2, endLine: 4, endCol: 8 }, hint: "did you mean `trigger`?" });
    expect(renderDiagnostic(d, { cwd: "/s", source })).toBe(
      ["error MOPS104: unknown key `triger`", " --> x.yaml:4:2", "  |", "4 | \ttriger: x", "  | \t^^^^^^", "  = hint: did you mean `trigger`?"].join("\n"),
    );
  });

  it("widens the gutter for long line numbers and underlines a multi-line range to the end of its first line", () => {
    const d = warning("MOPS999", "a long value", { range: { file: "/s/x.yaml", line: 11, col: 11, endLine: 14, endCol: 3 } });
    expect(renderDiagnostic(d, { cwd: "/s", source })).toBe(
      ["warning MOPS999: a long value", "  --> x.yaml:11:11", "   |", "11 |           value: 3", "   |           ^^^^^^^^"].join("\n"),
    );
  });

  it("without a source or a range, still says where", () => {
    const noText = error("MOPS001", "no stack", { range: { file: "/elsewhere/a.yaml", line: 2, col: 3 } });
    expect(renderDiagnostic(noText, { cwd: "/s" })).toBe("error MOPS001: no stack\n --> /elsewhere/a.yaml:2:3");
    expect(renderDiagnostic(error("X1", "bad", { address: "workflow.w" }))).toBe("error X1: bad\n --> workflow.w");
  });

  it("colours only when asked", () => {
    const d = error("MOPS104", "unknown key", { range: { file: "/s/x.yaml", line: 1, col: 1, endCol: 6 } });
    expect(renderDiagnostics([d], { source, color: false })).not.toContain("\u001b[");
    expect(renderDiagnostics([d], { source, color: true })).toContain("\u001b[31m");
  });

  it("summarises", () => {
    const ds: Diagnostic[] = [error("A", "a"), error("B", "b"), warning("C", "c")];
    expect(summarize(ds)).toBe("2 errors, 1 warning");
    expect(summarize([warning("C", "c")])).toBe("1 warning");
    expect(summarize([])).toBe("no problems");
    expect(renderDiagnostics(ds)).toMatch(/\n\n2 errors, 1 warning\n$/);
  });
});

describe("colour in the CLI", () => {
  const saved = { NO_COLOR: process.env.NO_COLOR, TERM: process.env.TERM };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  });

  it("is on for a terminal, off otherwise, and never with NO_COLOR", () => {
    delete process.env.NO_COLOR;
    process.env.TERM = "xterm";
    expect(colorEnabled({ isTTY: true })).toBe(true);
    expect(colorEnabled({ isTTY: false })).toBe(false);
    process.env.NO_COLOR = "1";
    expect(colorEnabled({ isTTY: true })).toBe(false);
  });
});

describe("guard", () => {
  it("turns an exception into one 'internal error' line and exit code 1", async () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((s) => (writes.push(String(s)), true));
    const saved = process.exitCode;
    try {
      await guard(() => {
        throw new Error("boom\n    at somewhere (x.ts:1:1)");
      })();
      expect(process.exitCode).toBe(1);
    } finally {
      spy.mockRestore();
      process.exitCode = saved;
    }
    expect(writes.join("")).toMatch(/^internal error: boom\n/);
    expect(writes.join("")).not.toContain("x.ts:1:1");
  });
});
