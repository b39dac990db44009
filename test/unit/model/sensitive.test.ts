import { describe, expect, it } from "vitest";
import { isSensitivePath, maskSensitive, SENSITIVE, stackFileSchema } from "../../../src/model";

describe("sensitive fields", () => {
  it("are the ones the schema marks, wherever they sit in a spec", () => {
    const marked = JSON.stringify(stackFileSchema()).split(`"${SENSITIVE}":true`).length - 1;
    expect(marked).toBe(2); // template.url and the webhook step's url
    expect(isSensitivePath("template", "url")).toBe(true);
    expect(isSensitivePath("workflow", "steps[3].url")).toBe(true);
    expect(isSensitivePath("workflow", "steps[2].then[0].paths[1].steps[0].url")).toBe(true);
    expect(isSensitivePath("workflow", "steps[0].template")).toBe(false);
    expect(isSensitivePath("segment", "url")).toBe(false);
  });

  it("show literals masked and references as themselves", () => {
    const spec = { channel: "webhook", body: "{}", url: "https://x.example/?t=abc" };
    expect(maskSensitive("template", spec)).toEqual({ ...spec, url: "https://x.example/… (sensitive)" });
    expect(maskSensitive("template", { ...spec, url: "not a url" }).url).toBe("(sensitive)");
    expect(maskSensitive("template", { ...spec, url: "https://x.example/?t=${env:T}" }).url).toBe("https://x.example/?t=${env:T}");
    expect(maskSensitive("workflow", [{ type: "webhook", url: "https://y" }], "steps")).toEqual([{ type: "webhook", url: "https://y/… (sensitive)" }]);
    expect(maskSensitive("workflow", { steps: [{ type: "webhook", url: "https://hooks.example/T1/B2/secret" }] })).toEqual({ steps: [{ type: "webhook", url: "https://hooks.example/… (sensitive)" }] });
  });
});
