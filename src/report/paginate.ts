/**
 * Markdown too long for one pull-request comment, laid out over numbered
 * comments instead of being cut: GitHub refuses a comment over 65,536
 * characters. A comment that starts inside a section repeats its headings
 * (marked "continued"), and one that starts inside a table repeats the
 * table's header, so every comment reads, and parses, on its own.
 */

export interface Block {
  text: string;
  /** Headings the block sits under, outermost first. */
  path?: readonly string[];
  /** Blocks of one run (a table's rows, a list's items) follow each other line by line. */
  row?: string;
  /** Lines that open the run (a table's header): repeated when a comment starts inside it. */
  header?: string;
  /** 0 or absent: always kept. Higher numbers are dropped first when there would be too many comments. */
  drop?: number;
  /** Shown instead when the block alone does not fit in a comment. */
  fallback?: string;
}

export interface Section {
  blocks: Block[];
  /** What stands where blocks were dropped, given how many. */
  dropped?: (n: number) => Block;
}

export interface PageOptions {
  /** Characters per comment. */
  limit: number;
  /** Comments at most, unless what must be kept needs more. */
  maxComments: number;
  /** The hidden first line of comment `k` (from 1): what the posting script finds it by; none when empty. */
  marker: (k: number) => string;
  /** Names the document at the top of every comment after the first. */
  title: string;
}

const CONTINUED = " (continued)";
/** Room for the part line and the title of a continuation, whatever the number of comments. */
const PART_ROOM = 120;

const partLine = (k: number, n: number) => `<sub>Part ${k} of ${n}${k < n ? "; continued in the next comment" : ""}.</sub>`;

/**
 * The sections as comments: everything when it fits in `maxComments`;
 * otherwise the blocks that may go are dropped (highest `drop` first, from
 * the end), and each section says how many of its blocks it lost.
 */
export function comments(sections: readonly Section[], o: PageOptions): string[] {
  const dropped = new Set<Block>();
  const all = sections.flatMap((s) => s.blocks);
  for (;;) {
    const flat = sections.flatMap((s) => {
      const kept = s.blocks.filter((b) => !dropped.has(b));
      const n = s.blocks.length - kept.length;
      return n && s.dropped ? [...kept, s.dropped(n)] : kept;
    });
    const pages = paginate(flat, o);
    if (pages.length <= o.maxComments) return pages;
    const over = pages.slice(o.maxComments).reduce((n, p) => n + p.length, 0);
    const candidates = all
      .map((b, i) => ({ b, i }))
      .filter(({ b }) => (b.drop ?? 0) > 0 && !dropped.has(b))
      .sort((x, y) => y.b.drop! - x.b.drop! || y.i - x.i);
    if (!candidates.length) return pages;
    let freed = 0;
    for (const { b } of candidates) {
      dropped.add(b);
      freed += b.text.length + 2;
      if (freed >= over) break;
    }
  }
}

/** Blocks in order, as many to a comment as fit. */
export function paginate(blocks: readonly Block[], o: PageOptions): string[] {
  const bodies: string[][] = [];
  const started = new Set<string>();
  let page: string[] = [];
  let used = 0;
  let room = 0;
  let prev: Block | undefined;

  const newPage = () => {
    if (page.length) bodies.push(page);
    page = [];
    used = 0;
    room = o.limit - o.marker(bodies.length + 1).length - PART_ROOM - o.title.length;
    prev = undefined;
  };
  /** What goes before `b` on this page: the headings that change, a table header. */
  const lead = (b: Block): string[] => {
    const out: string[] = [];
    const path = b.path ?? [];
    const before = prev?.path ?? [];
    let i = 0;
    while (prev && i < path.length && path[i] === before[i]) i++;
    for (; i < path.length; i++) {
      const key = path.slice(0, i + 1).join("\u0000");
      out.push(!prev && started.has(key) ? `${path[i]}${CONTINUED}` : path[i]!);
    }
    if (b.header && (out.length || prev?.row !== b.row)) out.push(b.header);
    return out;
  };
  const cost = (parts: string[], joinsRow: boolean) => parts.join("\n\n").length + (page.length ? (joinsRow ? 1 : 2) : 0);

  newPage();
  for (const block of blocks) {
    let b = block;
    let parts = [...lead(b), b.text];
    let joinsRow = b.row !== undefined && prev?.row === b.row && parts.length === 1;
    if (page.length && used + cost(parts, joinsRow) > room) {
      newPage();
      parts = [...lead(b), b.text];
      joinsRow = false;
    }
    if (!page.length && cost(parts, false) > room) {
      b = { ...b, text: b.fallback ?? "_(Too large for a comment: see the plan artifact, or run `mops plan`.)_" };
      parts = [...lead(b), b.text];
    }
    // A table row follows the row before it on the next line; everything else after a blank line.
    if (joinsRow) page[page.length - 1] += `\n${b.text}`;
    else if (b.header && parts.length > 1 && parts.at(-2) === b.header) page.push(...parts.slice(0, -2), `${b.header}\n${b.text}`);
    else page.push(...parts);
    used += cost(parts, joinsRow);
    (b.path ?? []).forEach((_, i) => started.add(b.path!.slice(0, i + 1).join("\u0000")));
    prev = b;
  }
  if (page.length) bodies.push(page);
  const n = bodies.length;
  return bodies.map((body, i) => {
    const k = i + 1;
    const head = [o.marker(k), ...(k > 1 ? [`### ${o.title} — part ${k} of ${n}`] : [])].filter(Boolean);
    const foot = n > 1 ? [partLine(k, n)] : [];
    return `${[...head, ...body, ...foot].join("\n\n")}\n`;
  });
}
