import { parseDocument } from "yaml";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
const files = process.argv.slice(2);
for (const f of files) {
  const text = readFileSync(f, "utf8");
  const doc = parseDocument(text, { keepSourceTokens: false });
  const out = doc.toString({ lineWidth: 0 });
  console.log(f, out === text ? "SAME" : "DIFF");
  if (out !== text) {
    const a = text.split("\n"), b = out.split("\n");
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) { console.log(i + 1, JSON.stringify(a[i]), "=>", JSON.stringify(b[i])); break; }
  }
}
