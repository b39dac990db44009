import type { SourceRange } from "../diagnostics";
import type { SourceIndex } from "../diagnostics";

/**
 * The range of a piece of a string value (`raw`, found at `offset` in the
 * value) inside the file: found by searching the file from where the value
 * starts, so plain, quoted and block scalars all work as long as the piece's
 * first characters are written verbatim (escapes come after them).
 */
export function rangeInString(
  sources: SourceIndex | undefined, start: SourceRange | undefined, value: string, offset: number, raw: string,
): SourceRange | undefined {
  if (!start || !sources) return start;
  const text = sources.text(start.file);
  if (text === undefined) return start;
  const cut = raw.search(/["'\\\n]/);
  const probe = cut > 0 ? raw.slice(0, cut) : raw.slice(0, Math.max(1, Math.min(2, raw.length)));
  let nth = 0;
  for (let i = value.indexOf(probe); i >= 0 && i < offset; i = value.indexOf(probe, i + 1)) nth++;
  const lines = text.split("\n");
  let pos = lines.slice(0, start.line - 1).reduce((s, l) => s + l.length + 1, 0) + start.col - 1;
  pos = text.indexOf(probe, pos);
  for (let k = 0; k < nth && pos >= 0; k++) pos = text.indexOf(probe, pos + 1);
  if (pos < 0) return start;
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  const oneLine = raw.split("\n")[0];
  return { file: start.file, line, col, endLine: line, endCol: col + oneLine.length };
}
