import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PROVIDERS } from "../../../providers";

describe("the provider catalog (providers/index.ts)", () => {
  it("names every provider folder, so the build ships it and a stack can name it", () => {
    const folders = readdirSync(new URL("../../../providers/", import.meta.url), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(Object.keys(PROVIDERS).sort()).toEqual(folders.sort());
  });
});
