import { isCollection, isMap, isScalar, isSeq, parseDocument, stringify, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";

/**
 * Edits to a YAML file that leave every other byte as it was: comments,
 * blank lines, quoting, flow or block style, folded text. The yaml
 * package's Document API finds where each node is written; only the text
 * of the node that changes is replaced, and new values are written in the
 * file's own manner (block mappings, one flow item per list line).
 */

export type YamlPath = readonly (string | number)[];
export interface YamlEdit { path: YamlPath; op: "set" | "append" | "remove"; value?: unknown }

/** Apply edits in order; an edit that cannot apply (a path through a scalar) is an error naming the path. */
export function editYaml(text: string, edits: readonly YamlEdit[]): { text: string } | { error: string } {
  let out = text;
  for (const e of edits) {
    const r = editOnce(out, e);
    if ("error" in r) return r;
    out = r.text;
  }
  return { text: out };
}

type Parent = YAMLMap | YAMLSeq;

function editOnce(text: string, e: YamlEdit): { text: string } | { error: string } {
  const doc = parseDocument(text);
  const bad = (why: string) => ({ error: `cannot ${e.op} ${e.path.join(".")}: ${why}` });
  // Walk as far as the path exists.
  let node: unknown = doc.contents;
  let depth = 0;
  const parents: Parent[] = [];
  for (; depth < e.path.length; depth++) {
    const seg = e.path[depth]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      parents.push(node);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
      parents.push(node);
      node = node.items[seg];
    } else if (isCollection(node) || node === null || node === undefined) {
      break;
    } else return bad("a value on the way is not a mapping");
  }
  const found = depth === e.path.length;
  const splice = (from: number, to: number, insert: string) => ({ text: text.slice(0, from) + insert + text.slice(to) });

  if (e.op === "remove") {
    if (!found) return { text };
    // Removing the only entry of a block mapping would leave `key:` with nothing (null): remove the key instead.
    let at = e.path.length;
    while (at > 1 && isMap(parents[at - 1]) && !parents[at - 1]!.flow && parents[at - 1]!.items.length === 1 && isMap(parents[at - 2])) at--;
    const holder = at === e.path.length ? node : (parents[at] as unknown);
    return removeNode(text, parents[at - 1]!, e.path[at - 1]!, holder as Node, splice);
  }
  const parent = parents[parents.length - 1];
  const empty = node === null || (isScalar(node) && node.value === null);
  if (found && empty && isMap(parent)) {
    // `key:` with nothing after it: write the value after the colon.
    const pair = parent.items.find((p) => p.value === node)!;
    const colon = text.indexOf(":", (pair.key as Node).range![1]) + 1;
    const value = e.op === "append" ? [e.value] : e.value;
    return splice(colon, lineEnd(text, colon) - 1, renderBlock(value, column(text, (pair.key as Node).range![0]) + 2));
  }
  if (e.op === "append" && found) {
    if (!isSeq(node)) return bad("it is not a list");
    return appendItem(text, node, e.value, splice);
  }
  if (e.op === "set" && found) {
    const n = node as Node;
    const [start, end] = n.range!;
    if (isScalar(n) && typeof n.value === "string" && typeof e.value === "string") {
      const inPlace = retouch(text.slice(start, end), n.value, e.value, n.type);
      if (inPlace !== undefined) return splice(start, end, inPlace);
    }
    // Block text ends on the next line's start: keep that line break.
    if (!isCollection(n) || n.flow) return splice(start, text[end - 1] === "\n" ? end - 1 : end, renderFlow(e.value));
    // A block collection's text runs to the next line's start. A list item becomes one flow line;
    // a mapping's value is rewritten as block lines under its key.
    const stop = blockEnd(text, end) - 1;
    if (isSeq(parent)) return splice(start, stop, renderFlow(e.value));
    return splice(lineStart(text, start) - 1, stop, renderBlock(e.value, column(text, start)));
  }
  // The path ends in keys that do not exist yet: create them under the deepest mapping that does.
  const missing = e.path.slice(depth);
  if (missing.some((s) => typeof s === "number")) return bad("list items are only added by `append`");
  const value = missing.slice(1).reduceRight<unknown>((v, k) => ({ [k]: v }), e.op === "append" ? [e.value] : e.value);
  const key = String(missing[0]);
  const into = (depth === 0 ? doc.contents : node) as unknown;
  if (into !== null && into !== undefined && !isMap(into)) return bad("a value on the way is not a mapping");
  if (!into) return { text: `${text}${text.endsWith("\n") || text === "" ? "" : "\n"}${key}:${renderBlock(value, 2)}\n` };
  return addPair(text, into as YAMLMap, key, value, splice);
}

type Splice = (from: number, to: number, insert: string) => { text: string };

/**
 * A text value changed in one place (a misspelt merge field), changed in
 * its source the same way, so a quoted or block scalar keeps its style.
 * Undefined when the changed part is not written verbatim exactly once, or
 * the new part would need escaping there.
 */
function retouch(source: string, before: string, after: string, type: string | undefined): string | undefined {
  let a = 0;
  while (a < before.length && a < after.length && before[a] === after[a]) a++;
  let b = 0;
  while (b < before.length - a && b < after.length - a && before[before.length - 1 - b] === after[after.length - 1 - b]) b++;
  const removed = before.slice(a, before.length - b), inserted = after.slice(a, after.length - b);
  // Widen to the surrounding run of non-blank characters, so the piece found in the source is the one meant.
  const word = /\S/;
  let lo = a, hi = before.length - b;
  while (lo > 0 && word.test(before[lo - 1]!)) lo--;
  while (hi < before.length && word.test(before[hi]!)) hi++;
  const oldPiece = before.slice(lo, hi), newPiece = before.slice(lo, a) + inserted + before.slice(before.length - b, hi);
  if (!oldPiece || (!removed && !inserted) || /\n/.test(newPiece)) return undefined;
  const unsafe = type === "QUOTE_DOUBLE" ? /["\\]/ : type === "QUOTE_SINGLE" ? /'/ : type === "PLAIN" ? /[#:]\s|^[\s-]/ : /$^/;
  if (unsafe.test(newPiece)) return undefined;
  const at = source.indexOf(oldPiece);
  if (at < 0 || source.indexOf(oldPiece, at + 1) >= 0) return undefined;
  return source.slice(0, at) + newPiece + source.slice(at + oldPiece.length);
}

function addPair(text: string, map: YAMLMap, key: string, value: unknown, splice: Splice): { text: string } {
  const [start, end] = map.range!;
  if (map.flow || map.items.length === 0) {
    const close = text.lastIndexOf("}", end);
    const last = map.items[map.items.length - 1];
    const at = last ? nodeEnd(last) : close;
    return splice(at, at, `${last ? ", " : " "}${key}: ${renderFlow(value)}${last ? "" : " "}`);
  }
  const indent = column(text, start);
  const at = blockEnd(text, end);
  return splice(at, at, `${at > 0 && text[at - 1] !== "\n" ? "\n" : ""}${" ".repeat(indent)}${key}:${renderBlock(value, indent + 2)}\n`);
}

function appendItem(text: string, seq: YAMLSeq, value: unknown, splice: Splice): { text: string } {
  const [start, end] = seq.range!;
  if (seq.flow || seq.items.length === 0) {
    const last = seq.items[seq.items.length - 1] as Node | undefined;
    const at = last ? last.range![1] : text.indexOf("[", start) + 1;
    return splice(at, at, `${last ? ", " : ""}${renderFlow(value)}`);
  }
  const first = seq.items[0] as Node;
  const dash = text.lastIndexOf("-", first.range![0]);
  const indent = column(text, dash);
  const at = blockEnd(text, end);
  return splice(at, at, `${at > 0 && text[at - 1] !== "\n" ? "\n" : ""}${" ".repeat(indent)}- ${renderFlow(value)}\n`);
}

function removeNode(text: string, parent: Parent, key: string | number, node: Node, splice: Splice): { text: string } {
  const index = isMap(parent) ? parent.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === String(key)) : (key as number);
  const item = parent.items[index] as Pair | Node;
  if (parent.flow) {
    const items = parent.items as (Pair | Node)[];
    const from = index > 0 ? nodeEnd(items[index - 1]!) : itemStart(item);
    const to = index > 0 ? nodeEnd(item) : index + 1 < items.length ? itemStart(items[index + 1]!) : nodeEnd(item);
    return splice(from, to, "");
  }
  const first = isMap(parent) ? ((item as Pair).key as Node).range![0] : text.lastIndexOf("-", node.range![0]);
  const end = isCollection(node) && !node.flow ? blockEnd(text, node.range![1]) : lineEnd(text, node.range![1]);
  return splice(lineStart(text, first), end, "");
}

const itemStart = (x: Pair | Node): number => ("key" in x && x.key ? (x.key as Node).range![0] : (x as Node).range![0]);
const nodeEnd = (x: Pair | Node): number => ("value" in x && "key" in x ? ((x.value ?? x.key) as Node).range![1] : (x as Node).range![1]);
const lineStart = (text: string, at: number): number => text.lastIndexOf("\n", at - 1) + 1;
const column = (text: string, at: number): number => at - lineStart(text, at);
/** Just past the end of the line holding `at` (its newline included). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf("\n", at);
  return nl < 0 ? text.length : nl + 1;
}
/** Where a block collection's text ends: its range ends on a line start, or at the end of the file. */
const blockEnd = (text: string, end: number): number => (end > 0 && text[end - 1] !== "\n" ? lineEnd(text, end) : end);

/** A scalar as YAML writes it on one line (quoted only when it must be; text with line breaks in double quotes). */
const scalar = (v: unknown): string => (typeof v === "string" && v.includes("\n") ? JSON.stringify(v) : stringify(v).trimEnd());

/** One line: `{ a: 1, b: [x, y] }` for mappings, `[x, y]` for lists. */
export function renderFlow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(renderFlow).join(", ")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return entries.length ? `{ ${entries.map(([k, x]) => `${scalar(k)}: ${renderFlow(x)}`).join(", ")} }` : "{}";
  }
  return scalar(v);
}

/**
 * The text after `key:` for a value in block context, at `indent`: a
 * scalar or a list of scalars on the same line, a mapping as indented lines,
 * a list of mappings as `- { … }` lines.
 */
function renderBlock(v: unknown, indent: number): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(v)) {
    if (v.every((x) => !x || typeof x !== "object")) return ` ${renderFlow(v)}`;
    return v.map((x) => `\n${pad}- ${renderFlow(x)}`).join("");
  }
  if (v && typeof v === "object") {
    return Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `\n${pad}${scalar(k)}:${renderBlock(x, indent + 2)}`).join("");
  }
  return ` ${scalar(v)}`;
}
