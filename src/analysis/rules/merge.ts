import type { Diagnostic } from "../../diagnostics";
import { suggestion } from "../../diagnostics/suggest";
import type { Rule } from "../context";
import { BUILTIN_FIELDS, FILTERS, parseMergeFields, PLATFORM_FIELDS } from "../merge-fields";
import { rangeInString } from "../text-range";

const TEXT_FIELDS = ["subject", "preheader", "from_name", "body", "url"] as const;

export const mergeFields: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  const props = ctx.env.properties;
  const declared = [...props.keys()];
  for (const [name, t] of ctx.all("template")) {
    const addr = `template.${name}`;
    for (const field of TEXT_FIELDS) {
      const value = t[field];
      if (typeof value !== "string") continue;
      const start = ctx.at(addr, [field]);
      const at = (offset: number, raw: string) => rangeInString(ctx.sources, start, value, offset, raw);
      const res = { kind: "template" as const, name };
      const { fields, problems } = parseMergeFields(value);
      for (const p of problems) {
        if (p.kind === "filter") {
          out.push(ctx.finding("merge/unknown-filter", "error", res, [field], `${p.message} in the ${field}`, {
            hint: suggestion(p.raw, Object.keys(FILTERS), "filters"), range: at(p.offset, p.raw), detail: { filter: p.raw },
          }));
        } else {
          out.push(ctx.finding("merge/bad-syntax", "error", res, [field], `${p.message} (in the ${field})`, {
            hint: p.hint, range: at(p.offset, p.raw), detail: { text: p.raw },
          }));
        }
      }
      for (const f of fields) {
        const spec = props.get(f.property);
        if (!spec) {
          if ((BUILTIN_FIELDS as readonly string[]).includes(f.property) || PLATFORM_FIELDS[ctx.provider ?? ""]?.includes(f.property)) continue;
          out.push(ctx.finding("merge/unknown-property", "error", res, [field],
            `merge field \`${f.raw}\` names \`${f.property}\`, which is not a declared property`, {
              hint: suggestion(f.property, declared, "properties"), range: at(f.offset, f.raw), detail: { property: f.property },
            }));
          continue;
        }
        if (spec.required || spec.fallback !== undefined || f.filters.some((x) => x.name === "default")) continue;
        out.push(ctx.finding("merge/no-fallback", "warning", res, [field],
          `\`${f.raw}\` has no fallback and \`${f.property}\` is not required: contacts without it get a blank`, {
            hint: `write {{ ${f.property} | default: "…" }}, or set \`fallback\` on property.${f.property}`,
            range: at(f.offset, f.raw), detail: { property: f.property },
          }));
      }
    }
  }
  return out;
};
