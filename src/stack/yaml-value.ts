import { isAlias, isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import { error, type Diagnostic, type SourceRange } from "../diagnostics";
import { count, LIMITS } from "./limits";

type Place = (start: number, end: number) => SourceRange;
type Collection = YAMLMap | YAMLSeq;

/** Where a finished value goes in the collection being built. */
type Slot = { key: string } | { merge: Node };

interface Frame {
  node: Collection;
  out: Record<string, unknown> | unknown[];
  /** Next item to convert. */
  i: number;
  /** Values this collection expands to (itself included), aliases expanded. */
  size: number;
  /** Keys written in this mapping itself (merged keys may be overwritten by them). */
  keys: Set<string>;
  parent?: Frame;
  slot?: Slot;
}

export interface YamlValue {
  value?: unknown;
  /** What each alias stands for, for locating values reached through one. */
  aliases: Map<Node, Node>;
  diagnostics: Diagnostic[];
}

const DUPLICATE_HINT = "keep one; YAML gives no guarantee which one would win";
const DATA = "stack values are text, numbers, true/false, null, lists and mappings";

/**
 * The plain data of a parsed YAML document, in one pass without recursion.
 * The `yaml` package's own conversion throws on a dangling alias or a bad
 * merge key (no position), counts aliases with a heuristic that rejects a
 * file using one anchor 1,000 times, and resolves each alias by scanning the
 * document (quadratic). Here every alias is resolved through a map of the
 * anchors seen so far (YAML's rule: the last `&name` before it), each problem
 * is a diagnostic at its node, and the values aliases add are counted exactly,
 * so "billion laughs" stops at the alias that crosses the limit.
 */
export function toYamlValue(root: Node | null | undefined, place: Place): YamlValue {
  const diagnostics: Diagnostic[] = [];
  const aliases = new Map<Node, Node>();
  const anchors = new Map<string, Node>();
  const firstAnchor = new Map<string, number>();
  const results = new Map<Node, { value: unknown; size: number }>();
  const open = new Set<Node>();
  const dangling: Node[] = [];
  let added = 0;
  let stopped = false;
  const at = (n: Node) => place(n.range![0], n.range![1]);

  const anchor = (n: Node) => {
    const name = (n as { anchor?: string }).anchor;
    if (!name) return;
    anchors.set(name, n);
    if (!firstAnchor.has(name)) firstAnchor.set(name, n.range![0]);
  };

  /** A scalar or alias, converted now; a collection gets a frame and is converted item by item. */
  const enter = (n: Node | null, parent: Frame | undefined, slot: Slot | undefined): { value: unknown; size: number } | Frame => {
    if (n === null || n === undefined) return { value: null, size: 1 };
    if (isAlias(n)) return alias(n);
    anchor(n);
    if (isMap(n) || isSeq(n)) {
      open.add(n);
      return { node: n, out: isMap(n) ? {} : [], i: 0, size: 1, keys: new Set(), parent, slot };
    }
    const r = isScalar(n) ? scalar(n) : { value: null, size: 1 };
    if ((n as { anchor?: string }).anchor) results.set(n, r);
    return r;
  };

  const alias = (n: Node & { source: string }): { value: unknown; size: number } => {
    const target = anchors.get(n.source);
    if (!target) {
      dangling.push(n);
      return { value: null, size: 1 };
    }
    if (open.has(target)) {
      diagnostics.push(
        error("MOPS008", `\`*${n.source}\` is inside the value it names: it would repeat forever`, {
          range: at(n),
          hint: `an alias can only name a value that ends before it; move \`*${n.source}\` out of \`&${n.source}\``,
        }),
      );
      return { value: null, size: 1 };
    }
    aliases.set(n, target);
    const r = results.get(target)!;
    added += r.size;
    if (added > LIMITS.aliasValues) {
      stopped = true;
      diagnostics.push(
        error("MOPS008", `aliases in this file expand to more than ${count(LIMITS.aliasValues)} values; this one adds ${count(r.size)}`, {
          range: at(n),
          hint: "each alias copies the whole value it names, and aliases of aliases multiply: write the values out, or repeat less",
        }),
      );
    }
    return r;
  };

  const scalar = (n: Scalar): { value: unknown; size: number } => {
    const v = n.value;
    if (typeof v === "number" && !Number.isFinite(v)) {
      diagnostics.push(error("MOPS101", `\`${n.source ?? String(v)}\` is not a finite number`, { range: at(n), hint: `write a number, or quote it to make it text; ${DATA}` }));
      return { value: null, size: 1 };
    }
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return { value: v, size: 1 };
    const what = v instanceof Date ? "a timestamp" : v instanceof Uint8Array ? "binary data" : `a ${typeof v}`;
    diagnostics.push(error("MOPS101", `a YAML tag makes this value ${what}`, { range: at(n), hint: `remove the tag, or quote the value; ${DATA}` }));
    return { value: null, size: 1 };
  };

  /** The text of a mapping key, or undefined (reported) when it is a list or a mapping. */
  const keyOf = (k: unknown): string | undefined => {
    if (k === null || k === undefined) return "";
    const node = isAlias(k) ? (alias(k as Node & { source: string }), aliases.get(k as Node)) : (k as Node);
    if (isAlias(k) && !node) return "";
    if (isScalar(node)) {
      if (!isAlias(k)) anchor(node);
      const v = node.value;
      return v === null ? "" : String(v);
    }
    diagnostics.push(error("MOPS101", "a mapping key must be text, not a list or a mapping", { range: at(k as Node), hint: "write the key as a plain word: `name:`" }));
    return undefined;
  };

  const put = (f: Frame, slot: Slot | undefined, value: unknown, size: number) => {
    f.size += size;
    if (Array.isArray(f.out)) f.out.push(value);
    else if (slot && "key" in slot) Object.defineProperty(f.out, slot.key, { value, writable: true, enumerable: true, configurable: true });
    else if (slot) merge(f.out, slot.merge, value);
  };

  /** `<<: *defaults` or `<<: [*a, *b]`: keys the mapping does not set itself, the first source winning. */
  const merge = (out: Record<string, unknown>, node: Node, value: unknown) => {
    if (isAlias(node) && !aliases.has(node)) return; // reported as dangling
    const source = isAlias(node) ? aliases.get(node)! : node;
    const named = isAlias(node) ? `\`*${(node as { source: string }).source}\` names` : "this is";
    const parts: [Node, unknown][] = isSeq(source) ? source.items.map((it, k) => [it as Node, (value as unknown[])[k]]) : [[node, value]];
    const mapOf = (n: Node) => (isAlias(n) ? aliases.get(n) : n);
    const bad = (where: Node, what: string): void => {
      diagnostics.push(
        error("MOPS008", `\`<<\` merges mappings, but ${what}`, { range: at(where), hint: "merge an alias of a mapping: `<<: *defaults` (or a list of them: `<<: [*a, *b]`)" }),
      );
    };
    // A list behind an alias is judged as a whole, at the alias: its items are elsewhere.
    if (isSeq(source) && isAlias(node) && !parts.every(([n]) => isMap(mapOf(n)))) return bad(node, `${named} a list of other things`);
    for (const [itemNode, itemValue] of parts) {
      if (isAlias(itemNode) && !aliases.has(itemNode)) continue;
      const item = mapOf(itemNode)!;
      if (!isMap(item)) {
        bad(itemNode, `${isAlias(itemNode) ? `\`*${(itemNode as { source: string }).source}\` names` : "this is"} ${isSeq(item) ? "a list" : "a single value"}`);
        continue;
      }
      for (const [k, v] of Object.entries(itemValue as Record<string, unknown>)) {
        if (!Object.prototype.hasOwnProperty.call(out, k)) Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
      }
    }
  };

  const top = enter(root ?? null, undefined, undefined);
  let result: unknown;
  if (!("node" in top)) result = top.value;
  else {
    const stack: Frame[] = [top];
    while (stack.length > 0 && !stopped) {
      const f = stack[stack.length - 1]!;
      if (f.i >= f.node.items.length) {
        stack.pop();
        open.delete(f.node);
        const r = { value: f.out, size: f.size };
        if ((f.node as { anchor?: string }).anchor) results.set(f.node, r);
        if (f.parent) put(f.parent, f.slot, r.value, r.size);
        else result = r.value;
        continue;
      }
      const item = f.node.items[f.i++];
      let child: Node | null;
      let slot: Slot | undefined;
      if (isMap(f.node)) {
        const pair = item as Pair<unknown, unknown>;
        const mergeKey = isScalar(pair.key) && typeof pair.key.value === "symbol";
        if (mergeKey) slot = { merge: (pair.value ?? null) as Node };
        else {
          const key = keyOf(pair.key);
          if (key === undefined) continue;
          if (f.keys.has(key)) {
            diagnostics.push(error("MOPS110", "this key appears twice in the same mapping", { range: at(pair.key as Node), hint: DUPLICATE_HINT }));
            continue;
          }
          f.keys.add(key);
          slot = { key };
        }
        child = (pair.value ?? null) as Node | null;
        if (mergeKey && child === null) {
          diagnostics.push(error("MOPS008", "`<<` merges nothing here", { range: at(pair.key as Node), hint: "merge an alias of a mapping: `<<: *defaults`" }));
          continue;
        }
      } else child = (item ?? null) as Node | null;
      const c = enter(child, f, slot);
      if ("node" in c) stack.push(c);
      else put(f, slot, c.value, c.size);
    }
  }

  for (const n of dangling) {
    const name = (n as { source: string }).source;
    const later = firstAnchor.get(name);
    diagnostics.push(
      error("MOPS008", `\`*${name}\` names no anchor`, {
        range: at(n),
        hint:
          later !== undefined
            ? `\`&${name}\` is set later, at line ${place(later, later).line}: an anchor must come before its aliases`
            : `set \`&${name}\` on a value above this line (e.g. \`x-${name}: &${name} …\`); anchors belong to one file`,
      }),
    );
  }
  return diagnostics.length > 0 ? { aliases, diagnostics } : { value: result, aliases, diagnostics };
}
