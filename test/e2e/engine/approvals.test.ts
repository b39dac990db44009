import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { editStack, mops, tempStack } from "../../helpers/cli";

/** A protected environment: a change to what someone owns needs their approval, recorded in history. */
describe("owners' approval in a protected environment", { timeout: 120_000 }, () => {
  const dir = tempStack();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => mops(args, { cwd: dir });

  it("refuses without the owner's approval and applies with it, recording who approved", async () => {
    editStack(dir, (doc) => {
      doc.environments.sandbox.protected = true;
    });
    const refused = await run("apply", "--auto-approve");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("error approval/missing: the change to workflow.vip_thank_you needs approval from ana@example.com");
    expect(refused.stderr).toContain("Owners' approval is missing: nothing was changed.");
    expect((await run("history")).stdout).toContain("No versions yet");

    const approved = await run("apply", "--auto-approve", "--approved-by", "ana,lifecycle");
    expect(approved.stderr).toBe("");
    expect(approved.code).toBe(0);
    const shown = JSON.parse((await run("show", "1", "--format", "json")).stdout) as { approvers?: string[] };
    expect(shown.approvers).toEqual(["ana", "lifecycle"]);
  });
});
