import type { SourceRange } from "../diagnostics";
import type { SpecPath } from "./types";

/** `key` points at a mapping key (`triger:`), `value` at the value it holds. */
export type Target = "key" | "value";

/**
 * Maps a path inside one parsed file to its source range. Always answers:
 * when the path does not exist (a missing key), the nearest enclosing value.
 */
export interface Locator {
  readonly file: string;
  locate(path: SpecPath, target?: Target): SourceRange;
}
