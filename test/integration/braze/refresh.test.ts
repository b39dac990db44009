import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { refreshAll, offline, world, type World } from "./helpers";

describe("Braze refresh: every readable kind from the fake's export shapes", () => {
  let w: World;
  beforeEach(async () => {
    offline();
    w = await world();
  });
  afterEach(async () => w.close());

  it("reads the workspace into the neutral model", async () => {
    const { live } = await refreshAll(w.provider);
    const by = Object.fromEntries(live.map((o) => [`${o.kind}.${o.name}`, o.spec]));
    expect(Object.keys(by).sort()).toMatchSnapshot();
    expect(by["workflow.welcome_journey"]).toMatchSnapshot();
  });
});
