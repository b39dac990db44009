import type { Diagnostic, Fix } from "../../diagnostics";
import { closest, suggestion } from "../../diagnostics/suggest";
import type { PropertySpec } from "../../model";
import type { Rule } from "../context";
import { BUILTIN_FIELDS, FILTERS, parseMergeFields, PLATFORM_FIELDS } from "../merge-fields";
import { rangeInString } from "../text-range";

const TEXT_FIELDS = ["subject", "preheader", "from_name", "body", "url"] as const;

/** What other template languages call our filters (Jinja, Handlebars helpers, spreadsheets). */
const FILTER_NAMES_ELSEWHERE: Record<string, string> = {
  upper: "upcase", uppercase: "upcase", lower: "downcase", lowercase: "downcase", capitalise: "capitalize", title: "capitalize",
  fallback: "default", default_value: "default", format_date: "date",
};

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
      /** The field with `raw` (at `offset`) written as one of `candidates`: the first that parses and prints something for everyone. */
      const rewrite = (offset: number, raw: string, candidates: (string | undefined)[]): Fix[] => {
        for (const c of candidates) {
          if (c === undefined) continue;
          const fixed = value.slice(0, offset) + c + value.slice(offset + raw.length);
          if (!holds(fixed, offset, c.length, props)) continue;
          return [{ title: `write ${c}`, safe: true, edits: [{ address: addr, path: [field], op: "set", value: fixed }] }];
        }
        return [];
      };
      for (const p of problems) {
        if (p.kind === "filter") {
          const near = FILTER_NAMES_ELSEWHERE[p.raw.toLowerCase()] ?? closest(p.raw, Object.keys(FILTERS));
          out.push(ctx.finding("merge/unknown-filter", "error", res, [field], `${p.message} in the ${field}`, {
            hint: near ? `did you mean \`${near}\`?` : suggestion(p.raw, Object.keys(FILTERS), "filters"), range: at(p.offset, p.raw), detail: { filter: p.raw },
            fixes: rewrite(p.offset, p.raw, [near]),
          }));
        } else {
          // An unclosed field closed, or another tool's placeholder as a field of the property it names.
          const inner = /[A-Za-z_][A-Za-z0-9_]*/.exec(p.raw.replace(/^[^A-Za-z_]*/, ""))?.[0]?.toLowerCase();
          out.push(ctx.finding("merge/bad-syntax", "error", res, [field], `${p.message} (in the ${field})`, {
            hint: p.hint, range: at(p.offset, p.raw), detail: { text: p.raw },
            fixes: rewrite(p.offset, p.raw, [p.raw.startsWith("{{") ? `${p.raw}}` : undefined, inner ? `{{ ${inner} }}` : undefined]),
          }));
        }
      }
      for (const f of fields) {
        const spec = props.get(f.property);
        if (!spec) {
          if ((BUILTIN_FIELDS as readonly string[]).includes(f.property) || PLATFORM_FIELDS[ctx.provider ?? ""]?.includes(f.property)) continue;
          const near = closest(f.property, declared);
          out.push(ctx.finding("merge/unknown-property", "error", res, [field],
            `merge field \`${f.raw}\` names \`${f.property}\`, which is not a declared property`, {
              hint: suggestion(f.property, declared, "properties"), range: at(f.offset, f.raw), detail: { property: f.property },
              fixes: near ? rewrite(f.offset, f.raw, [f.raw.replace(f.property, near)]) : [],
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

/** Is the text from `offset` (`length` long) inside a well-formed field that prints something for every contact? */
function holds(text: string, offset: number, length: number, props: ReadonlyMap<string, PropertySpec>): boolean {
  const { fields, problems } = parseMergeFields(text);
  const f = fields.find((x) => x.offset <= offset && offset + length <= x.offset + x.raw.length);
  if (!f || problems.some((p) => p.offset >= f.offset && p.offset < f.offset + f.raw.length)) return false;
  if ((BUILTIN_FIELDS as readonly string[]).includes(f.property)) return true;
  const spec = props.get(f.property);
  return !!spec && (spec.required === true || spec.fallback !== undefined || f.filters.some((x) => x.name === "default"));
}
