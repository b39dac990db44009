import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { address, KINDS } from "../../../src/model";
import { refresh } from "../../../src/plan";
import type { State } from "../../../src/state/types";
import { fakeHubSpot, type FakeHubSpot } from "../../fixtures/hubspot/fake";
import { offline, provider, TOKEN } from "./helpers";

describe("HubSpot refresh through the engine", () => {
  let fake: FakeHubSpot;
  beforeEach(() => {
    offline();
    fake = fakeHubSpot({ token: TOKEN });
  });
  afterEach(() => fake.stop());

  it("reads a managed account with one bulk call per endpoint, no per-object GETs", async () => {
    const kinds = KINDS.filter((k) => provider().capabilities[k]?.read);
    const first = await refresh(provider(), kinds, {});
    const state: State = {
      lineage: "l", serial: 1, stack: "northwind", environment: "prod",
      resources: Object.fromEntries(first.live.map((o) => [address(o.kind, o.name), {
        address: address(o.kind, o.name), kind: o.kind, name: o.name, id: o.id, attributes: o.spec, origin: "imported" as const, updatedAt: "2026-11-25T00:00:00Z",
      }])),
    };
    fake.log.length = 0;
    const again = await refresh(provider(), kinds, { state });
    // The account's lists and flows filter on an event: its event definitions are read once, to name it and to list the `event` kind.
    expect(again.requests).toBe(12);
    expect(fake.log.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      "GET /automation/v4/flows", "GET /communication-preferences/v3/definitions", "GET /crm/v3/lists/", "GET /crm/v3/properties/contacts", "GET /events/v3/event-definitions",
      "GET /marketing/v3/emails/", "GET /settings/v3/users", "GET /settings/v3/users", "GET /settings/v3/users/roles", "GET /settings/v3/users/teams",
      "POST /automation/v4/flows/batch/read", "POST /crm/v3/lists/search",
    ]);
    expect(again.live).toEqual(first.live);
  });
});
