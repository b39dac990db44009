import { it } from "vitest";
import { checkInputs } from "../../../src/pulumi/check";
import "../../../providers/sandbox";
it("x", () => {
  console.log(checkInputs("segment", { provider: { type: "sandbox" }, name: "Bad-Name", spec: { type: "dynamic" } }));
  console.log(checkInputs("segment", { provider: { type: "sandbox", token: "abc" }, name: "ok", spec: { type: "dynamc", foo: 1 } }));
  console.log(checkInputs("segment", { provider: { type: "nope" }, name: "ok" }));
  console.log(checkInputs("workflow", { provider: { type: "sandbox" }, name: "ok", spec: { trigger: {type: "segment_entry", segment: "vip"}, steps: [{type: "send", template: 3}] } }));
});
