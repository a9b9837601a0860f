/**
 * Sessions are bound to the account's current credentials: after a restart with a new
 * password hash (same secret), a cookie issued before no longer works; with the same
 * accounts it still does.
 */
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbox } from "../src/index.js";
import { Browser, PASSWORDS, startReviewerInbox, testAccounts } from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

async function start(accounts = testAccounts()) {
  await inbox?.close();
  const started = await startReviewerInbox({ accounts });
  inbox = started.inbox;
  return started;
}

/** A browser carrying only `cookie` as its session. */
const withSession = (root: string, cookie: string) => {
  const b = new Browser(root);
  b.cookies.set("sg_session", cookie);
  return b;
};

describe("sessions and credentials", () => {
  it("a password change ends the sessions made with the old password", async () => {
    const accounts = testAccounts();
    const first = await start(accounts);
    const alice = new Browser(first.root);
    expect((await alice.signIn("alice", PASSWORDS.alice)).status).toBe(303);
    const cookie = alice.cookies.get("sg_session")!;

    // Restarted with the same accounts: the session still works.
    const same = await start(accounts);
    expect((await withSession(same.root, cookie).fetch("/inbox")).status).toBe(200);

    // Restarted with a new password hash for alice: the old cookie leads to sign-in.
    const changed = accounts.map((a) =>
      a.name === "alice" ? { ...a, passwordHash: bcrypt.hashSync("alice-new-pw", 4) } : a,
    );
    const next = await start(changed);
    const old = withSession(next.root, cookie);
    expect((await old.fetch("/inbox")).status).toBe(303);
    expect((await old.fetch("/ui/rows")).status).toBe(401);
    expect((await new Browser(next.root).signIn("alice", "alice-new-pw")).status).toBe(303);
    // Other reviewers sign in as before.
    const bob = new Browser(next.root);
    expect((await bob.signIn("bob", PASSWORDS.bob)).status).toBe(303);
    expect((await bob.fetch("/inbox")).status).toBe(200);
  });
});
