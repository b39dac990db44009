import pLimit from "p-limit";

export type WalkStatus = "done" | "failed" | "skipped";
export interface WalkResult {
  status: WalkStatus;
  error?: unknown;
  /** For skipped nodes: the failed (or interrupted) node that caused it. */
  because?: string;
}

export interface WalkOptions {
  concurrency: number;
  run: (node: string) => Promise<void>;
  /** Told once per skipped node, in the order they are skipped. */
  onSkip?: (node: string, because: string) => void;
  /** When aborted, nothing new starts; running nodes finish. */
  signal?: AbortSignal;
}

/**
 * Runs each node once its dependencies are done, at most `concurrency` at a
 * time. A failed node skips everything that (transitively) depends on it;
 * everything independent still runs. Deps outside `nodes` count as done.
 */
export async function walk(
  nodes: readonly string[],
  deps: ReadonlyMap<string, ReadonlySet<string>>,
  opts: WalkOptions,
): Promise<Map<string, WalkResult>> {
  const results = new Map<string, WalkResult>();
  const nodeSet = new Set(nodes);
  const waiting = new Map<string, Set<string>>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) {
    const ds = new Set([...(deps.get(n) ?? [])].filter((d) => nodeSet.has(d) && d !== n));
    waiting.set(n, ds);
    for (const d of ds) dependents.set(d, [...(dependents.get(d) ?? []), n]);
  }
  const limit = pLimit(Math.max(1, opts.concurrency));
  const running = new Set<Promise<void>>();

  const skip = (n: string, because: string): void => {
    if (results.has(n)) return;
    results.set(n, { status: "skipped", because });
    opts.onSkip?.(n, because);
    for (const m of dependents.get(n) ?? []) skip(m, because);
  };

  const start = (n: string): void => {
    if (results.has(n)) return;
    if (opts.signal?.aborted) {
      skip(n, "interrupted");
      return;
    }
    const p: Promise<void> = limit(async () => {
      // Re-check: the signal may have fired while this node queued for a slot.
      if (opts.signal?.aborted) {
        skip(n, "interrupted");
        return;
      }
      try {
        await opts.run(n);
        results.set(n, { status: "done" });
      } catch (e) {
        results.set(n, { status: "failed", error: e });
        for (const m of dependents.get(n) ?? []) skip(m, n);
        return;
      }
      for (const m of dependents.get(n) ?? []) {
        const w = waiting.get(m)!;
        w.delete(n);
        if (w.size === 0) start(m);
      }
    }).finally(() => running.delete(p));
    running.add(p);
  };

  for (const n of nodes) if (waiting.get(n)!.size === 0) start(n);
  while (running.size) await Promise.all([...running]);
  // Nodes never reached sit in a cycle (the planner reports those); mark them so callers see every node.
  for (const n of nodes) if (!results.has(n)) skip(n, "dependency cycle");
  return results;
}
