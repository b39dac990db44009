import type { SourceRange } from "./index";

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
