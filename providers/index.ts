/**
 * The platforms Mops ships, by the `type` a stack's provider names. Each is
 * loaded only when a stack names it (its own chunk in the build); loading it
 * registers its factory (src/provider/registry.ts). A new provider is one line here.
 */
export const PROVIDERS: Readonly<Record<string, () => Promise<unknown>>> = {
  sandbox: () => import("./sandbox"),
  hubspot: () => import("./hubspot"),
  klaviyo: () => import("./klaviyo"),
  braze: () => import("./braze"),
};
