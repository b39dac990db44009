import { readFileSync } from "node:fs";
import type { SourceRange } from "../diagnostics";
import type { Locator, Target } from "./locator";
import type { SourceIndex, SpecPath } from "./types";

/** Where one resource was declared, and where the chosen environment overrode it. */
export interface Origin {
  locator: Locator;
  /** Path of the resource inside its file: `["workflows", "welcome"]`. */
  prefix: SpecPath;
  override?: { locator: Locator; prefix: SpecPath; value: unknown };
}

function hasPath(v: unknown, path: SpecPath): boolean {
  let cur = v;
  for (const seg of path) {
    if (!cur || typeof cur !== "object" || !(String(seg) in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[seg as string];
  }
  return true;
}

export class StackSources implements SourceIndex {
  private readonly texts = new Map<string, string | undefined>();

  constructor(
    private readonly origins: ReadonlyMap<string, Origin>,
    texts: ReadonlyMap<string, string>,
  ) {
    for (const [f, t] of texts) this.texts.set(f, t);
  }

  rangeOf(address: string, path: SpecPath = []): SourceRange | undefined {
    return this.locate(address, path, path.length === 0 ? "key" : "value");
  }

  /** The key (`template:`) rather than its value, for "unknown key"-like findings. */
  keyRangeOf(address: string, path: SpecPath): SourceRange | undefined {
    return this.locate(address, path, "key");
  }

  private locate(address: string, path: SpecPath, target: Target): SourceRange | undefined {
    const o = this.origins.get(address);
    if (!o) return undefined;
    // A value the environment overrode is reported where the override wrote it.
    if (o.override && path.length > 0 && hasPath(o.override.value, path))
      return o.override.locator.locate([...o.override.prefix, ...path], target);
    return o.locator.locate([...o.prefix, ...path], target);
  }

  text(file: string): string | undefined {
    if (!this.texts.has(file)) {
      let t: string | undefined;
      try {
        t = readFileSync(file, "utf8");
      } catch {
        t = undefined;
      }
      this.texts.set(file, t);
    }
    return this.texts.get(file);
  }
}
