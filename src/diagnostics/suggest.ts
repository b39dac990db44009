import { distance } from "fastest-levenshtein";

/** The candidate closest to `word`, when it is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 3));
  return bestD <= limit ? best : undefined;
}

/** "did you mean `x`?", else a short list of what exists, else what to do. */
export function suggestion(word: string, candidates: readonly string[], what: string): string {
  const c = closest(word, candidates);
  if (c) return `did you mean \`${c}\`?`;
  if (candidates.length === 0) return `no ${what} are declared`;
  const shown = candidates.slice(0, 8).map((x) => `\`${x}\``).join(", ");
  return `declared ${what}: ${shown}${candidates.length > 8 ? `, … (${candidates.length} in all)` : ""}`;
}

/** A value in backticks for a message, cut to 60 characters: a generated 16 KB value must not be repeated in every message. */
export const quote = (v: unknown): string => `\`${clip(typeof v === "string" ? v : String(JSON.stringify(v)))}\``;

export const clip = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** `Cart Recovery` -> `cart_recovery`: a lower_snake_case name ("" when nothing is left). */
export function snakeCase(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "");
}
