/**
 * Reviewer accounts, sessions, CSRF, log out and per-reviewer rights, over real HTTP.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, hashArgs } from "@safeguards/core";
import { afterEach, describe, expect, it } from "vitest";
import { createInbox, type Inbox } from "../src/index.js";
import { AGENT, AGENT_B, AGENT_B_KEY, AGENT_KEY, call, file, requestBody } from "./helpers.js";
import {
  ALICE_API_TOKEN,
  BOB_API_TOKEN,
  Browser,
  PASSWORDS,
  startReviewerInbox,
  testAccounts,
  UI_SECRET,
} from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

async function setup(reviewers = {}) {
  const started = await startReviewerInbox(reviewers);
  inbox = started.inbox;
  return started;
}

describe("sign in, sessions and CSRF", () => {
  it("sends strict security headers and redirects to sign-in without a session", async () => {
    const { root } = await setup();
    const b = new Browser(root);
    const login = await b.fetch("/login");
    expect(login.status).toBe(200);
    const csp = login.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(login.headers.get("x-content-type-options")).toBe("nosniff");
    const inboxPage = await b.fetch("/inbox?agent=x");
    expect(inboxPage.status).toBe(303);
    expect(inboxPage.headers.get("location")).toBe("/login?next=%2Finbox%3Fagent%3Dx");
    expect((await b.fetch("/ui/rows")).status).toBe(401);
  });

  it("signs in with HttpOnly SameSite=Strict cookies; wrong password and missing CSRF refused", async () => {
    const { root } = await setup();
    const b = new Browser(root);
    expect((await b.signIn("alice", "wrong")).status).toBe(401);
    expect((await b.signIn("nobody", "x")).status).toBe(401);
    // No login CSRF token: refused even with the right password.
    const noCsrf = await new Browser(root).form("/login", {
      name: "alice",
      password: PASSWORDS.alice,
    });
    expect(noCsrf.status).toBe(403);
    const ok = await b.signIn("alice", PASSWORDS.alice);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/inbox");
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith("sg_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    const page = await b.fetch("/inbox");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("alice");
  });

  it("marks cookies Secure when configured (https deployments)", async () => {
    const { root } = await setup({ secureCookies: true });
    const res = await new Browser(root).signIn("alice", PASSWORDS.alice);
    expect(res.headers.getSetCookie().find((c) => c.startsWith("sg_session="))).toMatch(/Secure/);
  });

  it("refuses decisions without the session's CSRF token, and forged or tampered cookies", async () => {
    const { root, url } = await setup();
    const body = requestBody();
    await file(url, body);
    const b = new Browser(root);
    await b.signIn("alice", PASSWORDS.alice);
    const noToken = await b.decide(body.id, { type: "approve" });
    expect(noToken.status).toBe(403);
    const wrong = await b.decide(body.id, { type: "approve" }, "not-the-token");
    expect(wrong.status).toBe(403);
    const tampered = new Browser(root);
    const [value, sig] = b.cookies.get("sg_session")!.split(".");
    const forged = JSON.parse(Buffer.from(value!, "base64url").toString());
    forged.name = "bob";
    tampered.cookies.set(
      "sg_session",
      `${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${sig}`,
    );
    expect((await tampered.fetch("/inbox")).status).toBe(303);
    expect((await call(url, `/actions/${body.id}`, { token: ALICE_API_TOKEN })).body.status).toBe(
      "pending",
    );
    const ok = await b.decide(body.id, { type: "approve", comments: "fine" }, await b.csrf());
    expect(ok.status).toBe(200);
    const record = (await call(url, `/actions/${body.id}`, { token: ALICE_API_TOKEN })).body;
    expect(record.status).toBe("approved");
    expect(record.decision.reviewer).toBe("alice");
  });

  it("logs out: the old session cookie stops working", async () => {
    const { root } = await setup();
    const b = new Browser(root);
    await b.signIn("alice", PASSWORDS.alice);
    const csrf = await b.csrf();
    const saved = b.cookies.get("sg_session")!;
    expect((await b.form("/logout", { _csrf: "bad" })).status).toBe(403);
    const out = await b.form("/logout", { _csrf: csrf });
    expect(out.status).toBe(303);
    expect(b.cookies.has("sg_session")).toBe(false);
    const replay = new Browser(root);
    replay.cookies.set("sg_session", saved);
    expect((await replay.fetch("/inbox")).status).toBe(303);
  });

  it("locks a name for a while after 5 wrong passwords, even for the right one", async () => {
    const clock = createManualClock(Date.parse("2026-11-29T12:00:00Z"));
    const started = await startReviewerInbox({}, { clock });
    inbox = started.inbox;
    const b = new Browser(started.root);
    for (let i = 0; i < 5; i++) expect((await b.signIn("alice", "guess")).status).toBe(401);
    const locked = await b.signIn("alice", PASSWORDS.alice);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toBe("60");
    expect((await b.signIn("bob", PASSWORDS.bob)).status).toBe(303); // other names unaffected
    clock.advance(60_000);
    expect((await new Browser(started.root).signIn("alice", PASSWORDS.alice)).status).toBe(303);
  });

  it("never redirects outside the inbox after sign-in", async () => {
    const { root } = await setup();
    const b = new Browser(root);
    const page = await (await b.fetch("/login")).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const res = await b.form("/login", {
      _csrf: csrf,
      next: "//evil.example/x",
      name: "alice",
      password: PASSWORDS.alice,
    });
    expect(res.headers.get("location")).toBe("/inbox");
  });
});

describe("rights", () => {
  it("a reviewer without the right to an action cannot see or decide it, in the UI or the API", async () => {
    const { root, url } = await setup();
    const mine = requestBody(); // agent financial_advisor: bob has no right
    await file(url, mine);
    const other = requestBody(undefined, { agent_id: AGENT_B });
    await file(url, other, AGENT_B_KEY);

    const bob = new Browser(root);
    await bob.signIn("bob", PASSWORDS.bob);
    const list = await (await bob.fetch("/inbox")).text();
    expect(list).toContain(other.id);
    expect(list).not.toContain(mine.id);
    expect((await bob.fetch(`/review/${mine.id}`)).status).toBe(404);
    expect((await bob.decide(mine.id, { type: "approve" }, await bob.csrf())).status).toBe(404);

    // The API with bob's account token: 404 (as if missing) on read and decide, not listed.
    expect((await call(url, `/actions/${mine.id}`, { token: BOB_API_TOKEN })).status).toBe(404);
    const decide = await call(url, `/actions/${mine.id}/decision`, {
      token: BOB_API_TOKEN,
      body: { type: "approve" },
    });
    expect(decide.status).toBe(404);
    expect(decide.body.error.code).toBe("not_found");
    const ids = (
      await call(url, "/actions?status=pending", { token: BOB_API_TOKEN })
    ).body.actions.map((a: { id: string }) => a.id);
    expect(ids).toEqual([other.id]);
    expect((await call(url, `/actions/${mine.id}`, { token: AGENT_KEY })).body.status).toBe(
      "pending",
    );

    // carol may decide only the tool delete_customer.
    const carol = new Browser(root);
    await carol.signIn("carol", PASSWORDS.carol);
    expect((await carol.fetch(`/review/${mine.id}`)).status).toBe(404);
    const args = { customer_id: "c-1" };
    const del = requestBody(undefined, {
      action: { name: "delete_customer", args },
      args_hash: hashArgs(args),
    });
    await file(url, del);
    expect((await carol.fetch(`/review/${del.id}`)).status).toBe(200);
    expect(
      (await carol.decide(del.id, { type: "reject", comments: "no" }, await carol.csrf())).status,
    ).toBe(200);
    expect(
      (await call(url, `/actions/${del.id}`, { token: ALICE_API_TOKEN })).body.decision.reviewer,
    ).toBe("carol");
  });
});

describe("account configuration", () => {
  it("reads accounts from a JSON file and refuses bad accounts naming the problem", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reviewers-"));
    const path = join(dir, "reviewers.json");
    writeFileSync(path, JSON.stringify({ reviewers: testAccounts() }));
    inbox = createInbox({
      store: "memory",
      apiKeys: { [AGENT_KEY]: AGENT },
      reviewers: { accounts: path, secret: UI_SECRET },
      onError: () => {},
    });
    const { url } = await inbox.listen();
    const root = url.replace(/\/api$/, "");
    expect((await new Browser(root).signIn("bob", PASSWORDS.bob)).status).toBe(303);

    const bad =
      (accounts: unknown, secret = UI_SECRET) =>
      () =>
        createInbox({
          store: "memory",
          apiKeys: { [AGENT_KEY]: AGENT },
          reviewers: { accounts: accounts as never, secret },
        });
    expect(bad([{ name: "x", passwordHash: "plain", agents: "*" }])).toThrow(/bcrypt/);
    expect(bad([{ name: "x", token: "0123456789abcdef" }])).toThrow(/agents and\/or tools/);
    expect(bad([{ name: "x", agents: "*" }])).toThrow(/passwordHash/);
    expect(bad(testAccounts(), "short")).toThrow(/32 characters/);
    expect(bad(join(dir, "missing.json"))).toThrow(/cannot read/);
  });
});

describe("mounted under a basePath", () => {
  it("serves the sign-in, pages, assets and cookies under the prefix", async () => {
    const started = await startReviewerInbox({}, { basePath: "/inbox" });
    inbox = started.inbox;
    const origin = started.root.replace(/\/inbox$/, "");
    const b = new Browser(origin);
    expect((await b.fetch("/inbox")).headers.get("location")).toBe("/inbox/inbox");
    const login = await (await b.fetch("/inbox/login")).text();
    expect(login).toContain('action="/inbox/login"');
    expect(login).toContain('src="/inbox/ui/assets/inbox.js"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login)![1]!;
    const res = await b.form("/inbox/login", {
      _csrf: csrf,
      next: "/inbox/history",
      name: "alice",
      password: PASSWORDS.alice,
    });
    expect(res.headers.get("location")).toBe("/inbox/history");
    expect(res.headers.getSetCookie().find((c) => c.startsWith("sg_session="))).toMatch(
      /Path=\/inbox/,
    );
    expect((await b.fetch("/inbox/history")).status).toBe(200);
    const js = await b.fetch("/inbox/ui/assets/inbox.js");
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
