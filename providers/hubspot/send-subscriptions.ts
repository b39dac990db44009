import { error, type Diagnostic } from "../../src/diagnostics";
import { address, type Resource } from "../../src/model";
import { sends } from "../../src/analysis/steps";

/**
 * HubSpot keeps a marketing email's subscription type on the email
 * (`subscriptionDetails`), not on the workflow action that sends it. A send's
 * `subscription_type` therefore has to agree with every other send of the
 * same template and with the email as it is in HubSpot.
 */

interface Send { workflow: string; template: string; subscription: string }

function declaredSends(resources: readonly Resource[]): Send[] {
  return resources.flatMap((r) =>
    r.kind === "workflow"
      ? [...sends(r.spec)].flatMap(({ step }) => (step.subscription_type ? [{ workflow: r.name, template: step.template, subscription: step.subscription_type }] : []))
      : []);
}

/** Template name -> the subscription type its first declared send names: the one a new email is created under. */
export function declaredSubscriptions(resources: readonly Resource[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of declaredSends(resources)) if (!out.has(s.template)) out.set(s.template, s.subscription);
  return out;
}

/**
 * Sends whose subscription type the email cannot hold. `live(template)` is the
 * subscription type name of the existing email, undefined when it does not
 * exist yet (it is then created under the first send's).
 */
export function subscriptionMismatches(resources: readonly Resource[], live: (template: string) => string | undefined): Diagnostic[] {
  const first = declaredSubscriptions(resources);
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const s of declaredSends(resources)) {
    const key = `${s.workflow}\0${s.template}\0${s.subscription}`;
    if (reported.has(key)) continue;
    const at = address("workflow", s.workflow);
    const current = live(s.template);
    if (current !== undefined && current !== s.subscription) {
      reported.add(key);
      out.push(error("hubspot/subscription-mismatch", `${at}: a send of template.${s.template} names subscription type \`${s.subscription}\`, but HubSpot sends that email under \`${current}\``, {
        address: at,
        hint: `HubSpot keeps the subscription type on the marketing email, not on the workflow: set \`subscription_type: ${current}\` on the send, or change the email's subscription type in HubSpot's email editor (Settings)`,
      }));
    } else if (current === undefined && first.get(s.template) !== s.subscription) {
      reported.add(key);
      out.push(error("hubspot/subscription-conflict", `${at}: a send of template.${s.template} names subscription type \`${s.subscription}\`, another send of it names \`${first.get(s.template)}\``, {
        address: at,
        hint: "a HubSpot marketing email is sent under one subscription type: name the same one on every send of this template, or send a copy of the template",
      }));
    }
  }
  return out;
}
