import { error, type Result } from "../../src/diagnostics";

/**
 * Braze instances and their hosts, as Braze lists them (braze-docs
 * `_includes/..._endpoints` "instances" table: US-01…US-08, US-10, EU-01,
 * EU-02, AU-01, ID-01). A customer's REST host follows from the instance
 * its dashboard runs on; EU instances live under braze.eu.
 */
const INSTANCES: Record<string, { rest: string; dashboard: string }> = {
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => {
    const nn = String(n).padStart(2, "0");
    return [`iad-${nn}`, { rest: `rest.iad-${nn}.braze.com`, dashboard: `dashboard-${nn}.braze.com` }];
  })),
  "us-10": { rest: "rest.us-10.braze.com", dashboard: "dashboard.us-10.braze.com" },
  "fra-01": { rest: "rest.fra-01.braze.eu", dashboard: "dashboard-01.braze.eu" },
  "fra-02": { rest: "rest.fra-02.braze.eu", dashboard: "dashboard-02.braze.eu" },
  "au-01": { rest: "rest.au-01.braze.com", dashboard: "dashboard.au-01.braze.com" },
  "id-01": { rest: "rest.id-01.braze.com", dashboard: "dashboard.id-01.braze.com" },
};

/** The dashboard names of instances (`US-01`, `EU-02`) as Braze shows them, to their host ids. */
const ALIASES: Record<string, string> = {
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`us-0${n}`, `iad-0${n}`])),
  "us-10": "us-10", "eu-01": "fra-01", "eu-02": "fra-02", "au-01": "au-01", "id-01": "id-01",
};

export const INSTANCE_IDS = Object.keys(INSTANCES);

export interface Endpoint {
  /** REST base URL, no trailing slash. */
  url: string;
  /** The dashboard the manual steps point at, when the instance is known. */
  dashboard?: string;
}

/** Plain http is for a fake on this machine only: a key must never cross a network unencrypted. */
const LOCAL = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The REST endpoint from the provider settings: `instance: iad-01` (or
 * `US-01`), or an explicit `url:` (a proxy, a new instance, a fake).
 */
export function endpointOf(settings: { instance?: unknown; url?: unknown }): Result<Endpoint> {
  const { instance, url } = settings;
  const bad = (message: string, hint: string): Result<Endpoint> => ({ diagnostics: [error("braze/bad-endpoint", message, { hint })] });
  if (instance !== undefined && url !== undefined) {
    return bad("the Braze provider takes `instance` or `url`, not both", "keep `instance:` (e.g. iad-01) unless the REST API is reached through another URL");
  }
  if (instance !== undefined) {
    const key = String(instance).trim().toLowerCase();
    const id = INSTANCES[key] ? key : ALIASES[key];
    const known = id === undefined ? undefined : INSTANCES[id];
    if (!known) {
      return bad(`unknown Braze instance \`${String(instance)}\``, `use the instance of your dashboard URL: one of ${INSTANCE_IDS.join(", ")} (or US-01…, EU-01, EU-02), or give \`url:\``);
    }
    return { value: { url: `https://${known.rest}`, dashboard: `https://${known.dashboard}` }, diagnostics: [] };
  }
  if (url === undefined) {
    return bad("the Braze provider needs the instance its workspace runs on", "set `instance: iad-01` (the part after `rest.` in the REST endpoint shown in Settings > APIs and Identifiers), or `url:`");
  }
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return bad(`\`url: ${String(url)}\` is not a URL`, "e.g. url: https://rest.iad-01.braze.com");
  }
  const local = LOCAL.has(parsed.hostname);
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && local)) {
    return bad(`\`url: ${String(url)}\` must use https`, "Braze's REST API is served over https; plain http is accepted only for 127.0.0.1 / localhost");
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    return bad(`\`url: ${String(url)}\` must be a base URL without credentials, query or fragment`, "e.g. url: https://rest.iad-01.braze.com");
  }
  const host = Object.values(INSTANCES).find((i) => i.rest === parsed.hostname);
  return { value: { url: parsed.href.replace(/\/+$/, ""), dashboard: host ? `https://${host.dashboard}` : undefined }, diagnostics: [] };
}

/** "the Braze dashboard (https://dashboard-01.braze.com)" or just "the Braze dashboard". */
export const dashboardWords = (dashboard: string | undefined): string => (dashboard ? `the Braze dashboard (${dashboard})` : "the Braze dashboard");
