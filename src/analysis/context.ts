import type { Diagnostic, Fix, Severity, SourceRange } from "../diagnostics";
import {
  address, type Kind, type PropertySpec, type Resource, type SegmentSpec, type SpecOf, type Stack, type WorkflowSpec,
} from "../model";
import type { SourceIndex, SpecPath } from "../diagnostics";
import { AudienceSolver } from "./audience";
import type { ConditionEnv } from "./evaluate";

/** Everything a rule reads: the stack by kind, source positions, and one shared solver. */
export class AnalysisContext {
  readonly byKind = new Map<Kind, Map<string, unknown>>();
  readonly env: ConditionEnv;
  readonly solver: AudienceSolver;

  constructor(
    readonly stack: Stack,
    readonly sources: SourceIndex | undefined,
    readonly provider: string | undefined,
    now: number,
  ) {
    for (const r of stack.resources) {
      let m = this.byKind.get(r.kind);
      if (!m) this.byKind.set(r.kind, (m = new Map()));
      m.set(r.name, r.spec);
    }
    this.env = {
      segments: this.all("segment") as Map<string, SegmentSpec>,
      properties: this.all("property") as Map<string, PropertySpec>,
      ...(this.byKind.has("event") ? { events: this.all("event") } : {}),
      now,
    };
    this.solver = new AudienceSolver(this.env);
  }

  all<K extends Kind>(kind: K): Map<string, SpecOf[K]> {
    return (this.byKind.get(kind) ?? new Map()) as Map<string, SpecOf[K]>;
  }

  get workflows(): Map<string, WorkflowSpec> {
    return this.all("workflow");
  }

  at(addr: string, path?: SpecPath): SourceRange | undefined {
    return this.sources?.rangeOf(addr, path);
  }

  /** A finding about `kind.name`, located at `path` inside its spec. */
  finding(
    code: string, severity: Severity, resource: Pick<Resource, "kind" | "name">, path: SpecPath | undefined,
    message: string,
    extra: { hint?: string; detail?: Record<string, unknown>; range?: SourceRange; fixes?: Fix[]; related?: Diagnostic["related"] } = {},
  ): Diagnostic {
    const addr = address(resource.kind, resource.name);
    const range = extra.range ?? this.at(addr, path);
    return {
      code, severity, message, address: addr,
      ...(extra.hint ? { hint: extra.hint } : {}),
      ...(range ? { range } : {}),
      ...(extra.detail ? { detail: extra.detail } : {}),
      ...(extra.related?.length ? { related: extra.related } : {}),
      ...(extra.fixes?.length ? { fixes: extra.fixes } : {}),
    };
  }
}

/** One check: a pure function of the context. */
export type Rule = (ctx: AnalysisContext) => Diagnostic[];
