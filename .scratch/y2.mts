import { editYaml } from "../src/stack/yaml-edit";
import { readFileSync } from "node:fs";
const FILE = readFileSync("test/analysis-corpus/requirement/no-upsell-after-complaint/short-window/bad.yaml","utf8");
const r: any = editYaml(FILE, [{ path: ["workflows","a_flow","steps",0], op: "remove" }, { path: ["workflows","a_flow","steps"], op: "append", value: {type:"exit"} }, { path: ["workflows","a_flow","entry_filter"], op: "set", value: {all:[{consent:"newsletter"},{consent:"x"}]}}, { path: ["workflows","a_flow","suppression"], op: "set", value: {segments:["a"], events:[{event:"x", within:"1d"}]}}]);
console.log(r.error ?? ""); r.text && console.log(r.text.split("\n").slice(40).join("\n"));
