import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from "yaml";
import { error, type Diagnostic, type SourceRange } from "../diagnostics";
import type { Locator, Target } from "./locator";
import type { SpecPath } from "./types";

export interface ParsedFile {
  file: string;
  /** The file as plain data; undefined when it could not be parsed. */
  value?: unknown;
  locator: Locator;
  diagnostics: Diagnostic[];
}

/** Parse one YAML stack file, keeping every value's position. */
export function parseYamlFile(file: string, text: string): ParsedFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  const range = (start: number, end: number): SourceRange => {
    const a = lines.linePos(start);
    const b = lines.linePos(Math.max(start, end));
    return { file, line: a.line, col: a.col, endLine: b.line, endCol: b.col };
  };
  const locator = yamlLocator(file, doc, range);
  // Report the first syntax error only: the ones after it are mostly its echoes.
  const firstSyntax = doc.errors.find((e) => e.code !== "DUPLICATE_KEY");
  const diagnostics: Diagnostic[] = doc.errors.filter((e) => e.code === "DUPLICATE_KEY" || e === firstSyntax).map((e) =>
    e.code === "DUPLICATE_KEY"
      ? error("MOPS110", "this key appears twice in the same mapping", {
          range: range(e.pos[0], e.pos[0] + (/^[^:\s]+/.exec(text.slice(e.pos[0]))?.[0].length ?? 1)),
          hint: "keep one; YAML gives no guarantee which one would win",
        })
      : error("MOPS002", `YAML syntax error: ${firstSentence(e.message)}`, {
          range: range(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)),
          hint: yamlHint(e.code, e.message),
        }),
  );
  if (diagnostics.length > 0) return { file, locator, diagnostics };
  return { file, value: doc.toJS({ maxAliasCount: 1000 }) ?? {}, locator, diagnostics };
}

function firstSentence(m: string): string {
  return m.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

function yamlHint(code: string, message: string): string | undefined {
  // The parser notices a mis-indented line only where the mapping it broke began: name the likely cause.
  if (/Nested mappings are not allowed in compact mappings|Sequence item without - indicator|All mapping items must start at the same column/.test(message)) {
    return "a line here or just below is indented differently from its siblings: keys of one mapping, and the `-` items of one list, must start in the same column";
  }
  if (code === "BAD_INDENT" || code === "MISSING_CHAR") return "check the indentation and that brackets and quotes are closed";
  if (code === "BLOCK_AS_IMPLICIT_KEY" || code === "MULTILINE_IMPLICIT_KEY") return "is a `:` missing, or a value that needs quotes?";
  if (code === "TAB_AS_INDENT") return "YAML indents with spaces, not tabs";
  return undefined;
}

function yamlLocator(file: string, doc: Document, range: (a: number, b: number) => SourceRange): Locator {
  const whole = (): SourceRange => ({ file, line: 1, col: 1, endLine: 1, endCol: 1 });
  const of = (n: Node | null | undefined): SourceRange | undefined => (n?.range ? range(n.range[0], n.range[1]) : undefined);
  const deref = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  return {
    file,
    locate(path: SpecPath, target: Target = "value"): SourceRange {
      let node = deref(doc.contents) as Node | null;
      let lastKey: Node | undefined;
      let best = of(node) ?? whole();
      for (let i = 0; i < path.length; i++) {
        const seg = path[i];
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((p: Pair) => keyText(p.key) === String(seg));
          if (!pair) return lastKey ? (of(lastKey) ?? best) : best;
          lastKey = pair.key as Node;
          if (last && target === "key") return of(lastKey) ?? best;
          node = deref(pair.value) as Node | null;
          best = of(node) ?? of(lastKey) ?? best;
        } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
          node = deref(node.items[seg]) as Node | null;
          lastKey = undefined;
          best = of(node) ?? best;
        } else {
          return best;
        }
      }
      return best;
    },
  };
}

function keyText(k: unknown): string | undefined {
  return isScalar(k) ? String(k.value) : undefined;
}
