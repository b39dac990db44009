import type { OwnerMark } from "../../src/provider/types";

/**
 * Which stack made an object (the engine's owner mark), kept where Braze has
 * room for it: the last line of a Content Block's description. Email
 * templates, preference centers and dashboard users have no free field
 * Braze's API writes (and tags must exist in Braze before they are set).
 */
const LINE = /\n?\[mops ([^\s\]]+) ([^\s\]]+) ([^\s\]]+)\]$/;

/** The description with the mark as its last line (replacing an older mark). */
export function stampDescription(description: string | undefined, mark: OwnerMark): string {
  const text = (description ?? "").replace(LINE, "");
  return `${text}${text ? "\n" : ""}[mops ${mark.stack} ${mark.environment} ${mark.lineage}]`;
}

/** The mark and the description without it. */
export function readDescription(description: string | undefined): { description?: string; owner?: OwnerMark } {
  const m = LINE.exec(description ?? "");
  if (!m) return { description: description || undefined };
  const rest = description!.slice(0, m.index);
  return { description: rest || undefined, owner: { stack: m[1]!, environment: m[2]!, lineage: m[3]! } };
}
