import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { Edit, Fix } from "../diagnostics";
import { KIND_KEYS, parseAddress } from "../model";
import type { LoadedStack } from "./types";
import { editYaml, renderFlow, type YamlEdit } from "./yaml-edit";

/**
 * Fixes applied to a YAML stack's files: each edit goes to the file that
 * declares the resource (an environment's overrides: the file that declares
 * the environment; a new resource: a file that already holds its kind), at
 * the resource's path in it.
 */
export interface FixedFile {
  file: string;
  text: string;
}

export function applyFixes(loaded: Pick<LoadedStack, "files" | "sources">, fixes: readonly Fix[]): { files: FixedFile[] } | { error: string } {
  const texts = new Map<string, string>();
  const read = (f: string) => texts.get(f) ?? readFileSync(f, "utf8");
  const byFile = new Map<string, YamlEdit[]>();
  for (const e of fixes.flatMap((f) => f.edits)) {
    const at = locate(e, loaded, read);
    if (!at) return { error: `no stack file can take the edit to ${e.address}` };
    byFile.set(at.file, [...(byFile.get(at.file) ?? []), { path: at.path, op: e.op, value: e.value }]);
  }
  for (const [file, edits] of byFile) {
    const r = editYaml(read(file), edits);
    if ("error" in r) return { error: `${file}: ${r.error}` };
    texts.set(file, r.text);
  }
  return { files: [...texts].map(([file, text]) => ({ file, text })) };
}

function locate(e: Edit, loaded: Pick<LoadedStack, "files" | "sources">, read: (f: string) => string): { file: string; path: (string | number)[] } | undefined {
  const target = parseAddress(e.address);
  if (!target) return undefined;
  const key = KIND_KEYS[target.kind];
  const yaml = loaded.files.filter((f) => /\.ya?ml$/.test(f));
  const data = (f: string) => (parse(read(f)) ?? {}) as Record<string, unknown>;
  if (e.environment) {
    const file = yaml.find((f) => (data(f).environments as Record<string, unknown> | undefined)?.[e.environment!] !== undefined);
    return file ? { file, path: ["environments", e.environment, "overrides", key, target.name, ...e.path] } : undefined;
  }
  const declared = loaded.sources.rangeOf(e.address)?.file;
  const file = declared && yaml.includes(declared) ? declared
    : yaml.find((f) => data(f)[key] !== undefined) ?? yaml.find((f) => data(f).stack !== undefined) ?? yaml[0];
  return file ? { file, path: [key, target.name, ...e.path] } : undefined;
}

/** A fix as a patch a person applies by hand (to a TypeScript stack): one line per edit. */
export function fixText(f: Fix): string[] {
  return f.edits.map((e) => {
    const where = `${e.address}${e.environment ? ` (environment ${e.environment}'s overrides)` : ""}${e.path.length ? `: ${e.path.join(".")}` : ""}`;
    return e.op === "remove" ? `remove ${where}` : `${e.op} ${where} ${e.op === "append" ? "+=" : "="} ${renderFlow(e.value)}`;
  });
}
