import { JSDOM } from "jsdom";

/**
 * The real Mermaid parser in Node: Mermaid 11 needs a DOM to load, not to
 * parse, so a jsdom window is enough. Loaded once per test file.
 */
type Mermaid = typeof import("mermaid").default;
let loaded: Promise<Mermaid> | undefined;

export function mermaidParser(): Promise<Mermaid> {
  loaded ??= (async () => {
    const { window } = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
    Object.assign(globalThis, { window, document: window.document });
    const mermaid = (await import("mermaid")).default;
    mermaid.initialize({ startOnLoad: false });
    return mermaid;
  })();
  return loaded;
}

/** Resolves with the diagram type, or rejects with Mermaid's "Parse error on line N" and the source. */
export async function parseMermaid(src: string): Promise<string> {
  const mermaid = await mermaidParser();
  try {
    const r = await mermaid.parse(src);
    return r ? r.diagramType : "invalid";
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- source ---\n${src}`);
  }
}

/** Every ```mermaid block in a markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^(`{3,})mermaid\n([\s\S]*?)^\1$/gm)].map((m) => m[2]);
}
