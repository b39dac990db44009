import type { Diagnostic } from "../diagnostics";
import type { Stack } from "../model";
import type { CallSite } from "../sdk";

/**
 * What the main thread and the worker that evaluates TypeScript (stacks and
 * custom policy rules) say to each other. Everything crossing is plain data.
 */

/** A stack's default export as the data a YAML file of it would hold, with where each resource was declared. */
export interface TsStackData {
  /** Header settings and kind mappings; absent when a value cannot be used (a BigInt, a function, …). */
  value?: Record<string, unknown>;
  /** `kind.name` -> the builder call that declared it. */
  sites: Record<string, CallSite>;
  /** The `defineStack` call. */
  stackAt?: CallSite;
  diagnostics: Diagnostic[];
}

export interface RuleInfo {
  code: string;
  file: string;
}

export type Job =
  | { mode: "stack"; file: string }
  | { mode: "rules"; files: string[] };

/** Worker -> main thread. */
export type WorkerMessage =
  /** The loader is up; the author's code starts now (the time limit counts from here). */
  | { type: "ready" }
  /** Before each module of the author's is imported, so a hang can be blamed on the right file. */
  | { type: "loading"; file: string }
  | { type: "stack"; data: TsStackData }
  | { type: "rules"; rules: RuleInfo[]; diagnostics: Diagnostic[] }
  /** The module did not load: compile error, exception, missing import. */
  | { type: "failed"; diagnostics: Diagnostic[] }
  /** The author's code called process.exit. */
  | { type: "exit"; code: number; diagnostic: Diagnostic }
  /** An unhandled rejection or an exception thrown from a timer. */
  | { type: "problem"; diagnostic: Diagnostic };

/** Main thread -> rules worker, over the port it was given; the answer comes back on the same port. */
export interface CheckRequest {
  rule: number;
  stack: Stack;
}
export type CheckReply = { diagnostics: Diagnostic[] } | { exit: Diagnostic };
