/**
 * Diagnostics are values, never exceptions: every stage that can fail on user
 * input returns them, and only the CLI renders them (once, with the source line).
 */
export type Severity = "error" | "warning" | "info";

/** 1-based line and column, like editors and compilers print them. */
export interface SourceRange {
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export interface Diagnostic {
  /** Stable code, e.g. `MOPS101`, `schema/unknown-key`, `analysis/conflict`. */
  code: string;
  severity: Severity;
  /** What is wrong. */
  message: string;
  /** What would be right ("did you mean `trigger`?"). */
  hint?: string;
  range?: SourceRange;
  /** Resource address (`workflow.welcome`) the diagnostic is about, when any. */
  address?: string;
  /** Structured extras for machines (e.g. a witness contact). */
  detail?: Record<string, unknown>;
  /** Other places that explain this one: the policy line that asks for a check, the first of two declarations. */
  related?: { message: string; range?: SourceRange }[];
  /** Concrete edits that resolve it, best first (alternatives, not steps). */
  fixes?: Fix[];
}

/**
 * One change to a stack's declarations, a YAML patch: at `path` inside the
 * spec of `address` (`[]`: the whole resource, which `set` creates), or inside
 * `environments.<environment>.overrides` of it when `environment` is given.
 */
export interface Edit {
  address: string;
  environment?: string;
  path: readonly (string | number)[];
  /** `set` creates or replaces the value; `append` adds to the end of a list (made when missing); `remove` deletes it. */
  op: "set" | "append" | "remove";
  value?: unknown;
}

/** A concrete edit that makes a finding go away without raising another warning. */
export interface Fix {
  /** What it does, in words ("set `rollout_percent` to 50 in production"). */
  title: string;
  /**
   * `mops validate --fix` may apply it unattended: it reaches nobody who is
   * not reached today and says nothing new, it only corrects text or stops
   * what the checks forbid. A fix that chooses (which journey wins, how long
   * to wait) is printed for a person to apply.
   */
  safe: boolean;
  edits: Edit[];
}

/** The shape of every fallible function on user input. */
export interface Result<T> {
  value?: T;
  diagnostics: Diagnostic[];
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === "error");

export function diag(
  code: string,
  severity: Severity,
  message: string,
  extra: Omit<Diagnostic, "code" | "severity" | "message"> = {},
): Diagnostic {
  return { code, severity, message, ...extra };
}

export const error = (code: string, message: string, extra?: Omit<Diagnostic, "code" | "severity" | "message">) =>
  diag(code, "error", message, extra);
export const warning = (code: string, message: string, extra?: Omit<Diagnostic, "code" | "severity" | "message">) =>
  diag(code, "warning", message, extra);

/** Sort by file, line, column so output is stable for golden tests. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => {
    const fa = a.range?.file ?? "", fb = b.range?.file ?? "";
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.range?.line ?? 0, lb = b.range?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.range?.col ?? 0, cb = b.range?.col ?? 0;
    if (ca !== cb) return ca - cb;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}
export type { SourceIndex, SpecPath } from "./source";
export { placeInStack } from "./source";
