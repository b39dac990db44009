import { editYaml } from "../src/stack/yaml-edit";
import { readFileSync } from "node:fs";
const FILE = readFileSync("test/analysis-corpus/journey/loop-without-wait/ping-pong/bad.yaml","utf8");
const r: any = editYaml(FILE, [{ path: ["workflows","a_flow","reenrollment","after"], op: "set", value: "1d" }]);
console.log(r.error ?? r.text.split("\n").filter((l: string) => /reenroll|allowed|after/.test(l)).join("\n"));
