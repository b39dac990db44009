/**
 * Team rule (loaded from the stack's policy folder): US carriers and the TCPA
 * require every marketing text to tell the recipient how to opt out. A
 * missing "Reply STOP" gets the short code filtered, so it blocks the change.
 */
interface Declared {
  kind: string;
  name: string;
  spec: { channel?: string; body?: string };
}

const CODE = "custom/sms-opt-out";

export default {
  code: CODE,
  check(stack: { resources: readonly Declared[] }) {
    return stack.resources
      .filter((r) => r.kind === "template" && r.spec.channel === "sms" && !/reply stop/i.test(r.spec.body ?? ""))
      .map((r) => ({
        code: CODE,
        severity: "error" as const,
        address: `template.${r.name}`,
        message: `SMS template \`${r.name}\` does not tell the recipient how to opt out`,
        hint: 'end the message with "Reply STOP to opt out."',
      }));
  },
};
