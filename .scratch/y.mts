import { parseDocument, isMap, isSeq, stringify } from "yaml";
const text = `a:
  b: [x, y]
  c: { d: 1, e: [1,2] }
  f:
    - g: 1
      h: 2   # comment
    - { i: 3 }
  # trailing comment
k: >-
  folded text
  more
`;
const doc = parseDocument(text);
const show = (p: any[]) => { const n: any = doc.getIn(p, true); console.log(JSON.stringify(p), n?.constructor?.name, n?.range, n?.flow, JSON.stringify(text.slice(n.range[0], n.range[1]))); };
show(["a"]); show(["a","b"]); show(["a","c"]); show(["a","f"]); show(["a","f",0]); show(["a","f",1]); show(["k"]);
const m: any = doc.getIn(["a"], true);
for (const p of m.items) console.log("key", p.key.range, JSON.stringify(text.slice(p.key.range[0], p.key.range[1])));
console.log(JSON.stringify(stringify("{{ x }}")), JSON.stringify(stringify("30d")), JSON.stringify(stringify("3")), JSON.stringify(stringify(true)), JSON.stringify(stringify("a: b")));
