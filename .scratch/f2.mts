import { editYaml } from "../src/stack/yaml-edit";
import { readFileSync } from "node:fs";
const FILE = readFileSync("test/analysis-corpus/merge/bad-syntax/unclosed-with-default/bad.yaml","utf8");
const r: any = editYaml(FILE, [{ path: ["templates","greet","body"], op: "set", value: "Hi {{ first_name | default: \"there\" }}, here is your code.\n" }]);
console.log(r.error ?? r.text.split("\n").slice(25,33).join("\n"));
