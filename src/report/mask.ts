import { maskSensitive } from "../model";
import type { AttributeChange, ResourceChange } from "../plan/types";

const maskAttrs = (kind: string, as?: AttributeChange[]) =>
  as?.map((a) => ({ ...a, ...("before" in a ? { before: maskSensitive(kind, a.before, a.path) } : {}), ...("after" in a ? { after: maskSensitive(kind, a.after, a.path) } : {}) }));

/** A change as renderers may show it: literal values of fields the schema marks sensitive are masked. */
export function masked(c: ResourceChange): ResourceChange {
  return {
    ...c,
    ...(c.before !== undefined ? { before: maskSensitive(c.kind, c.before) } : {}),
    ...(c.after !== undefined ? { after: maskSensitive(c.kind, c.after) } : {}),
    ...(c.attributes ? { attributes: maskAttrs(c.kind, c.attributes) } : {}),
    ...(c.drift ? { drift: maskAttrs(c.kind, c.drift) } : {}),
  };
}
