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
}

export interface LoadOptions {
  /** Environment to resolve; the stack's default_environment, else the first declared. */
  environment?: string;
  /** Variables for `${env:NAME}` (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
}
