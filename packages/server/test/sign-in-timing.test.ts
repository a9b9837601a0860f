/**
 * Sign-in takes as long for an unknown name as for a known one (the dummy hash costs what
 * the accounts' hashes cost), and weak bcrypt costs are reported at start.
 */
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it } from "vitest";
import { createInbox, type Inbox } from "../src/index.js";
import { AGENT, AGENT_KEY } from "./helpers.js";
import { Browser, startReviewerInbox, testAccounts, UI_SECRET } from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

/** Median duration (ms) of a wrong-password sign-in as `name`, over `tries`. */
async function medianFailure(b: Browser, name: string, tries = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < tries; i++) {
    const start = performance.now();
    expect((await b.signIn(name, `wrong-${i}`)).status).toBe(401);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(tries / 2)]!;
}

describe("sign-in timing", () => {
  it("unknown and known names take comparable time with cost-12 account hashes", async () => {
    const accounts = testAccounts().map((a) =>
      a.name === "alice" ? { ...a, passwordHash: bcrypt.hashSync("alice-pw-1", 12) } : a,
    );
    const started = await startReviewerInbox({ accounts });
    inbox = started.inbox;
    const b = new Browser(started.root);
    await medianFailure(b, "warm-up", 1); // the dummy hash is made at start
    const known = await medianFailure(b, "alice");
    const unknown = await medianFailure(b, "nobody-here");
    // Generous bound: the old dummy (cost 10) made unknown names about 4x faster.
    expect(unknown / known).toBeGreaterThan(0.5);
    expect(unknown / known).toBeLessThan(2);
  }, 30_000);

  it("warns at start about bcrypt costs below 10", () => {
    const warnings: string[] = [];
    inbox = createInbox({
      store: "memory",
      apiKeys: { [AGENT_KEY]: AGENT },
      reviewers: { accounts: testAccounts(), secret: UI_SECRET },
      onError: () => {},
      onWarning: (m) => warnings.push(m),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/bcrypt cost below 10 for alice \(cost 4\), bob \(cost 4\)/);
  });
});
