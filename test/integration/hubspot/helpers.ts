import nock from "nock";
import { createHubSpotProvider, type HubSpotProviderOptions } from "../../../providers/hubspot";
import type { CallContext, RefResolver } from "../../../src/provider/types";
import { BASE_URL } from "../../fixtures/hubspot/fake";

/** Looks like a HubSpot private app token; every test checks it never leaks. */
export const TOKEN = "pat-na1-5f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

export const noRefs: RefResolver = { idOf: () => undefined, nameOf: () => undefined };
export const ctx: CallContext = { refs: noRefs };

export function offline(): void {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
}

export function provider(extra: Partial<HubSpotProviderOptions> = {}) {
  return createHubSpotProvider({
    config: { type: "hubspot", url: BASE_URL, token: "${env:HUBSPOT_TOKEN}", rate_limit: 10_000 },
    env: { HUBSPOT_TOKEN: TOKEN },
    baseDir: "/tmp",
    backoffMs: 1,
    random: () => 0,
    creationPollMs: 1,
    ...extra,
  });
}
