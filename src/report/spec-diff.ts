import { structuredPatch } from "diff";
import { toYaml } from "../stack/emit";

/**
 * A unified diff of two specs rendered as YAML, for reviewers. Both sides are
 * laid out in the desired spec's key order so that a live object normalised
 * with its keys in another order shows no spurious lines.
 */
export function specDiff(before: unknown, after: unknown, opts: { context?: number; maxLines?: number } = {}): string {
  const template = after ?? before;
  const a = before === undefined ? "" : toYaml(orderLike(before, template));
  const b = after === undefined ? "" : toYaml(orderLike(after, template));
  const patch = structuredPatch("before", "after", a, b, "", "", { context: opts.context ?? 3 });
  const lines: string[] = [];
  for (const h of patch.hunks) {
    // Unified diff numbers an empty side from the line before it: `-0,0`.
    const oldStart = h.oldLines ? h.oldStart : h.oldStart - 1;
    const newStart = h.newLines ? h.newStart : h.newStart - 1;
    lines.push(`@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`);
    lines.push(...h.lines.filter((l) => !l.startsWith("\\")));
  }
  const max = opts.maxLines ?? Infinity;
  if (lines.length > max) {
    const more = lines.length - max;
    return `${lines.slice(0, max).join("\n")}\n# … ${more} more diff lines not shown\n`;
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}


/** `value` with object keys in `template`'s order first, then the rest sorted. */
export function orderLike(value: unknown, template: unknown): unknown {
  if (Array.isArray(value)) {
    const t = Array.isArray(template) ? template : [];
    return value.map((x, i) => orderLike(x, t[i] ?? t[0]));
  }
  if (value && typeof value === "object") {
    const t = template && typeof template === "object" && !Array.isArray(template) ? (template as Record<string, unknown>) : {};
    const v = value as Record<string, unknown>;
    const keys = [...Object.keys(t).filter((k) => k in v), ...Object.keys(v).filter((k) => !(k in t)).sort()];
    const out: Record<string, unknown> = {};
    for (const k of keys) if (v[k] !== undefined) out[k] = orderLike(v[k], t[k]);
    return out;
  }
  return value;
}
