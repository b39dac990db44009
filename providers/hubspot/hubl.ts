/**
 * Merge fields <-> HubL. HubSpot emails name contact properties as
 * `{{ contact.firstname }}`; the neutral model names the property alone
 * (`{{ firstname }}`), and contact property names are resource names
 * unchanged (properties.ts). The neutral built-in links are HubSpot's own
 * email variables. Filters are left as written: HubSpot and the neutral
 * language share `default`.
 *
 * Only a field that is a bare name up to its filters or `}}` is mapped, so
 * dotted HubL (`{{ site_settings.company_name }}`, `{{ contact.address.city }}`)
 * and `{% … %}` statements pass through both ways untouched.
 */

const NEUTRAL_OF: Record<string, string> = {
  unsubscribe_link: "preferences_url",
  unsubscribe_link_all: "unsubscribe_url",
  view_as_page_url: "web_version_url",
};
const HUBL_OF: Record<string, string> = Object.fromEntries(Object.entries(NEUTRAL_OF).map(([h, n]) => [n, h]));

const FIELD_END = String.raw`(?=\s*(?:\||\}\}))`;
const HUBL_FIELD = new RegExp(String.raw`\{\{(\s*)(contact\.)?([A-Za-z_][A-Za-z0-9_]*)${FIELD_END}`, "g");
const NEUTRAL_FIELD = new RegExp(String.raw`\{\{(\s*)([A-Za-z_][A-Za-z0-9_]*)${FIELD_END}`, "g");

/** HubSpot email text as neutral template text. */
export function fromHubL(text: string): string {
  return text.replace(HUBL_FIELD, (all, ws: string, contact: string | undefined, name: string) =>
    contact ? `{{${ws}${name}` : NEUTRAL_OF[name] !== undefined ? `{{${ws}${NEUTRAL_OF[name]}` : all);
}

/** Neutral template text as HubSpot email text; `fromHubL` undoes it exactly. */
export function toHubL(text: string): string {
  return text.replace(NEUTRAL_FIELD, (_all, ws: string, name: string) => `{{${ws}${HUBL_OF[name] ?? `contact.${name}`}`);
}
