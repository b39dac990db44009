import { relative } from "node:path";
import type { SourceRange } from "../diagnostics";

/** A path as the user should read it: relative to `cwd` when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const r = relative(cwd, file);
  return r && !r.startsWith("..") ? r : file;
}

/** `stacks/a.yaml:3:5`, for hints that point at a second place. */
export const where = (r: SourceRange): string => `${displayPath(r.file)}:${r.line}:${r.col}`;
