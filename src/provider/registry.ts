import { error } from "../diagnostics";
import type { Result } from "../diagnostics";
import type { ProviderFactory, ProviderFactoryOptions, Provider } from "./types";

/** Providers register themselves by type name; the engine never imports a platform. */
const factories = new Map<string, ProviderFactory>();

export function registerProvider(type: string, factory: ProviderFactory): void {
  factories.set(type, factory);
}

export const providerTypes = (): string[] => [...factories.keys()].sort();

export async function createProvider(opts: ProviderFactoryOptions): Promise<Result<Provider>> {
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
