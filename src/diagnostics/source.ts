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

/**
 * A diagnostic that names a resource and the field of its spec a platform
 * refused (`detail.specPath`, as providers report it) but no place in a file,
 * placed at the line of the stack that wrote that field (or the nearest
 * enclosing value that has one).
 */
export function placeInStack<D extends { address?: string; range?: SourceRange; detail?: Record<string, unknown> }>(d: D, sources: SourceIndex | undefined): D {
  const path = d.detail?.specPath;
  if (d.range || !d.address || !sources || !Array.isArray(path)) return d;
  const range = sources.rangeOf(d.address, path as SpecPath);
  return range ? { ...d, range } : d;
}
