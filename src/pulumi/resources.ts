import * as pulumi from "@pulumi/pulumi";
import type { Result } from "../diagnostics";
import { dependencyGraph, topoOrder } from "../graph/order";
import { address, type Kind, type ProviderConfig, type SpecOf, type Stack } from "../model";
import type { MopsInputs, MopsOutputs } from "./types";

/**
 * Where the provider implementation lives, as a string: Pulumi serialises a
 * dynamic provider's closure into its state and runs it in a separate host
 * process. Capturing only this URL and the kind keeps that text a few lines
 * long; the host imports the real module instead of receiving a serialised
 * copy of the engine.
 */
const IMPLEMENTATION = import.meta.url.endsWith(".ts")
  ? new URL("./provider.ts", import.meta.url).href
  : // Built, the provider is an entry of its own beside the bridge (scripts/build.ts).
    new URL("pulumi-provider.js", import.meta.resolve("mops/pulumi")).href;

function serialisableProvider(kind: Kind): pulumi.dynamic.ResourceProvider {
  const impl = async () => {
    // Not a bare import(): test runners and bundlers rewrite that into their own loader, which cannot be serialised.
    const load = new Function("url", "return import(url)") as (url: string) => Promise<typeof import("./provider")>;
    return (await load(IMPLEMENTATION)).resourceProvider(kind);
  };
  return {
    check: async (olds, news) => (await impl()).check(olds, news),
    diff: async (id, olds, news) => (await impl()).diff(id, olds, news),
    create: async (inputs) => (await impl()).create(inputs),
    read: async (id, props) => (await impl()).read(id, props),
    update: async (id, olds, news) => (await impl()).update(id, olds, news),
    delete: async (id, props) => (await impl()).delete(id, props),
  };
}

/** One provider object per kind: Pulumi caches a provider's serialised text by object identity. */
const providers = new Map<Kind, pulumi.dynamic.ResourceProvider>();
const providerOf = (kind: Kind) => providers.get(kind) ?? providers.set(kind, serialisableProvider(kind)).get(kind)!;

export interface MopsResourceArgs<K extends Kind> {
  /** The platform, as in a stack's environment: `{ type: "sandbox" }`, `{ type: "hubspot", token: "${env:HUBSPOT_TOKEN}" }`. */
  provider: pulumi.Input<ProviderConfig>;
  /** The Mops name (lower_snake_case); defaults to the Pulumi resource name. */
  name?: pulumi.Input<string>;
  spec: pulumi.Input<SpecOf[K]>;
}

/** A Mops resource of one kind, managed by Pulumi through the Mops provider adapter. */
export abstract class MopsResource<K extends Kind> extends pulumi.dynamic.Resource {
  /** The Mops name, for references from other resources' specs. */
  declare readonly name: pulumi.Output<string>;
  /** The spec as the platform holds it (references by name). */
  declare readonly spec: pulumi.Output<SpecOf[K]>;
  /** The platform's concurrency token. */
  declare readonly version: pulumi.Output<string | undefined>;
  declare readonly provider: pulumi.Output<ProviderConfig>;

  protected constructor(readonly kind: K, typeName: string, name: string, args: MopsResourceArgs<K>, opts?: pulumi.CustomResourceOptions) {
    const inputs: Record<keyof MopsOutputs<K>, unknown> = {
      // A token reference is not the token, but it says where the token lives: keep it out of plain-text state and logs.
      provider: pulumi.output(args.provider).apply((p) => (p.token === undefined ? p : pulumi.secret(p))),
      name: args.name ?? name,
      spec: args.spec,
      version: undefined,
    };
    super(providerOf(kind), name, inputs, opts, "mops", typeName);
  }
}

// One class per kind, so a program reads `new mops.Segment(...)` and the spec is typed for its kind.
export class Property extends MopsResource<"property"> {
  constructor(name: string, args: MopsResourceArgs<"property">, opts?: pulumi.CustomResourceOptions) { super("property", "Property", name, args, opts); }
}
export class Event extends MopsResource<"event"> {
  constructor(name: string, args: MopsResourceArgs<"event">, opts?: pulumi.CustomResourceOptions) { super("event", "Event", name, args, opts); }
}
export class SubscriptionType extends MopsResource<"subscription_type"> {
  constructor(name: string, args: MopsResourceArgs<"subscription_type">, opts?: pulumi.CustomResourceOptions) { super("subscription_type", "SubscriptionType", name, args, opts); }
}
export class Team extends MopsResource<"team"> {
  constructor(name: string, args: MopsResourceArgs<"team">, opts?: pulumi.CustomResourceOptions) { super("team", "Team", name, args, opts); }
}
export class Role extends MopsResource<"role"> {
  constructor(name: string, args: MopsResourceArgs<"role">, opts?: pulumi.CustomResourceOptions) { super("role", "Role", name, args, opts); }
}
export class User extends MopsResource<"user"> {
  constructor(name: string, args: MopsResourceArgs<"user">, opts?: pulumi.CustomResourceOptions) { super("user", "User", name, args, opts); }
}
export class Template extends MopsResource<"template"> {
  constructor(name: string, args: MopsResourceArgs<"template">, opts?: pulumi.CustomResourceOptions) { super("template", "Template", name, args, opts); }
}
export class Segment extends MopsResource<"segment"> {
  constructor(name: string, args: MopsResourceArgs<"segment">, opts?: pulumi.CustomResourceOptions) { super("segment", "Segment", name, args, opts); }
}
export class FrequencyCap extends MopsResource<"frequency_cap"> {
  constructor(name: string, args: MopsResourceArgs<"frequency_cap">, opts?: pulumi.CustomResourceOptions) { super("frequency_cap", "FrequencyCap", name, args, opts); }
}
export class Workflow extends MopsResource<"workflow"> {
  constructor(name: string, args: MopsResourceArgs<"workflow">, opts?: pulumi.CustomResourceOptions) { super("workflow", "Workflow", name, args, opts); }
}

type Constructor = new (name: string, args: MopsResourceArgs<never>, opts?: pulumi.CustomResourceOptions) => MopsResource<Kind>;
export const RESOURCE_CLASSES: Record<Kind, Constructor> = {
  property: Property, event: Event, subscription_type: SubscriptionType, team: Team, role: Role, user: User,
  template: Template, segment: Segment, frequency_cap: FrequencyCap, workflow: Workflow,
} as Record<Kind, Constructor>;

export interface StackResourcesOptions {
  /** The platform; defaults to the provider of the stack's resolved environment. */
  provider?: pulumi.Input<ProviderConfig>;
  /** Options for every resource (a parent component, protect, …); `dependsOn` comes from the references. */
  opts?: Omit<pulumi.CustomResourceOptions, "dependsOn">;
}

/**
 * Every resource of a loaded stack (`loadStack(path).value.stack`) as Pulumi
 * resources, keyed by address (`segment.vip`), each depending on the resources
 * its spec refers to, so Pulumi creates a segment before the workflow that
 * uses it and deletes in the reverse order. A reference cycle is a diagnostic.
 */
export function stackResources(stack: Stack, options: StackResourcesOptions = {}): Result<Record<string, MopsResource<Kind>>> {
  const provider = options.provider ?? stack.environments[stack.environment]?.provider;
  if (!provider) {
    return { diagnostics: [{ code: "pulumi/no-provider", severity: "error", message: `stack \`${stack.name}\` has no provider for environment \`${stack.environment}\``, hint: "pass `provider` to stackResources or declare the environment's provider" }] };
  }
  const deps = dependencyGraph(stack.resources);
  const byAddress = new Map(stack.resources.map((r) => [address(r.kind, r.name), r]));
  const order = topoOrder([...byAddress.keys()], deps);
  if (!order.value) return { diagnostics: order.diagnostics };
  const made: Record<string, MopsResource<Kind>> = {};
  for (const addr of order.value) {
    const r = byAddress.get(addr)!;
    const dependsOn = [...(deps.get(addr) ?? [])].sort().map((d) => made[d]!);
    const opts: pulumi.CustomResourceOptions = { ...options.opts, dependsOn };
    const args = { provider, name: r.name, spec: r.spec } satisfies MopsResourceArgs<Kind>;
    made[addr] = new RESOURCE_CLASSES[r.kind](r.name, args as MopsResourceArgs<never>, opts);
  }
  return { value: made, diagnostics: [] };
}

export type { MopsInputs, MopsOutputs };
