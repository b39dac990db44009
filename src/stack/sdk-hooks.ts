/**
 * Module resolution hooks (node:module `register`) for TypeScript stacks and
 * policy rules: `import … from "mops"` is the SDK of the Mops that is running,
 * wherever the stack lives and however Mops was installed (globally, with npx,
 * in a clone). Runs on Node's loader thread; the SDK's URL comes from
 * src/stack/sdk-resolve.ts.
 */
interface Data {
  sdk: string;
}
type NextResolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

let sdk: string | undefined;

export function initialize(data: Data): void {
  sdk = data.sdk;
}

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  return specifier === "mops" && sdk ? { url: sdk, shortCircuit: true } : next(specifier, context);
}
