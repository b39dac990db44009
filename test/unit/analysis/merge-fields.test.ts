import { describe, expect, it } from "vitest";
import { parseMergeFields } from "../../../src/analysis/merge-fields";

describe("merge-field parser", () => {
  it("reads properties and filter chains with their offsets", () => {
    const text = 'Hi {{ first_name | default: "there" | capitalize }}, {{birthday|date: "%B %d"}}';
    const { fields, problems } = parseMergeFields(text);
    expect(problems).toEqual([]);
    expect(fields.map((f) => [f.offset, f.property, f.filters.map((x) => [x.name, x.arg])])).toEqual([
      [3, "first_name", [["default", "there"], ["capitalize", undefined]]],
      [53, "birthday", [["date", "%B %d"]]],
    ]);
  });

  it("reports unknown filters at the filter name", () => {
    const text = "{{ first_name | upper }}";
    const { problems } = parseMergeFields(text);
    expect(problems).toMatchObject([{ kind: "filter", raw: "upper", offset: text.indexOf("upper") }]);
  });

  it("rejects missing or extra filter arguments and empty fields", () => {
    for (const t of ["{{ first_name | default }}", '{{ first_name | upcase: "x" }}', "{{ }}", "{{ first name }}", "{{ a | }}"]) {
      expect(parseMergeFields(t).problems.map((p) => p.kind), t).toEqual(["syntax"]);
    }
  });

  it("finds placeholders from other tools that would be sent literally", () => {
    const text = "Dear [FIRST_NAME], %FIRSTNAME% *|FNAME|* {first_name} {{ last_name }";
    const raws = parseMergeFields(text).problems.map((p) => p.raw);
    expect(raws).toEqual(["[FIRST_NAME]", "%FIRSTNAME%", "*|FNAME|*", "{first_name}", "{{ last_name }"]);
  });

  it("leaves ordinary brackets, percentages and braces alone", () => {
    const text = '[SALE] 20% off, 50% more {{ first_name | default: "you" }} { "json": 1 }';
    expect(parseMergeFields(text).problems).toEqual([]);
  });
});

describe("platform template language", () => {
  it("leaves dotted paths and ${…} expressions alone: they are neither fields nor problems", () => {
    const r = parseMergeFields("Hi {{ first_name | default: 'you' }} {{content_blocks.${footer}}} {{ site_settings.company_name }} {{${set_user_to_unsubscribed_url}}} {{ oops ");
    expect(r.fields.map((f) => f.property)).toEqual(["first_name"]);
    expect(r.problems.map((p) => p.kind)).toEqual(["syntax"]);
  });
});
