/**
 * The merge-field language of templates:
 *
 *   field   := "{{" ws property ws ( "|" ws filter ws )* "}}"
 *   filter  := name ( ":" ws argument )?
 *   name    := default | upcase | downcase | capitalize | date
 *   argument:= "text" | 'text' | number
 *
 * `default` and `date` need an argument (`date: "%B %d"`); the others take none.
 * Offsets are 0-based positions in the template string.
 */
export const FILTERS: Record<string, { arg: boolean }> = {
  default: { arg: true },
  upcase: { arg: false },
  downcase: { arg: false },
  capitalize: { arg: false },
  date: { arg: true },
};

/** Values every platform supplies itself; no property declaration needed. */
export const BUILTIN_FIELDS = ["unsubscribe_url", "preferences_url", "web_version_url"] as const;

/** Values one platform supplies in its own templates (a preference center page's form URL on Braze). */
export const PLATFORM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  braze: ["preference_center_submit_url"],
};

export interface Filter { name: string; arg?: string | number; offset: number }
export interface MergeField { offset: number; raw: string; property: string; filters: Filter[] }
export interface MergeProblem {
  offset: number;
  raw: string;
  /** `syntax`: will render literally or break the template. `filter`: unknown filter name. */
  kind: "syntax" | "filter";
  message: string;
  hint: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const EXAMPLE = '{{ first_name | default: "there" }}';

export function parseMergeFields(text: string): { fields: MergeField[]; problems: MergeProblem[] } {
  const fields: MergeField[] = [];
  const problems: MergeProblem[] = [];
  const covered: [number, number][] = [];
  let i = text.indexOf("{{");
  while (i >= 0) {
    const close = text.indexOf("}}", i + 2);
    const reopen = text.indexOf("{{", i + 2);
    const eol = text.indexOf("\n", i);
    const limit = Math.min(reopen < 0 ? Infinity : reopen, eol < 0 ? Infinity : eol, text.length);
    if (close < 0 || close > limit) {
      const single = text.indexOf("}", i + 2);
      const end = single >= 0 && single < limit ? single + 1 : limit;
      const raw = text.slice(i, end);
      problems.push({ offset: i, raw, kind: "syntax", message: `merge field \`${raw}\` is not closed with \`}}\`: it will be sent literally`, hint: `write ${EXAMPLE}` });
      covered.push([i, end]);
      i = reopen;
      continue;
    }
    const raw = text.slice(i, close + 2);
    covered.push([i, close + 2]);
    const parsed = parseInner(text.slice(i + 2, close), i + 2);
    if ("platform" in parsed) {
      i = text.indexOf("{{", close + 2);
      continue;
    }
    if ("problem" in parsed) problems.push({ ...parsed.problem, raw: parsed.problem.kind === "syntax" ? raw : parsed.problem.raw });
    else fields.push({ offset: i, raw, ...parsed });
    i = text.indexOf("{{", close + 2);
  }
  problems.push(...literalPlaceholders(text, covered));
  problems.sort((a, b) => a.offset - b.offset);
  return { fields, problems };
}

/**
 * A dotted path or a `${…}` expression (`{{ content_blocks.${footer} }}`,
 * `{{ site_settings.company_name }}`) is the platform's own template
 * language, not a merge field: it is neither checked nor reported.
 */
const PLATFORM_EXPRESSION = /^\s*(\$\{|[A-Za-z_][A-Za-z0-9_]*\s*\.)/;

function parseInner(inner: string, base: number):
  { property: string; filters: Filter[] } | { problem: MergeProblem } | { platform: true } {
  if (PLATFORM_EXPRESSION.test(inner)) return { platform: true };
  let pos = 0;
  const ws = () => { while (pos < inner.length && /\s/.test(inner[pos])) pos++; };
  const bad = (why: string): { problem: MergeProblem } => ({
    problem: { offset: base - 2, raw: "", kind: "syntax", message: `malformed merge field: ${why}`, hint: `write ${EXAMPLE}` },
  });
  ws();
  const id = IDENT.exec(inner.slice(pos));
  if (!id) return bad(inner.trim() ? `\`${inner.trim()}\` is not a property name` : "it names no property");
  const property = id[0];
  pos += property.length;
  const filters: Filter[] = [];
  ws();
  while (pos < inner.length) {
    if (inner[pos] !== "|") return bad(`unexpected \`${inner.slice(pos).trim()}\` after \`${property}\``);
    pos++;
    ws();
    const f = IDENT.exec(inner.slice(pos));
    if (!f) return bad("a `|` must be followed by a filter name");
    const name = f[0];
    const offset = base + pos;
    pos += name.length;
    ws();
    let arg: string | number | undefined;
    if (inner[pos] === ":") {
      pos++;
      ws();
      const m = /^("([^"\\]|\\.)*"|'[^']*'|-?[0-9]+(\.[0-9]+)?)/.exec(inner.slice(pos));
      if (!m) return bad(`filter \`${name}\` needs a quoted argument`);
      arg = m[0].startsWith('"') || m[0].startsWith("'") ? m[0].slice(1, -1) : Number(m[0]);
      pos += m[0].length;
      ws();
    }
    const known = FILTERS[name];
    if (!known) {
      return { problem: { offset, raw: name, kind: "filter", message: `unknown merge filter \`${name}\``, hint: "" } };
    }
    if (known.arg && arg === undefined) return bad(`filter \`${name}\` needs an argument, e.g. \`${name}: "…"\``);
    if (!known.arg && arg !== undefined) return bad(`filter \`${name}\` takes no argument`);
    filters.push({ name, arg, offset });
  }
  return { property, filters };
}

/**
 * Placeholders from other tools (`[FIRST_NAME]`, `%FIRSTNAME%`, `*|FNAME|*`,
 * `{first_name}`) that this platform will print as they are.
 */
function literalPlaceholders(text: string, covered: [number, number][]): MergeProblem[] {
  const out: MergeProblem[] = [];
  const inside = (at: number) => covered.some(([a, b]) => at >= a && at < b);
  const patterns: [RegExp, (m: RegExpExecArray) => boolean][] = [
    [/\[([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\]/g, (m) => /_|NAME|EMAIL/.test(m[1])],
    [/%([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)%/g, () => true],
    [/\*\|([A-Z0-9_]+)\|\*/g, () => true],
    [/(?<!\{)\{\s*([a-z_][a-z0-9_]*)\s*\}\}?(?!\})/g, () => true],
  ];
  for (const [re, accept] of patterns) {
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (inside(m.index) || !accept(m)) continue;
      out.push({
        offset: m.index, raw: m[0], kind: "syntax",
        message: `\`${m[0]}\` is not a merge field here: it will be sent literally`,
        hint: `write {{ ${m[1].toLowerCase()} | default: "…" }}`,
      });
    }
  }
  return out;
}
