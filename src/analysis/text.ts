/**
 * Strings that meet text patterns: every `contains` and `starts_with` asked
 * for, none of those ruled out. Decided exactly, not guessed: a character
 * that occurs in no pattern behaves like any other such character, so
 * strings over the patterns' characters and one more are enough; an
 * automaton over the `contains` patterns (Aho–Corasick) tracks which have
 * been seen, and the start of the string is checked against `starts_with`.
 * Its states are finite, so searching them breadth first finds the shortest
 * such string, or proves there is none.
 */
export interface TextPatterns {
  contains: string[];
  starts: string[];
  notContains: string[];
  notStarts: string[];
}

interface Node { next: Map<string, number>; fail: number; out: number }

/** Accepted strings, shortest first; once there is one there are infinitely many (more characters that match nothing). */
export function* textsMatching(p: TextPatterns, limit = 50_000): Generator<string, void, undefined> {
  const prefix = [...p.starts].sort((a, b) => b.length - a.length)[0] ?? "";
  if (p.starts.some((s) => !prefix.startsWith(s)) || p.notStarts.some((n) => prefix.startsWith(n))) return;
  // Ruled-out prefixes that extend the required one: what may not follow it.
  const barred = p.notStarts.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  if (p.notContains.includes("")) return;
  const contains = p.contains.filter((c) => c !== "");
  const patterns = [...new Set([...contains, ...p.notContains])];
  const want = mask(patterns, contains), avoid = mask(patterns, p.notContains);
  if (patterns.length > 30) return;
  const nodes = automaton(patterns);
  const step = (s: number, c: string): number => {
    for (let at = s; ; at = nodes[at]!.fail) {
      const n = nodes[at]!.next.get(c);
      if (n !== undefined) return n;
      if (at === 0) return 0;
    }
  };
  const chars = [...new Set([...patterns, ...p.starts, ...p.notStarts].join(""))].sort();
  const other = ["x", "y", "z", "q", "_", "0", "1"].find((c) => !chars.includes(c)) ?? String.fromCharCode(0xe000);
  const alphabet = [...chars, other];

  // Feed the required prefix.
  let s = 0, seen = 0;
  for (const c of prefix) {
    s = step(s, c);
    if (nodes[s]!.out & avoid) return;
    seen |= nodes[s]!.out;
  }
  /** `tail`: what follows the prefix, while it could still grow into a barred start; null once it cannot. */
  const start = { s, seen: seen & want, tail: barred.length ? "" : null, text: prefix };
  const queue = [start];
  const visited = new Set<string>([`${start.s}|${start.seen}|${start.tail}`]);
  let steps = 0;
  for (let i = 0; i < queue.length; i++) {
    const q = queue[i]!;
    if ((q.seen & want) === want) {
      for (let pad = ""; ; pad += other) yield q.text + pad;
    }
    for (const c of alphabet) {
      if (++steps > limit) return;
      let tail = q.tail === null ? null : q.tail + c;
      if (tail !== null) {
        if (barred.includes(tail)) continue;
        if (!barred.some((b) => b.startsWith(tail!))) tail = null;
      }
      const s2 = step(q.s, c);
      const out = nodes[s2]!.out;
      if (out & avoid) continue;
      const next = { s: s2, seen: (q.seen | out) & want, tail, text: q.text + c };
      const key = `${next.s}|${next.seen}|${next.tail}`;
      if (visited.has(key)) continue;
      visited.add(key);
      queue.push(next);
    }
  }
}

const mask = (all: string[], some: string[]): number => some.reduce((m, x) => m | (1 << all.indexOf(x)), 0);

/** The Aho–Corasick automaton: a trie with failure links; `out` says which patterns end at (or behind) each node. */
function automaton(patterns: string[]): Node[] {
  const nodes: Node[] = [{ next: new Map(), fail: 0, out: 0 }];
  patterns.forEach((pat, i) => {
    let at = 0;
    for (const c of pat) {
      let n = nodes[at]!.next.get(c);
      if (n === undefined) {
        n = nodes.push({ next: new Map(), fail: 0, out: 0 }) - 1;
        nodes[at]!.next.set(c, n);
      }
      at = n;
    }
    nodes[at]!.out |= 1 << i;
  });
  const order: number[] = [...nodes[0]!.next.values()];
  for (let i = 0; i < order.length; i++) {
    const at = order[i]!;
    for (const [c, n] of nodes[at]!.next) {
      let f = nodes[at]!.fail;
      while (f !== 0 && !nodes[f]!.next.has(c)) f = nodes[f]!.fail;
      const target = nodes[f]!.next.get(c);
      nodes[n]!.fail = target !== undefined && target !== n ? target : 0;
      nodes[n]!.out |= nodes[nodes[n]!.fail]!.out;
      order.push(n);
    }
  }
  return nodes;
}
