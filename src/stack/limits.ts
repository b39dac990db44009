/**
 * The sizes a stack may have. Past them Mops says so at the place, instead of
 * running out of stack or memory somewhere deep inside; each is far beyond
 * what a marketing account holds (docs/stack-format.md, "Limits").
 */
export const LIMITS = {
  /** Bytes in one stack file: a 100,000-value enum is 1.4 MB; 8 MB of wrong values (560,000 errors) take 1 GB to report. */
  fileBytes: 8 * 1024 * 1024,
  /** Mappings and lists inside each other: every walker of a stack recurses this deep at most. */
  depth: 100,
  /** Values YAML aliases may add to one file when they are expanded ("billion laughs"). */
  aliasValues: 100_000,
  /** Steps in one workflow, nested ones included. */
  steps: 1_000,
  /** Resources in one stack. */
  resources: 50_000,
} as const;

/** 16777216 -> "16 MB", 100000 -> "100,000". */
export const bytes = (n: number): string => (n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`);
export const count = (n: number): string => n.toLocaleString("en-US");
