import { warning, type Diagnostic } from "../../src/diagnostics";
import { address, durationMs, type Resource } from "../../src/model";
import { unsupported, type KindOps } from "./kind";

/**
 * Frequency caps: HubSpot's email frequency safeguard (Marketing Hub
 * Enterprise) has no API. Mops states the manual setting and enforces what it
 * can: every marketing email it manages is put under the cap
 * (`to.limitSendFrequency`), except the emails of workflows a cap exempts.
 */

export const CAP_UI = "HubSpot > Settings > Marketing > Email > Send frequency tab > \"Recipients receive a set number of emails\"";
const DAY = 86_400_000;
/** The periods HubSpot's safeguard offers (rolling, per contact). */
const PERIODS: Record<number, string> = { [DAY]: "Daily", [7 * DAY]: "Weekly", [14 * DAY]: "Every two weeks", [30 * DAY]: "Monthly" };

export function capDiagnostics(r: Resource<"frequency_cap">): Diagnostic[] {
  const at = address("frequency_cap", r.name);
  const period = PERIODS[durationMs(r.spec.period)];
  const out: Diagnostic[] = [
    warning("hubspot/manual-step", `${at}: HubSpot has no API for its email frequency cap; set it by hand`, {
      address: at,
      hint: `in ${CAP_UI}: maximum ${r.spec.max} emails per recipient, frequency ${period ?? "Weekly (nearest offered)"}. Mops puts every marketing email it manages under the cap${r.spec.exempt?.workflows?.length ? ` except those sent by ${r.spec.exempt.workflows.join(", ")}` : ""}`,
    }),
  ];
  if (!period) {
    out.push(warning("hubspot/cap-period", `${at}: HubSpot's cap counts per day, week, two weeks or month, not ${r.spec.period}`, { address: at, hint: "use 1d, 7d, 14d or 30d" }));
  }
  const other = r.spec.channels.filter((c) => c !== "email");
  if (other.length) {
    out.push(warning("hubspot/cap-channels", `${at}: HubSpot's cap covers marketing email only, not ${other.join(", ")}`, { address: at }));
  }
  return out;
}

const manual = (r: { name: string }) => unsupported("frequency_cap", "set", `set frequency_cap.${r.name} in ${CAP_UI}`);

export const frequencyCaps: KindOps<"frequency_cap"> = {
  // Not readable: the provider's capabilities say so and the engine does not list it.
  list: async () => [],
  read: async () => undefined,
  create: (_env, r) => manual(r),
  update: (_env, r) => manual(r),
  delete: (_env, id) => manual({ name: id }),
  normalize: (r) => r,
  check: capDiagnostics,
};
