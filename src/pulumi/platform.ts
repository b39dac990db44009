import { log } from "@pulumi/pulumi";
import type { Diagnostic } from "../diagnostics";
import { canonicalJson, parseAddress, type Kind, type ProviderConfig, type Resource } from "../model";
import { referencesOf } from "../graph/refs";
import { MutableRefs } from "../plan/resolver";
import { createProvider } from "../provider/registry";
import { ProviderError, type CallContext, type Provider } from "../provider/types";

/**
 * Provider adapters opened by the bridge, one per distinct configuration.
 * Pulumi's dynamic-provider host is one long-lived process per deployment, so
 * an adapter (and an embedded sandbox server) is opened once and reused by
 * every resource that names the same platform.
 */
const open = new Map<string, Promise<Provider>>();

/** Where relative paths in provider config (data_dir, token files) resolve, and which variables `${env:…}` reads. */
export interface BridgeEnvironment {
  baseDir: string;
  env: NodeJS.ProcessEnv;
}

let environment: BridgeEnvironment = { baseDir: process.cwd(), env: process.env };

/** For tests and embedding: where the bridge resolves config. Closes nothing; call before the first operation. */
export function setBridgeEnvironment(e: BridgeEnvironment): void {
  environment = e;
}

export function platformFor(config: ProviderConfig): Promise<Provider> {
  const key = canonicalJson(config);
  let p = open.get(key);
  if (!p) {
    // Pulumi shows a provider's log lines with the deployment: the bridge's way of reporting engine events.
    const onRetry = ({ attempt, waitMs, reason }: { attempt: number; waitMs: number; reason: string }) =>
      void log.warn(`mops: ${config.type}: ${reason}; retry ${attempt} in ${waitMs} ms`);
    const opts = { config, stack: "pulumi", environment: "pulumi", baseDir: environment.baseDir, env: environment.env, onRetry };
    p = platformCall(() => createProvider(opts)).then((r) => {
      if (!r.value) throw bridgeError(r.diagnostics[0]!);
      return r.value;
    });
    open.set(key, p);
    p.catch(() => open.delete(key));
  }
  return p;
}

/** Close every adapter the bridge opened (tests; a Pulumi host simply exits). */
export async function closePlatforms(): Promise<void> {
  const all = [...open.values()];
  open.clear();
  await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
}

/**
 * A call context whose resolver knows every live object of the kinds the
 * given specs refer to. RefResolver is synchronous, so the kinds are listed up
 * front: one bulk list per kind, once per operation (names may change between
 * operations, so nothing is kept longer).
 */
export async function contextFor(provider: Provider, resources: readonly Resource[]): Promise<CallContext> {
  const kinds = new Set<Kind>();
  for (const r of resources) for (const a of referencesOf(r)) kinds.add(parseAddress(a)!.kind);
  const bare: CallContext = { refs: new MutableRefs() };
  const listable = [...kinds].filter((k) => provider.capabilities[k]?.read !== false);
  const live = (await Promise.all(listable.map((k) => provider.list(k, bare)))).flat();
  return { refs: MutableRefs.from(undefined, live) };
}

/** Pulumi shows an error's message: make it the diagnostic's words (which never hold a secret). */
export function bridgeError(d: Diagnostic): Error {
  const where = d.address ? `${d.address}: ` : "";
  return new Error(`${where}${d.message} [${d.code}]${d.hint ? `\nhint: ${d.hint}` : ""}`);
}

/** Run a provider call, turning platform refusals into readable errors; anything else stays a bug. */
export async function platformCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof ProviderError) throw bridgeError(e.diagnostic);
    throw e;
  }
}
