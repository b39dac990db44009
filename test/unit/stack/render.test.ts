import { afterEach, describe, expect, it, vi } from "vitest";
import { colorEnabled, guard, reportBug } from "../../../src/cli/render";
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

  it("cuts a long line to a window around the caret, the caret still under the range", () => {
    const long = `${"a".repeat(5000)}XYZ${"b".repeat(5000)}`;
    const d = error("MOPS201", "unknown", { range: { file: "/s/x.yaml", line: 1, col: 5001, endCol: 5004 } });
    const [, , , code, caret] = renderDiagnostic(d, { cwd: "/s", source: () => long }).split("\n");
    expect(code!.length).toBeLessThan(110);
    expect(code).toMatch(/^1 \| …a+XYZb+…$/);
    expect(code!.indexOf("XYZ")).toBe(caret!.indexOf("^^^"));
    // Near the start of a long line, the line's beginning is shown.
    const early = renderDiagnostic({ ...d, range: { file: "/s/x.yaml", line: 1, col: 3, endCol: 4 } }, { cwd: "/s", source: () => long }).split("\n")[3];
    expect(early).toMatch(/^1 \| a+…$/);
  });

  it("shows ten diagnostics of one code per file, then counts the rest; the summary counts all", () => {
    const ds = Array.from({ length: 25 }, (_, i) => error("MOPS201", `unknown ${i}`, { range: { file: "/s/x.yaml", line: i + 1, col: 1 } }));
    const other = warning("MOPS005", "nothing", { range: { file: "/s/y.yaml", line: 1, col: 1 } });
    const text = renderDiagnostics([...ds, other], { cwd: "/s" });
    expect(text.match(/^error MOPS201/gm)).toHaveLength(10);
    expect(text).toContain("unknown 9\n --> x.yaml:10:1\n\n… and 15 more like this (error MOPS201 in x.yaml)\n\nwarning MOPS005");
    expect(text).toMatch(/\n25 errors, 1 warning\n$/);
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

  it("shows the JavaScript stack with MOPS_DEBUG=1 and only then", () => {
    const saved = process.env.MOPS_DEBUG;
    const printed = (value: string | undefined) => {
      const writes: string[] = [];
      const spy = vi.spyOn(process.stderr, "write").mockImplementation((s) => (writes.push(String(s)), true));
      if (value === undefined) delete process.env.MOPS_DEBUG;
      else process.env.MOPS_DEBUG = value;
      try {
        const e = new Error("boom");
        e.stack = "Error: boom\n    at somewhere (x.ts:1:1)";
        reportBug(e);
      } finally {
        spy.mockRestore();
      }
      return writes.join("");
    };
    try {
      for (const off of [undefined, "", "0", "no"]) expect(printed(off)).not.toContain("x.ts:1:1");
      expect(printed("1")).toContain("at somewhere (x.ts:1:1)");
    } finally {
      if (saved === undefined) delete process.env.MOPS_DEBUG;
      else process.env.MOPS_DEBUG = saved;
    }
  });
});
