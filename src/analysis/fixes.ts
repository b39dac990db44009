import type { Edit } from "../diagnostics";
import type { Condition, WorkflowSpec } from "../model";

/**
 * Edits that several rules propose. Each keeps what is written and adds to
 * it, so a reviewer sees one new line rather than a rewritten block.
 */

/** Require `cond` on entry: the entry filter becomes (or gains, in its `all`) this condition. */
export function addToEntryFilter(address: string, w: WorkflowSpec, cond: Condition): Edit[] {
  const f = w.entry_filter;
  if (!f) return [{ address, path: ["entry_filter"], op: "set", value: cond }];
  if ("all" in f) return [{ address, path: ["entry_filter", "all"], op: "append", value: cond }];
  return [{ address, path: ["entry_filter"], op: "set", value: { all: [f, cond] } }];
}
