import type { PropertySpec } from "../../src/model";

/**
 * Merge fields <-> Braze Liquid. Braze names a standard attribute
 * `{{${first_name}}}` and a custom one `{{custom_attribute.${tier}}}`; the
 * neutral language names the property alone (`{{ first_name }}`). Filters
 * (`| default: 'there'`) are Liquid in both and pass through. Only a field
 * that is a bare name up to its filters or `}}` is mapped, so every other
 * Liquid (`{{content_blocks.${footer}}}`, `{% if … %}`) is left as written.
 */

/** Braze's standard user attributes (braze-docs "Supported personalization tags"), with their types. */
export const STANDARD_ATTRIBUTES: Record<string, PropertySpec["type"]> = {
  first_name: "string", last_name: "string", email_address: "string", phone_number: "string",
  city: "string", country: "string", language: "string", gender: "string",
  date_of_birth: "date", time_zone: "string", user_id: "string", braze_id: "string",
};

/** Braze's own links <-> the neutral built-ins. */
const NEUTRAL_OF: Record<string, string> = {
  set_user_to_unsubscribed_url: "unsubscribe_url",
  preference_center_url: "preferences_url",
};
const BRAZE_OF: Record<string, string> = Object.fromEntries(Object.entries(NEUTRAL_OF).map(([b, n]) => [n, b]));

const END = String.raw`(?=\s*(?:\||\}\}))`;
const NAME = String.raw`([A-Za-z_][A-Za-z0-9_]*)`;
const BRAZE_FIELD = new RegExp(String.raw`\{\{(\s*)(custom_attribute\.)?\$\{${NAME}\}${END}`, "g");
const NEUTRAL_FIELD = new RegExp(String.raw`\{\{(\s*)${NAME}${END}`, "g");

/** Braze message text as neutral template text. */
export function fromLiquid(text: string): string {
  return text.replace(BRAZE_FIELD, (_all, ws: string, custom: string | undefined, name: string) =>
    `{{${ws}${custom ? name : NEUTRAL_OF[name] ?? name}`);
}

/** Neutral template text as Braze Liquid; `fromLiquid` undoes it exactly. */
export function toLiquid(text: string): string {
  return text.replace(NEUTRAL_FIELD, (_all, ws: string, name: string) => {
    const own = BRAZE_OF[name] ?? (name in STANDARD_ATTRIBUTES ? name : undefined);
    return own !== undefined ? `{{${ws}\${${own}}` : `{{${ws}custom_attribute.\${${name}}`;
  });
}
