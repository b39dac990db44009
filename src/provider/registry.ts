import { PROVIDERS } from "../../providers";
import { error, type Diagnostic, type Result } from "../diagnostics";
import { secretEnvName, type ProviderConfig } from "../model";
import type { ProviderFactory, ProviderFactoryOptions, Provider } from "./types";

/** Providers register themselves by type name; the engine never imports a platform. */
const factories = new Map<string, ProviderFactory>();

export function registerProvider(type: string, factory: ProviderFactory): void {
  factories.set(type, factory);
}

export const providerTypes = (): string[] => [...new Set([...Object.keys(PROVIDERS), ...factories.keys()])].sort();

/**
 * Settings of a provider that name environment variables (`url:
 * ${env:HUBSPOT_URL}`) are read now, at construction, so their values never
 * enter the model, plans or history. `token` stays a reference: the provider
 * reads it itself (readSecret), the one place that holds its value.
 */
function resolveSettings(config: ProviderConfig, env: NodeJS.ProcessEnv): Result<ProviderConfig> {
  const diagnostics: Diagnostic[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(config)) {
    const name = typeof v === "string" && key !== "token" ? secretEnvName(v) : undefined;
    if (name === undefined) out[key] = v;
    else if (env[name] !== undefined) out[key] = env[name];
    else diagnostics.push(error("provider/missing-env", `the provider setting \`${key}\` names the environment variable \`${name}\`, which is not set`, { hint: `export ${name}=… before running mops` }));
  }
  return diagnostics.length ? { diagnostics } : { value: out as ProviderConfig, diagnostics };
}

/**
 * A provider registers itself when its module loads (providers/<type>/index.ts).
 * Only the one a stack names is loaded: the engine names none of them.
 */
export async function loadProvider(type: string): Promise<void> {
  if (!factories.has(type) && Object.hasOwn(PROVIDERS, type)) await PROVIDERS[type]!();
}

export async function createProvider(opts: ProviderFactoryOptions): Promise<Result<Provider>> {
  await loadProvider(opts.config.type);
  const settings = resolveSettings(opts.config, opts.env);
  if (!settings.value) return { diagnostics: settings.diagnostics };
  opts = { ...opts, config: settings.value };
  const f = factories.get(opts.config.type);
  if (!f) {
    return {
      diagnostics: [
        error("provider/unknown", `unknown provider type \`${opts.config.type}\``, {
          hint: `use one of: ${providerTypes().join(", ")}`,
        }),
      ],
    };
  }
  return { value: await f(opts), diagnostics: [] };
}
