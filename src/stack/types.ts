import type { SourceRange } from "../diagnostics";
import type { Stack } from "../model";

/** A path inside a resource's spec: `["steps", 2, "template"]`. */
export type SpecPath = readonly (string | number)[];

/**
 * Where each declared value came from. Kept beside the model (not inside it)
 * so that the YAML and TypeScript forms of a stack give identical models.
 */
export interface SourceIndex {
  /**
   * The range of a value inside a resource's spec, or the nearest enclosing
   * value that has one; with no path, the resource's declaration.
   */
  rangeOf(address: string, path?: SpecPath): SourceRange | undefined;
  /** Like rangeOf, but the key (`paths:`) rather than the value under it. */
  keyRangeOf?(address: string, path: SpecPath): SourceRange | undefined;
  /** The file text, for rendering a caret under the line. */
  text(file: string): string | undefined;
}

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
