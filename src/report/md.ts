/**
 * Markdown building blocks shared by the PR comment and the inventory table.
 * Stack text is user input: it must not open HTML (a stray `<!--` would hide
 * the rest of a comment) nor break a table row.
 */

/** Text for a markdown paragraph: HTML escaped outside `code spans`, one line. */
export function mdText(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, " ")
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : part.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("");
}

/** Lines of text as a list nested in a list item: numbered lines ("2. Click …") stay numbered, the others are bullets. */
export function mdNestedLines(lines: readonly string[], indent = "  "): string {
  return lines.map((l) => `${indent}${/^\d+\. /.test(l) ? "" : "- "}${mdText(l)}`).join("\n");
}

/** Text for a table cell: also keeps `|` from ending the cell (inside code spans too, as GitHub requires). */
export const mdCell = (text: string): string => mdText(text).replace(/\|/g, "\\|");

/** An inline code span that survives backticks in its content. */
export function code(text: string): string {
  const one = text.replace(/[\r\n]+/g, " ");
  const longest = Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = one.startsWith("`") || one.endsWith("`") ? " " : "";
  return `${ticks}${pad}${one}${pad}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run inside (template bodies may contain ```). */
export function fence(lang: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const f = "`".repeat(longest + 1);
  return `${f}${lang}\n${body.endsWith("\n") ? body : `${body}\n`}${f}`;
}

/** Escape for HTML text and attribute values. */
export const html = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
