import { it } from "vitest";
import { KINDS } from "../../../src/model";
import { refresh } from "../../../src/plan";
import { fakeHubSpot } from "../../fixtures/hubspot/fake";
import { offline, provider, TOKEN } from "./helpers";
it("dbg", async () => {
  offline(); const f = fakeHubSpot({ token: TOKEN });
  const p = provider();
  const kinds = KINDS.filter((k) => p.capabilities[k]?.read);
  const r = await refresh(p, kinds, {});
  console.log(r.requests, f.log.map((x) => x.method + " " + x.path).join("\n"));
});
