import type { Code, Html, Nodes, Root, Table } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";

/**
 * A comment as GitHub's markdown (GFM) reads it, checked for what breaks a
 * pull-request comment: a table row with a cell too many or too few (a `|`
 * in user text), a table line outside any table (a broken row), an unclosed
 * `<details>` (everything after it collapses), a stray `<!--` (everything
 * after it disappears). Returns the mermaid blocks, for Mermaid's parser.
 */
export function checkComment(md: string): { mermaid: string[]; tables: number; details: number } {
  const tree = fromMarkdown(md, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const problems: string[] = [];
  const tables: Table[] = [];
  const html: Html[] = [];
  const code: Code[] = [];
  const walk = (n: Nodes) => {
    if (n.type === "table") tables.push(n);
    if (n.type === "html") html.push(n);
    if (n.type === "code") code.push(n);
    if ("children" in n) for (const c of n.children) walk(c as Nodes);
  };
  walk(tree as Root);

  for (const t of tables) {
    const width = t.children[0]!.children.length;
    t.children.forEach((row, i) => {
      if (row.children.length !== width) problems.push(`table at line ${t.position!.start.line}: row ${i} has ${row.children.length} cells, the header ${width}`);
    });
  }
  const inTable = (line: number) => tables.some((t) => t.position!.start.line <= line && line <= t.position!.end.line);
  const inCode = (line: number) => code.some((c) => c.position!.start.line <= line && line <= c.position!.end.line);
  md.split("\n").forEach((l, i) => {
    if (l.startsWith("| ") && !inTable(i + 1) && !inCode(i + 1)) problems.push(`line ${i + 1} looks like a table row but is not in a table: ${l.slice(0, 80)}`);
  });

  let open = 0;
  for (const h of html) {
    open += (h.value.match(/<details>/g) ?? []).length - (h.value.match(/<\/details>/g) ?? []).length;
    if (open < 0) problems.push(`</details> without <details> at line ${h.position!.start.line}`);
    if (h.value.includes("<!--") && !(h.position!.start.line === 1 && /^<!-- mops-plan:\S+ -->$/.test(h.value))) {
      problems.push(`an HTML comment at line ${h.position!.start.line} hides what follows it`);
    }
  }
  if (open !== 0) problems.push(`${open} <details> not closed`);
  if (problems.length) throw new Error(`not well-formed GFM:\n${problems.join("\n")}`);
  return { mermaid: code.filter((c) => c.lang === "mermaid").map((c) => c.value), tables: tables.length, details: html.filter((h) => h.value.startsWith("<details>")).length };
}
