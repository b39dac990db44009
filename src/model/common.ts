import { Type, type Static } from "@sinclair/typebox";

/** Resource names: lower snake case, so they read well as addresses (`workflow.cart_recovery`). */
export const Name = Type.String({ pattern: "^[a-z][a-z0-9_]*$", maxLength: 100, description: "lower_snake_case name" });

/** Durations like `30m`, `2h`, `3d`, `2w`. */
export const Duration = Type.String({ pattern: "^[0-9]+(m|h|d|w)$", description: "a duration: 30m, 2h, 3d, 2w" });
export type Duration = Static<typeof Duration>;

export const Percent = Type.Number({ minimum: 0, maximum: 100 });

export const Channel = Type.Union(
  [Type.Literal("email"), Type.Literal("sms"), Type.Literal("push"), Type.Literal("in_app"), Type.Literal("webhook")],
  { description: "email | sms | push | in_app | webhook" },
);
export type Channel = Static<typeof Channel>;
export const CHANNELS: readonly Channel[] = ["email", "sms", "push", "in_app", "webhook"];

export const Tags = Type.Array(Type.String(), { uniqueItems: true });

/** Scalar values a property or condition can hold. */
export const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
export type Scalar = Static<typeof Scalar>;

/** Parse `3d` into milliseconds. The schema guarantees the shape. */
export function durationMs(d: string): number {
  const m = /^([0-9]+)(m|h|d|w)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  const n = Number(m[1]);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as "m" | "h" | "d" | "w"];
  return n * unit;
}
