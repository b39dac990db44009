/**
 * The TypeScript authoring API: `import { defineStack, workflow } from "mops"`.
 * Each builder records where it was called, so diagnostics about a resource
 * point at the line that declared it; the loader then validates the stack
 * exactly as it validates YAML.
 */
import type {
  Environment, EventSpec, FrequencyCapSpec, Kind, PropertySpec, RoleSpec, SegmentSpec, SpecOf, SubscriptionTypeSpec, TeamSpec,
  TemplateSpec, UserSpec, WorkflowSpec,
} from "../model";
import { stackFrames } from "./frames";

export type {
  Condition, Environment, EventPropertySpec, EventSpec, FrequencyCapSpec, PropertySpec, RoleSpec, SegmentSpec, Step, SubscriptionTypeSpec, TeamSpec,
  TemplateSpec, Trigger, UserSpec, WorkflowSpec,
} from "../model";

/** Where a builder was called: 1-based, source-mapped to the TypeScript file. */
export interface CallSite {
  file: string;
  line: number;
  col: number;
  /** The builder's name (`segment`), to underline the call. */
  callee: string;
}

// Symbol.for: the loader may see a different instance of this module than the
// stack file imported, so brands must not depend on module identity.
export const DECLARATION = Symbol.for("mops.declaration");
export const STACK = Symbol.for("mops.stack");

export interface Declaration<K extends Kind = Kind> {
  readonly [DECLARATION]: true;
  readonly kind: K;
  readonly name: string;
  readonly spec: SpecOf[K];
  readonly at?: CallSite;
}

type Declarations = ReadonlyArray<Declaration | ReadonlyArray<Declaration>>;

export interface StackDefinition {
  stack: string;
  description?: string;
  environments?: Record<string, Environment>;
  default_environment?: string;
  policy?: string;
  /** Every declaration of the stack; nested lists are flattened (share lists between stacks). */
  resources: Declarations;
}

export type StackDeclaration = StackDefinition & { readonly [STACK]: true; readonly at?: CallSite };

/** The first frame outside this module: the author's call. */
function callSite(callee: string): CallSite | undefined {
  const fs = stackFrames(new Error().stack ?? "");
  const self = fs[0]?.file;
  const user = fs.find((f) => f.file !== self);
  return user ? { ...user, callee } : undefined;
}

function declare<K extends Kind>(kind: K, callee: string, name: string, spec: SpecOf[K]): Declaration<K> {
  return { [DECLARATION]: true, kind, name, spec, at: callSite(callee) };
}

export const property = (name: string, spec: PropertySpec) => declare("property", "property", name, spec);
/** An entry of the event catalogue: `event("placed_order", { source: "custom", properties: { total: { type: "number" } } })`. */
export const event = (name: string, spec: EventSpec) => declare("event", "event", name, spec);
export const segment = (name: string, spec: SegmentSpec) => declare("segment", "segment", name, spec);
export const workflow = (name: string, spec: WorkflowSpec) => declare("workflow", "workflow", name, spec);
export const template = (name: string, spec: TemplateSpec) => declare("template", "template", name, spec);
export const frequencyCap = (name: string, spec: FrequencyCapSpec) => declare("frequency_cap", "frequencyCap", name, spec);
export const role = (name: string, spec: RoleSpec) => declare("role", "role", name, spec);
export const user = (name: string, spec: UserSpec) => declare("user", "user", name, spec);
export const team = (name: string, spec: TeamSpec) => declare("team", "team", name, spec);
export const subscriptionType = (name: string, spec: SubscriptionTypeSpec) => declare("subscription_type", "subscriptionType", name, spec);

export function defineStack(def: StackDefinition): StackDeclaration {
  return { ...def, [STACK]: true, at: callSite("defineStack") };
}
