import type { SourceIndex } from "../diagnostics/source";
import type { Stack } from "../model";

export type { SourceIndex, SpecPath } from "../diagnostics/source";

export interface LoadedStack {
  /** Resolved for one environment: overrides applied, `${env:…}` resolved except secrets. */
  stack: Stack;
  sources: SourceIndex;
  /** Files read, absolute. */
  files: string[];
  /** Directory of the stack (a directory stack itself, or a file's directory). */
  baseDir: string;
  /** Policy file, when the stack names one or has `policy.yaml` beside it. */
  policyFile?: string;
  /** Time the stack's TypeScript (its file, its custom rules) may run, in ms (LoadOptions.tsTimeoutMs). */
  tsTimeoutMs?: number;
}

export interface LoadOptions {
  /** Environment to resolve; the stack's default_environment, else the first declared. */
  environment?: string;
  /** Variables for `${env:NAME}` (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /** Time a TypeScript stack (and the custom rules of its policy) may run, in ms; default 30 s. */
  tsTimeoutMs?: number;
}
