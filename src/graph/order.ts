import { error, type Diagnostic, type Result } from "../diagnostics";
import type { Resource } from "../model";
import { address } from "../model";
import { referencesOf } from "./refs";

/** address -> the addresses it needs first. */
export type Deps = Map<string, Set<string>>;

/** Edges between the given resources only (references to undeclared things are the validator's business). */
export function dependencyGraph(resources: readonly Resource[]): Deps {
  const known = new Set(resources.map((r) => address(r.kind, r.name)));
  const deps: Deps = new Map();
  for (const r of resources) {
    deps.set(address(r.kind, r.name), new Set(referencesOf(r).filter((a) => known.has(a))));
  }
  return deps;
}

/** The same edges pointing the other way: what must go before a node is deleted. */
export function reverse(deps: Deps): Deps {
  const out: Deps = new Map([...deps.keys()].map((k) => [k, new Set<string>()]));
  for (const [node, ds] of deps) for (const d of ds) out.get(d)?.add(node);
  return out;
}

/** Dependencies first, ties broken by input order; a cycle is a diagnostic naming its members. */
export function topoOrder(nodes: readonly string[], deps: Deps): Result<string[]> {
  const state = new Map<string, "visiting" | "done">();
  const order: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const nodeSet = new Set(nodes);
  const visit = (n: string, path: string[]): void => {
    const s = state.get(n);
    if (s === "done") return;
    if (s === "visiting") {
      const cycle = [...path.slice(path.indexOf(n)), n];
      diagnostics.push(
        error("graph/cycle", `dependency cycle: ${cycle.join(" -> ")}`, {
          address: n,
          hint: "a resource cannot depend on itself through others; remove one of these references",
          detail: { cycle },
        }),
      );
      return;
    }
    state.set(n, "visiting");
    for (const d of [...(deps.get(n) ?? [])].sort()) if (nodeSet.has(d)) visit(d, [...path, n]);
    state.set(n, "done");
    order.push(n);
  };
  for (const n of nodes) visit(n, []);
  return diagnostics.length ? { diagnostics } : { value: order, diagnostics };
}
